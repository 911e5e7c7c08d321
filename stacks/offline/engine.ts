/**
 * The offline engine: runs the real program of each stack under Pulumi's mock runtime, in one process,
 * stack after stack in dependency order, and records the full resource graph. Tests, `npm run plan` and
 * `npm run policy` all go through here. The program is the same function the Pulumi language host calls.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config/schema";
import { program } from "../program";
import { type MockResourceContext, mockId, mockInvoke, mockOutputs } from "./mocks";
import { RecordingMonitor, type RecordedResource } from "./monitor";
import { UNKNOWN, type WireProps, containsSecret, unwrapWire } from "./wire";
import { type ProjectFile, ProjectFileError, type StackFile, dependencyOrder, listStacks, loadProject, loadStackFile } from "./project";
import { getRuntimeStore, waitForRPCs } from "./runtimeInternals";

/** The config key naming the stack a stack references; the engine plans that one first. */
export const REFERENCE_KEY = "intelgraph:primaryStack";
export const DEFAULT_ORGANIZATION = "organization";

export type PlanErrorKind = "config" | "program";

export interface PlanError {
    readonly kind: PlanErrorKind;
    readonly message: string;
}

export interface PlannedStack {
    readonly stack: string;
    readonly project: string;
    readonly organization: string;
    readonly preview: boolean;
    /** Raw config as the program saw it (aws:region, intelgraph:role, ...). */
    readonly config: Readonly<Record<string, string>>;
    readonly resources: readonly RecordedResource[];
    /** Stack outputs in wire encoding (secrets sig-wrapped). */
    readonly outputs: WireProps;
    readonly error?: PlanError;
    /** On error: URNs of resources the program registered before failing (reads excluded). Must stay empty for config errors. */
    readonly registeredBeforeError?: readonly string[];
    readonly durationMs: number;
}

export interface PlanOptions {
    /** Directory holding Pulumi.yaml (defaults to the current directory). */
    readonly projectDir?: string;
    /** Stacks to plan (default: every Pulumi.<stack>.yaml); referenced stacks are planned too. */
    readonly stacks?: readonly string[];
    /** Plan as a first `pulumi preview` sees it: computed outputs of new resources unknown. */
    readonly preview?: boolean;
    readonly organization?: string;
    /** Extra or replaced config per stack, e.g. a test's bad value: { "us-east-1": { "intelgraph:vpcCidr": "..." } }. */
    readonly configOverrides?: Readonly<Record<string, Readonly<Record<string, string>>>>;
}



interface ProviderInfo {
    region: string;
    defaultTags: Record<string, string>;
}

/** `urn:pulumi:s::p::pulumi:providers:aws::aws-us-west-2::<id>` -> `aws-us-west-2` (stable whether or not the id is known). */
function providerName(ref: string | undefined): string | undefined {
    if (!ref) return undefined;
    const parts = ref.split("::");
    return parts.length >= 5 ? parts[3] : undefined;
}

function parseDefaultTags(v: unknown): Record<string, string> {
    const obj = typeof v === "string" ? (JSON.parse(v) as unknown) : v;
    const tags = obj && typeof obj === "object" ? (obj as { tags?: unknown }).tags : undefined;
    return tags && typeof tags === "object" ? (tags as Record<string, string>) : {};
}

class StackMocks implements pulumi.runtime.Mocks {
    private readonly providers = new Map<string, ProviderInfo>();

    constructor(
        private readonly stack: StackFile,
        private readonly preview: boolean,
        private readonly references: ReadonlyMap<string, PlannedStack>,
    ) {}

    private regionOf(inputs: Record<string, unknown>, provider: string | undefined): string {
        if (typeof inputs.region === "string" && inputs.region) return inputs.region;
        const p = this.providers.get(providerName(provider) ?? "");
        return p?.region ?? this.stack.config["aws:region"] ?? "us-east-1";
    }

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        if (args.type === "pulumi:pulumi:StackReference") return this.stackReference(String(inputs.name ?? args.id ?? args.name));
        if (args.type.startsWith("pulumi:providers:")) {
            this.providers.set(args.name, { region: String(inputs.region ?? ""), defaultTags: parseDefaultTags(inputs.defaultTags) });
        }
        const ctx: MockResourceContext = {
            type: args.type,
            name: args.name,
            // Names are unique per type in this program; the URN's parent chain would add nothing.
            urn: `${this.stack.stack}::${args.type}::${args.name}`,
            inputs,
            region: this.regionOf(inputs, args.provider),
            defaultTags: this.providers.get(providerName(args.provider) ?? "")?.defaultTags ?? {},
        };
        if (this.preview && !args.id) {
            // A first preview knows only the inputs; ids, ARNs and other computed values stay unknown.
            return { id: undefined, state: inputs };
        }
        const id = args.id || mockId(ctx);
        return { id, state: mockOutputs(ctx, id) };
    }

    private stackReference(name: string): pulumi.runtime.MockResourceResult {
        const target = this.references.get(name.split("/").pop() ?? name);
        if (!target || target.error) {
            const why = !target ? "it is not planned in this run" : `its plan failed (${target.error?.kind} error)`;
            throw new Error(`offline engine: cannot answer StackReference '${name}': ${why}`);
        }
        const secretOutputNames = Object.entries(target.outputs).filter(([, v]) => containsSecret(v)).map(([k]) => k);
        const outputs = Object.fromEntries(Object.entries(target.outputs).map(([k, v]) => [k, unwrapWire(v)]));
        return { id: name, state: { name, outputs, secretOutputNames } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        return mockInvoke(args.token, args.inputs as Record<string, unknown>, this.regionOf(args.inputs ?? {}, args.provider));
    }
}

function disabledDefaultProviders(config: Readonly<Record<string, string>>): string[] {
    try {
        const v: unknown = JSON.parse(config["pulumi:disable-default-providers"] ?? "[]");
        return Array.isArray(v) ? v.map(String) : [];
    } catch {
        return [];
    }
}

function classify(err: unknown): PlanError {
    const e = err instanceof Error ? err : new Error(String(err));
    if (e instanceof ConfigError || e.name === "ConfigError") return { kind: "config", message: e.message };
    if (e instanceof ProjectFileError) return { kind: "config", message: e.message };
    // Errors the program raises about its stack file (e.g. a primary that is not deployed) name the file first.
    if (/^Pulumi\.[^:]+\.yaml: /.test(e.message)) return { kind: "config", message: e.message };
    return { kind: "program", message: e.stack ?? e.message };
}

/**
 * Errors thrown inside a Pulumi program also surface as unhandled rejections of the promises the SDK
 * chained on them. While a stack runs, they are collected here instead of crashing the process.
 */
async function withCollectedRejections<T>(run: () => Promise<T>): Promise<{ value?: T; error?: unknown; rejections: unknown[] }> {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
        const value = await run();
        return { value, rejections };
    } catch (error) {
        return { error, rejections };
    } finally {
        // Let rejections queued by the failed run arrive before the listener goes.
        await new Promise((r) => setImmediate(r));
        process.off("unhandledRejection", onRejection);
    }
}

export interface PlanStackOptions {
    readonly preview: boolean;
    readonly organization: string;
    readonly references: ReadonlyMap<string, PlannedStack>;
    /** Capture stack traces while the program runs (slower; used to explain a program error). */
    readonly stackTraces?: boolean;
}

/**
 * The SDK captures a formatted stack trace for every promise it creates (for its promise-leak diagnostics),
 * which is half of a plan's time. Plans run without them; a program error is re-planned with them so its
 * report still shows where it failed. Resource source positions are unaffected (the SDK lifts the limit
 * itself for those).
 */
async function withStackTraces<T>(enabled: boolean, run: () => Promise<T>): Promise<T> {
    const limit = Error.stackTraceLimit;
    if (!enabled) Error.stackTraceLimit = 0;
    try {
        return await run();
    } finally {
        Error.stackTraceLimit = limit;
    }
}

export async function planStack(project: ProjectFile, stackFile: StackFile, opts: PlanStackOptions): Promise<PlannedStack> {
    const started = performance.now();
    const base = { stack: stackFile.stack, project: project.name, organization: opts.organization, preview: opts.preview, config: stackFile.config };
    const failed = (error: PlanError): PlannedStack => ({ ...base, resources: [], outputs: {}, error, durationMs: performance.now() - started });

    if (stackFile.encryptedKeys.length) {
        return failed({
            kind: "config",
            message:
                `${stackFile.file}: ${stackFile.encryptedKeys.join(", ")} hold secure: (encrypted) values that only the Pulumi CLI can decrypt; ` +
                "the offline plan does not guess them. Keep secrets out of stack files (the program generates them with @pulumi/random) or run `pulumi preview`.",
        });
    }

    const mocks = new StackMocks(stackFile, opts.preview, opts.references);
    await pulumi.runtime.setMocks(mocks, project.name, stackFile.stack, opts.preview, opts.organization);
    const monitor = new RecordingMonitor(mocks, stackFile.stack, project.name, disabledDefaultProviders(stackFile.config));
    getRuntimeStore().settings.monitor = monitor;
    pulumi.runtime.setAllConfig({ ...stackFile.config });

    const run = await withStackTraces(opts.stackTraces === true, () =>
        withCollectedRejections(async () => {
            const outputs = await pulumi.runtime.runInPulumiStack(program);
            await waitForRPCs();
            return outputs;
        }),
    );
    const error = run.error ?? run.rejections[0];
    if (error !== undefined) {
        await waitForRPCs().catch(() => undefined);
        const planError = classify(error);
        if (planError.kind === "program" && !opts.stackTraces) return planStack(project, stackFile, { ...opts, stackTraces: true });
        const registered = monitor.records.filter((r) => !r.external && r.type !== "pulumi:pulumi:Stack").map((r) => r.urn);
        return { ...failed(planError), registeredBeforeError: registered };
    }

    const stackRecord = monitor.records.find((r) => r.type === "pulumi:pulumi:Stack");
    return { ...base, resources: monitor.records, outputs: stackRecord?.outputs ?? {}, durationMs: performance.now() - started };
}

/** Plans the requested stacks (and the stacks they reference) in dependency order. */
export async function planStacks(options: PlanOptions = {}): Promise<PlannedStack[]> {
    const project = loadProject(options.projectDir ?? process.cwd());
    const all = listStacks(project);
    const wanted = options.stacks?.length ? options.stacks : all;
    const unknown = wanted.filter((s) => !all.includes(s));
    if (unknown.length) throw new ProjectFileError(`no stack file for ${unknown.join(", ")} (stacks: ${all.join(", ")})`);

    const files = all.map((s) => {
        const f = loadStackFile(project, s);
        const overrides = options.configOverrides?.[s];
        return overrides ? { ...f, config: { ...f.config, ...overrides } } : f;
    });
    const needed = new Set<string>();
    const addWithRefs = (s: string) => {
        if (needed.has(s)) return;
        needed.add(s);
        const ref = files.find((f) => f.stack === s)?.config[REFERENCE_KEY]?.split("/").pop();
        if (ref && all.includes(ref)) addWithRefs(ref);
    };
    wanted.forEach(addWithRefs);

    const organization = options.organization ?? DEFAULT_ORGANIZATION;
    const order = dependencyOrder(files.filter((x) => needed.has(x.stack)), REFERENCE_KEY);
    const planAll = async (preview: boolean, references?: ReadonlyMap<string, PlannedStack>) => {
        const planned = new Map<string, PlannedStack>();
        for (const f of order) planned.set(f.stack, await planStack(project, f, { preview, organization, references: references ?? planned }));
        return planned;
    };
    if (!options.preview) return [...(await planAll(false)).values()].filter((p) => wanted.includes(p.stack));
    // A secondary is previewed against a deployed primary, whose outputs are known: answer its
    // StackReference from an up-plan of the primary, as `pulumi preview` reads it from the primary's state.
    const deployed = order.some((f) => f.config[REFERENCE_KEY]) ? await planAll(false) : new Map<string, PlannedStack>();
    return [...(await planAll(true, deployed)).values()].filter((p) => wanted.includes(p.stack));
}

export { UNKNOWN, unwrapWire };
