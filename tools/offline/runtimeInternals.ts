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
