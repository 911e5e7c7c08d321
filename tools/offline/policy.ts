/**
 * Evaluates the CrossGuard pack offline, building each policy's arguments exactly as @pulumi/policy's own
 * analyzer server does (server.js: enforcement level from config, type fast-paths, deserialized props wrapped
 * in the unknown-checking proxy, provider resource, opts, getConfig, notApplicable; stack resources with
 * parent, dependencies and property dependencies resolved to resource objects; an UnknownValueError becomes
 * the advisory "can't run ... during preview"). It reads plan reports and `pulumi stack export` files alike.
 */
import * as fs from "node:fs";
import type {
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import type { IntelGraphPolicy } from "../../policy-pack/policies";
import type { PolicyViolation } from "./report";
import { SECRET_SIG, SIG_KEY, type WireProps, type WireValue } from "./wire";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require("@pulumi/policy/deserialize") as {
    deserializeProperties(struct: { toJavaScript(): WireProps }, proxySecrets: boolean): Record<string, unknown>;
};

/** A resource as a plan report or a stack export (deployment v3) records it. */
export interface EvaluatedResource {
    urn: string;
    type: string;
    custom?: boolean;
    inputs?: WireProps;
    outputs?: WireProps;
    parent?: string;
    provider?: string;
    dependencies?: string[];
    propertyDependencies?: Record<string, string[]>;
    protect?: boolean;
    ignoreChanges?: string[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
}

/** A policy-pack config file: { "<policy>": { enforcementLevel?, ...properties }, "all"?: level }. */
export type PackConfig = Record<string, unknown>;

export interface PolicySummary {
    resourcesChecked: number;
    rulesRun: number;
    violations: { mandatory: number; advisory: number };
    /** Rules that applied to no resource of the stack, with the reason given. */
    notApplicable: { policy: string; reason: string }[];
    /** "can't run during preview" diagnostics: must stay 0 for a rule to block a first preview. */
    cantRunDuringPreview: number;
}

export interface PolicyResult {
    violations: PolicyViolation[];
    summary: PolicySummary;
}

export class PolicyConfigError extends Error {}

type Level = PolicyViolation["enforcementLevel"];
const PACK_LEVEL: Level = "mandatory";

/**
 * Thrown once per resource a rule skips (thousands per plan) and always caught here: a plain object, because
 * an Error's stack trace costs more than the rule's check and nobody reads it.
 */
class NotApplicableError {
    constructor(readonly reason: string) {}
}
const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason ?? "");
};

/** Exported secrets carry ciphertext, reports "[secret]"; neither is readable, so both become an opaque value. */
function normalizeSecrets(v: WireValue): WireValue {
    if (Array.isArray(v)) return v.map(normalizeSecrets);
    if (v && typeof v === "object") {
        if (v[SIG_KEY] === SECRET_SIG) return { [SIG_KEY]: SECRET_SIG, value: "value" in v ? normalizeSecrets(v.value) : "[secret]" };
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalizeSecrets(x)]));
    }
    return v;
}

const deserialize = (wire: WireProps): Record<string, unknown> => {
    const normalized = normalizeSecrets(wire) as WireProps;
    return deserializeProperties({ toJavaScript: () => normalized }, false);
};

/**
 * A read-only view: the server gives each rule fresh props, this evaluator shares one copy, so a rule that
 * wrote to its props would change what the next rule sees. Writing throws instead. (Not Object.freeze: the
 * unknown-checking proxy cannot wrap frozen values and would stop detecting unknowns.)
 */
function readOnly<T extends object>(value: T, views: WeakMap<object, object>): T {
    const existing = views.get(value);
    if (existing) return existing as T;
    const refuse = (): never => {
        throw new TypeError("policy rules must not modify the resource properties they are given");
    };
    const view = new Proxy(value, {
        get: (target, key, receiver) => {
            const v: unknown = Reflect.get(target, key, receiver);
            return v && typeof v === "object" ? readOnly(v, views) : v;
        },
        set: refuse,
        defineProperty: refuse,
        deleteProperty: refuse,
        setPrototypeOf: refuse,
    });
    views.set(value, view);
    return view;
}

/**
 * Props as the server hands them to a rule: deserialized, in the unknown-checking proxy. Deserialized once per
 * resource and shared, read-only, by all rules (each rule still gets its own unknown-checking proxy).
 */
function propsReader(): (wire: WireProps | undefined) => Record<string, unknown> {
    const cache = new Map<WireProps, Record<string, unknown>>();
    const views = new WeakMap<object, object>();
    const none: WireProps = {};
    return (wire) => {
        const key = wire ?? none;
        let value = cache.get(key);
        if (!value) cache.set(key, (value = readOnly(deserialize(key), views)));
        return unknownCheckingProxy(value) as Record<string, unknown>;
    };
}

/** Per-policy config as the engine reconciles it: the file's properties over the schema's defaults. */
function policyConfig(policy: IntelGraphPolicy, config: PackConfig): Record<string, unknown> {
    const raw = config[policy.name];
    const given = raw && typeof raw === "object" ? { ...(raw as Record<string, unknown>) } : {};
    delete given.enforcementLevel;
    const schema = policy.configSchema;
    const withDefaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(schema?.properties ?? {})) {
        const d = (s as { default?: unknown }).default;
        if (d !== undefined) withDefaults[k] = d;
    }
    Object.assign(withDefaults, given);
    const missing = (schema?.required ?? []).filter((k) => withDefaults[k] === undefined);
    if (missing.length) throw new PolicyConfigError(`policy config for ${policy.name} is missing ${missing.join(", ")} (required by its configSchema)`);
    return withDefaults;
}

function levelOf(policy: IntelGraphPolicy, config: PackConfig): Level {
    const own = config[policy.name];
    const fromConfig = own && typeof own === "object" ? (own as { enforcementLevel?: Level }).enforcementLevel : typeof own === "string" ? (own as Level) : undefined;
    const all = typeof config.all === "string" ? (config.all as Level) : undefined;
    const level = fromConfig ?? all ?? policy.enforcementLevel ?? PACK_LEVEL;
    // As the server does: a remediation that still violates is reported as mandatory.
    return level === "remediate" ? "mandatory" : level;
}

const isStackPolicy = (p: IntelGraphPolicy): p is StackValidationPolicy => "validateStack" in p && typeof p.validateStack === "function";

export interface EvaluateOptions {
    readonly config?: PackConfig;
}

export async function evaluatePolicies(resources: readonly EvaluatedResource[], policies: readonly IntelGraphPolicy[], options: EvaluateOptions = {}): Promise<PolicyResult> {
    const config = options.config ?? {};
    const props = propsReader();
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const providerUrns = new Map<string, string>();
    const providerOf = (r: EvaluatedResource, phase: "inputs" | "outputs"): PolicyProviderResource | undefined => {
        if (!r.provider) return undefined;
        let urn = providerUrns.get(r.provider);
        if (urn === undefined) providerUrns.set(r.provider, (urn = r.provider.split("::").slice(0, -1).join("::")));
        const p = byUrn.get(urn);
        if (!p) return undefined;
        return { type: p.type, props: props(phase === "inputs" ? p.inputs : p.outputs ?? p.inputs), urn: p.urn, name: p.urn.split("::").pop() ?? "" };
    };
    const optsOf = (r: EvaluatedResource): PolicyResourceOptions => ({
        protect: r.protect === true,
        ignoreChanges: r.ignoreChanges ?? [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: r.additionalSecretOutputs ?? [],
        ...(r.deleteBeforeReplace !== undefined ? { deleteBeforeReplace: r.deleteBeforeReplace } : {}),
        ...(r.parent ? { parent: r.parent } : {}),
    });
    const nameOf = (urn: string) => urn.split("::").pop() ?? urn;

    const violations: PolicyViolation[] = [];
    const notApplicable = new Map<string, string>();
    let rulesRun = 0;
    let cantRun = 0;

    for (const policy of policies) {
        const level = levelOf(policy, config);
        if (level === "disabled") continue;
        rulesRun++;
        const getConfig = () => policyConfig(policy, config);
        getConfig(); // surfaces a config error before any rule runs
        const reportFor = (defaultUrn: string): ReportViolation => (message: string, urn?: string) => {
            violations.push({ policy: policy.name, enforcementLevel: level, urn: urn ?? defaultUrn, message });
        };
        const onError = (e: unknown, urn: string): boolean => {
            if (e instanceof UnknownValueError) {
                cantRun++;
                violations.push({ policy: policy.name, enforcementLevel: "advisory", urn, message: `can't run policy '${policy.name}' during preview: ${(e as Error).message}` });
                return true;
            }
            if (e instanceof NotApplicableError) {
                notApplicable.set(policy.name, e.reason);
                return true;
            }
            return false;
        };

        if (isStackPolicy(policy)) {
            const built = new Map<string, PolicyResource>();
            for (const r of resources) {
                const provider = providerOf(r, "outputs");
                built.set(r.urn, {
                    type: r.type,
                    props: props(r.outputs ?? r.inputs),
                    urn: r.urn,
                    name: nameOf(r.urn),
                    opts: optsOf(r),
                    dependencies: [],
                    propertyDependencies: {},
                    ...(provider ? { provider } : {}),
                    isType: () => false,
                    asType: () => undefined,
                } as PolicyResource);
            }
            for (const r of resources) {
                const res = built.get(r.urn)!;
                if (r.parent && built.has(r.parent)) res.parent = built.get(r.parent);
                res.dependencies = (r.dependencies ?? []).map((d) => built.get(d)).filter((d): d is PolicyResource => !!d);
                for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                    res.propertyDependencies[k] = urns.map((d) => built.get(d)).filter((d): d is PolicyResource => !!d);
                }
            }
            const args = { resources: [...built.values()], getConfig, stackTags: new Map(), notApplicable: throwNotApplicable } as unknown as StackValidationArgs;
            try {
                await Promise.resolve(policy.validateStack(args, reportFor("")));
            } catch (e) {
                if (!onError(e, "")) throw new Error(`Error validating stack with policy '${policy.name}': ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
            }
            continue;
        }

        const resourcePolicy = policy as ResourceValidationPolicy;
        const validations = resourcePolicy.validateResource ? [resourcePolicy.validateResource].flat() : [];
        let applied = 0;
        let firstReason = "";
        for (const r of resources) {
            for (const validation of validations) {
                const provider = providerOf(r, "inputs");
                const args = {
                    type: r.type,
                    props: props(r.inputs),
                    urn: r.urn,
                    name: nameOf(r.urn),
                    opts: optsOf(r),
                    stackTags: new Map(),
                    isType: () => false,
                    asType: () => undefined,
                    getConfig,
                    notApplicable: throwNotApplicable,
                    ...(provider ? { provider } : {}),
                } as unknown as ResourceValidationArgs;
                try {
                    await Promise.resolve(validation(args, reportFor(r.urn)));
                    applied++;
                } catch (e) {
                    if (e instanceof NotApplicableError) {
                        firstReason ||= e.reason;
                        continue;
                    }
                    applied++;
                    if (!onError(e, r.urn)) throw new Error(`Error validating resource ${r.urn} with policy '${policy.name}': ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
                }
            }
        }
        // A resource rule is not applicable to the stack when no resource of it was in its scope.
        if (applied === 0) notApplicable.set(policy.name, firstReason || "no resources");
    }

    const summary: PolicySummary = {
        resourcesChecked: resources.length,
        rulesRun,
        violations: {
            mandatory: violations.filter((v) => v.enforcementLevel === "mandatory").length,
            advisory: violations.filter((v) => v.enforcementLevel === "advisory").length,
        },
        notApplicable: [...notApplicable.entries()].map(([policy, reason]) => ({ policy, reason })),
        cantRunDuringPreview: cantRun,
    };
    return { violations, summary };
}

/** The policy config a stack is evaluated with: the file given, else policy-pack/config/<stack>.json. */
export function loadPackConfig(projectDir: string, stack: string, file?: string): PackConfig {
    const path = file ?? `${projectDir}/policy-pack/config/${stack}.json`;
    if (!fs.existsSync(path)) {
        if (file) throw new PolicyConfigError(`policy config ${file} does not exist`);
        return {};
    }
    try {
        return JSON.parse(fs.readFileSync(path, "utf8")) as PackConfig;
    } catch (e) {
        throw new PolicyConfigError(`policy config ${path} is not valid JSON: ${(e as Error).message}`);
    }
}
