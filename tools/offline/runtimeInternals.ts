import * as path from "node:path";

/**
 * The SDK internals the offline engine relies on, in one place so an SDK upgrade has one file to check:
 * - the runtime store's monitor slot, to install the recording monitor after `setMocks` has set the
 *   feature flags the mock runtime needs (setMockOptions alone resets them);
 * - `waitForRPCs`, because registrations settle only after the runtime's outstanding RPCs drain;
 * - protobuf's Struct, from the copy the SDK uses, to rewrite a mock response as the engine would send it.
 */
interface RuntimeStore {
    settings: { monitor?: unknown };
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const state = require("@pulumi/pulumi/runtime/state") as { getStore(): RuntimeStore };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export function getRuntimeStore(): RuntimeStore {
    return state.getStore();
}

export function waitForRPCs(): Promise<void> {
    return settings.waitForRPCs();
}

export interface StructClass {
    fromJavaScript(value: Record<string, unknown>): unknown;
}

const sdkDir = path.dirname(require.resolve("@pulumi/pulumi"));
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const Struct = (require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [sdkDir] })) as { Struct: StructClass }).Struct;

type DebuggablePromise = <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: DebuggablePromise };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkResource = require("@pulumi/pulumi/resource") as { Resource: { callsites(): unknown[] } };

/**
 * The same promise chain as the SDK's debuggablePromise (one `then` and one `catch` hop, the rejection tagged
 * with its promise), without the diagnostics it attaches to every promise: a debug id, context and stack trace
 * as non-enumerable properties, and a leak set holding every pending promise until it settles (which promotes
 * them all to the old generation: most of a plan's garbage collection).
 */
const leanDebuggablePromise: DebuggablePromise = (p, _ctx) =>
    p.then((v) => v).catch((err: unknown) => {
        if (err && typeof err === "object") (err as { promise?: unknown }).promise = p;
        throw err;
    });

/**
 * Runs `run` with the SDK's per-promise diagnostics (promise-leak report at exit) and per-resource call sites
 * (source positions and stack traces sent with each registration, which the offline monitor never records)
 * turned off: they are most of the SDK's cost per resource under mocks. Registrations, their order, inputs and
 * options are unchanged. The engine re-plans a failed program with them on (see engine.ts withStackTraces).
 */
export async function withoutSdkDiagnostics<T>(run: () => Promise<T>): Promise<T> {
    const [promise, callsites] = [debuggable.debuggablePromise, sdkResource.Resource.callsites];
    debuggable.debuggablePromise = leanDebuggablePromise;
    sdkResource.Resource.callsites = () => [];
    try {
        return await run();
    } finally {
        debuggable.debuggablePromise = promise;
        sdkResource.Resource.callsites = callsites;
    }
}
