/**
 * The offline engine: runs the real program of each stack under Pulumi's mock runtime, in one process,
 * stack after stack in dependency order, and records the full resource graph. Tests, `npm run plan` and
 * `npm run policy` all go through here. The program is the one the Pulumi language host runs: the module
 * Pulumi.yaml's `main` names (its export is the program function), unless a caller passes another.
 *
 * It knows nothing of the project's internals. Stack order comes from the StackReferences each program
 * actually reads: a reference to a stack of the project that is not planned yet stops that run, the
 * referenced stack is planned, and the run starts again (a program reads its references before it registers
 * anything, so the retry is cheap). Config errors are errors named `ConfigError`, or whose message starts
 * with the stack file's name.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { MOCK_ACCOUNT_ID, type MockResourceContext, mockId, mockInvoke, mockOutputs } from "./mocks";
import { RecordingMonitor, type RecordedResource } from "./monitor";
import { UNKNOWN, type WireProps, containsSecret, unwrapWire } from "./wire";
import { type ProjectFile, ProjectFileError, type StackFile, listStacks, loadProject, loadStackFile } from "./project";
import { getRuntimeStore, waitForRPCs, withoutSdkDiagnostics } from "./runtimeInternals";
import { type PriorState, type ResourceChange, diffAgainstPrior } from "./priorState";

export const DEFAULT_ORGANIZATION = "organization";

/** A Pulumi program: what the language host calls; its result becomes the stack outputs. */
export type Program = () => Promise<Record<string, unknown> | void>;

/** The program of Pulumi.yaml's `main` (the module exports the function, as `export =` or `export default`). */
export async function loadProgram(project: ProjectFile): Promise<Program> {
    if (!project.main) throw new ProjectFileError(`${path.join(project.dir, "Pulumi.yaml")}: 'main' must name the program's entry module`);
    const entry = path.resolve(project.dir, project.main);
    // A path, not a file: URL: under `npm run plan` the loader turns import() into require().
    const mod = (await import(entry)) as Program | { default?: unknown };
    const fn = typeof mod === "function" ? mod : mod.default;
    if (typeof fn !== "function") throw new ProjectFileError(`${project.main}: exports no program function (export = program, or export default)`);
    return fn as Program;
}

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
    /** Stacks of the project the program read through a StackReference before they were planned. */
    readonly unresolvedReferences?: readonly string[];
    /** With PlanOptions.regionDown: every registration and invoke that would have failed, and why. */
    readonly regionDown?: RegionDown;
    /** With PlanOptions.priorState for this stack: what a `pulumi up` would change in the resources as they are now. */
    readonly againstPrior?: readonly ResourceChange[];
    readonly durationMs: number;
}

/**
 * AWS services whose control plane is in us-east-1 whatever the caller's region (AWS, "AWS Fault Isolation
 * Boundaries": global services): while us-east-1 is down nothing of theirs can be created or changed, from
 * any stack. Their data planes (role sessions, DNS answers, health checks) keep working.
 */
export const US_EAST_1_CONTROL_PLANES: readonly { readonly prefix: string; readonly service: string }[] = [
    { prefix: "aws:iam/", service: "IAM" },
    { prefix: "aws:route53/", service: "Route 53" },
    { prefix: "aws:organizations/", service: "Organizations" },
];

export interface BlockedCall {
    /** `type::name` of the resource, or the invoke's token. */
    readonly what: string;
    readonly kind: "resource" | "invoke";
    /** `region`: it goes through the down region's provider (the stack cannot be updated); `control-plane`: a global service's. */
    readonly reason: "region" | "control-plane";
    readonly detail: string;
}

export interface RegionDown {
    readonly region: string;
    /** False when anything goes through the down region's providers: `pulumi up`, `refresh` and previews of this stack fail. */
    readonly updatable: boolean;
    readonly blocked: readonly BlockedCall[];
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
    /** Run this program instead of Pulumi.yaml's `main` (e.g. one component with a test's own args). */
    readonly program?: Program;
    /**
     * Rehearse the loss of this region: every registration and invoke through its providers fails (recorded,
     * and the plan goes on to find them all), and when it is us-east-1, every change to IAM and Route 53.
     */
    readonly regionDown?: string;
    /**
     * The stacks' resources as AWS reports them now (e.g. after a failover): each planned stack with an entry is
     * diffed against it (`againstPrior`), as the next `pulumi up` after a refresh would.
     */
    readonly priorState?: PriorState;
}

interface ProviderInfo {
    region: string;
    defaultTags: Record<string, string>;
    account: string;
}

/**
 * A provider with allowedAccountIds refuses credentials of any other account (pulumi-aws provider config,
 * "allowedAccountIds"), so a deploy that gets past it runs as that account: the mocks answer as it.
 */
function providerAccount(v: unknown): string {
    const ids = typeof v === "string" ? (JSON.parse(v) as unknown) : v;
    return Array.isArray(ids) && ids.length === 1 && typeof ids[0] === "string" ? ids[0] : MOCK_ACCOUNT_ID;
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
    readonly unresolved = new Set<string>();
    readonly blocked: BlockedCall[] = [];

    constructor(
        private readonly stack: StackFile,
        private readonly preview: boolean,
        private readonly references: ReadonlyMap<string, PlannedStack>,
        private readonly plannable: ReadonlySet<string>,
        private readonly regionDown?: string,
    ) {}

    /** The region a call goes to: AWS through its provider's region; Kubernetes through its cluster's (the stack's). */
    private callRegion(type: string, inputs: Record<string, unknown>, provider: string | undefined): string {
        if (type.startsWith("kubernetes:")) return this.stack.config["aws:region"] ?? "";
        if (!type.startsWith("aws:")) return "";
        return this.regionOf(inputs, provider);
    }

    private rehearseRegionDown(kind: BlockedCall["kind"], type: string, what: string, inputs: Record<string, unknown>, provider: string | undefined): void {
        const down = this.regionDown;
        if (!down) return;
        const region = this.callRegion(type, inputs, provider);
        if (region === down) {
            this.blocked.push({ what, kind, reason: "region", detail: `goes through ${down}` });
            return;
        }
        const global = down === "us-east-1" ? US_EAST_1_CONTROL_PLANES.find((g) => type.startsWith(g.prefix)) : undefined;
        if (global) this.blocked.push({ what, kind, reason: "control-plane", detail: `${global.service}'s control plane is in us-east-1` });
    }

    private regionOf(inputs: Record<string, unknown>, provider: string | undefined): string {
        if (typeof inputs.region === "string" && inputs.region) return inputs.region;
        const p = this.providers.get(providerName(provider) ?? "");
        return p?.region ?? this.stack.config["aws:region"] ?? "us-east-1";
    }

    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
        const inputs = (args.inputs ?? {}) as Record<string, unknown>;
        if (args.type === "pulumi:pulumi:StackReference") return this.stackReference(String(inputs.name ?? args.id ?? args.name));
        if (args.type.startsWith("pulumi:providers:")) {
            this.providers.set(args.name, { region: String(inputs.region ?? ""), defaultTags: parseDefaultTags(inputs.defaultTags), account: providerAccount(inputs.allowedAccountIds) });
        } else {
            this.rehearseRegionDown("resource", args.type, `${args.type}::${args.name}`, inputs, args.provider);
        }
        const ctx: MockResourceContext = {
            type: args.type,
            name: args.name,
            // Names are unique per type in this program; the URN's parent chain would add nothing.
            urn: `${this.stack.stack}::${args.type}::${args.name}`,
            inputs,
            region: this.regionOf(inputs, args.provider),
            defaultTags: this.providers.get(providerName(args.provider) ?? "")?.defaultTags ?? {},
            account: this.providers.get(providerName(args.provider) ?? "")?.account ?? MOCK_ACCOUNT_ID,
        };
        if (this.preview && !args.id) {
            // A first preview knows only the inputs; ids, ARNs and other computed values stay unknown.
            return { id: undefined, state: inputs };
        }
        const id = args.id || mockId(ctx);
        return { id, state: mockOutputs(ctx, id) };
    }

    private stackReference(name: string): pulumi.runtime.MockResourceResult {
        const stack = name.split("/").pop() ?? name;
        const target = this.references.get(stack);
        if (!target && this.plannable.has(stack)) {
            // Answered empty rather than failed (a failed read rejects promises the SDK chained on it long after
            // the run); the run is discarded and repeated once the referenced stack is planned.
            this.unresolved.add(stack);
            return { id: name, state: { name, outputs: {}, secretOutputNames: [] } };
        }
        if (!target || target.error) {
            const why = !target ? "it is not planned in this run" : `its plan failed (${target.error?.kind} error)`;
            throw new Error(`offline engine: cannot answer StackReference '${name}': ${why}`);
        }
        const secretOutputNames = Object.entries(target.outputs).filter(([, v]) => containsSecret(v)).map(([k]) => k);
        const outputs = Object.fromEntries(Object.entries(target.outputs).map(([k, v]) => [k, unwrapWire(v)]));
        return { id: name, state: { name, outputs, secretOutputNames } };
    }

    call(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
        this.rehearseRegionDown("invoke", args.token, args.token, (args.inputs ?? {}) as Record<string, unknown>, args.provider);
        const account = this.providers.get(providerName(args.provider) ?? "")?.account ?? MOCK_ACCOUNT_ID;
        return mockInvoke(args.token, args.inputs as Record<string, unknown>, this.regionOf(args.inputs ?? {}, args.provider), account);
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
    if (e.name === "ConfigError") return { kind: "config", message: e.message };
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
    readonly program: Program;
    /** Deployed (up-mode) plans that answer StackReferences, by stack name. */
    readonly references: ReadonlyMap<string, PlannedStack>;
    /** Stacks a StackReference may name that are not in `references` yet: reading one stops the run. */
    readonly plannable?: ReadonlySet<string>;
    readonly regionDown?: string;
    /** Capture stack traces while the program runs (slower; used to explain a program error). */
    readonly stackTraces?: boolean;
}

/**
 * The SDK captures a formatted stack trace for every promise it creates (for its promise-leak diagnostics),
 * and the call sites of every resource (source positions the offline monitor does not record): most of a
 * plan's time. Plans run without them (runtimeInternals.ts withoutSdkDiagnostics); a program error is
 * re-planned with them so its report still shows where it failed.
 */
async function withStackTraces<T>(enabled: boolean, run: () => Promise<T>): Promise<T> {
    if (enabled) return run();
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
        return await withoutSdkDiagnostics(run);
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

    const mocks = new StackMocks(stackFile, opts.preview, opts.references, opts.plannable ?? new Set(), opts.regionDown);
    await pulumi.runtime.setMocks(mocks, project.name, stackFile.stack, opts.preview, opts.organization);
    const monitor = new RecordingMonitor(mocks, stackFile.stack, project.name, disabledDefaultProviders(stackFile.config));
    getRuntimeStore().settings.monitor = monitor;
    pulumi.runtime.setAllConfig({ ...stackFile.config });

    const run = await withStackTraces(opts.stackTraces === true, () =>
        withCollectedRejections(async () => {
            try {
                const outputs = await pulumi.runtime.runInPulumiStack(opts.program);
                await waitForRPCs();
                return outputs;
            } catch (e) {
                // The SDK's promises chained on the failure reject while its RPCs drain: collect them too.
                await waitForRPCs().catch(() => undefined);
                throw e;
            }
        }),
    );
    const error = run.error ?? run.rejections[0];
    if (error !== undefined) {
        if (mocks.unresolved.size) return { ...failed({ kind: "program", message: String(error) }), unresolvedReferences: [...mocks.unresolved] };
        const planError = classify(error);
        if (planError.kind === "program" && !opts.stackTraces) return planStack(project, stackFile, { ...opts, stackTraces: true });
        const registered = monitor.records.filter((r) => !r.external && r.type !== "pulumi:pulumi:Stack").map((r) => r.urn);
        return { ...failed(planError), registeredBeforeError: registered };
    }

    if (mocks.unresolved.size) return { ...failed({ kind: "program", message: "read a stack that is not planned yet" }), unresolvedReferences: [...mocks.unresolved] };
    const stackRecord = monitor.records.find((r) => r.type === "pulumi:pulumi:Stack");
    const regionDown = opts.regionDown ? { region: opts.regionDown, updatable: !mocks.blocked.some((b) => b.reason === "region"), blocked: mocks.blocked } : undefined;
    return { ...base, resources: monitor.records, outputs: stackRecord?.outputs ?? {}, ...(regionDown ? { regionDown } : {}), durationMs: performance.now() - started };
}

/**
 * A stack whose config mentions another stack of the project by name (a key's string value, or a string of a
 * key's list, equal to it or ending in `/<name>`) probably references it: plan that one first. Values nested in
 * an object are settings, not stack names (a prod stack is named after its region, and a setting naming the
 * other region would otherwise read as a reference both ways, a cycle). Only a hint (a mention that is no
 * reference costs nothing; a cycle of mentions keeps the given order): the StackReferences the program really
 * reads decide.
 */
export function referenceHintOrder(stacks: readonly string[], files: ReadonlyMap<string, StackFile>): { order: string[]; referenced: Set<string> } {
    const names = [...files.keys()];
    const mentions = (stack: string): string[] => {
        const found = new Set<string>();
        const visit = (v: unknown): void => {
            if (typeof v === "string") {
                for (const n of names) if (n !== stack && (v === n || v.endsWith(`/${n}`))) found.add(n);
            } else if (Array.isArray(v)) v.forEach(visit);
        };
        for (const raw of Object.values(files.get(stack)?.config ?? {})) {
            let value: unknown = raw;
            try {
                value = JSON.parse(raw);
            } catch {
                // a plain string
            }
            visit(value);
        }
        return [...found];
    };
    const order: string[] = [];
    const referenced = new Set<string>();
    const visiting = new Set<string>();
    const visit = (s: string) => {
        if (order.includes(s) || visiting.has(s)) return;
        visiting.add(s);
        for (const m of mentions(s)) {
            referenced.add(m);
            visit(m);
        }
        visiting.delete(s);
        order.push(s);
    };
    stacks.forEach(visit);
    return { order, referenced };
}

/**
 * Plans the requested stacks, and the stacks they reference first. A StackReference is answered from an
 * up-plan of the referenced stack, as `pulumi preview` reads it from that stack's deployed state.
 */
export async function planStacks(options: PlanOptions = {}): Promise<PlannedStack[]> {
    const project = loadProject(options.projectDir ?? process.cwd());
    const all = listStacks(project);
    const wanted = options.stacks?.length ? options.stacks : all;
    const unknown = wanted.filter((s) => !all.includes(s));
    if (unknown.length) throw new ProjectFileError(`no stack file for ${unknown.join(", ")} (stacks: ${all.join(", ")})`);

    const files = new Map(
        all.map((s) => {
            const f = loadStackFile(project, s);
            const overrides = options.configOverrides?.[s];
            return [s, overrides ? { ...f, config: { ...f.config, ...overrides } } : f];
        }),
    );
    const program = options.program ?? (await loadProgram(project));
    const organization = options.organization ?? DEFAULT_ORGANIZATION;
    const deployed = new Map<string, PlannedStack>();
    const previewed = new Map<string, PlannedStack>();
    const running = new Set<string>();

    const planOne = async (stack: string, preview: boolean): Promise<PlannedStack> => {
        const done = (preview ? previewed : deployed).get(stack);
        if (done) return done;
        const key = `${preview ? "preview" : "up"}:${stack}`;
        if (running.has(key)) throw new ProjectFileError(`stack reference cycle through ${stack}`);
        running.add(key);
        try {
            for (;;) {
                const plannable = new Set(all.filter((s) => !deployed.has(s)));
                const planned = await planStack(project, files.get(stack) as StackFile, { preview, organization, program, references: deployed, plannable, regionDown: options.regionDown });
                if (!planned.unresolvedReferences?.length) {
                    (preview ? previewed : deployed).set(stack, planned);
                    return planned;
                }
                for (const ref of planned.unresolvedReferences) await planOne(ref, false);
            }
        } finally {
            running.delete(key);
        }
    };
    const preview = options.preview === true;
    // Likely references first, and as the deployed state that answers them, so discovery rarely needs a discarded run.
    const hint = referenceHintOrder(all.filter((x) => wanted.includes(x)), files);
    for (const s of hint.order) {
        if (hint.referenced.has(s)) await planOne(s, false);
        if (wanted.includes(s)) await planOne(s, preview);
    }
    const prior = options.priorState ?? {};
    return [...(preview ? previewed : deployed).values()]
        .filter((p) => wanted.includes(p.stack))
        .map((p) => (prior[p.stack] && !p.error ? { ...p, againstPrior: diffAgainstPrior(p.resources, prior[p.stack]) } : p));
}

export { UNKNOWN, unwrapWire };
