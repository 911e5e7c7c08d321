/**
 * Evaluates the CrossGuard pack offline, building each policy's arguments as the Pulumi engine sends them and
 * @pulumi/policy's analyzer server (server.js, 1.21) hands them to the rule:
 * - which resources: Analyze sees every registered resource (its inputs), AnalyzeStack every registered
 *   resource (its outputs); reads (`external`, e.g. a StackReference) and pending deletes are not analyzed
 *   (the engine also leaves reads out of AnalyzeStack; see `stackResources` for why this evaluator does not);
 * - `type`, `urn`, `name` (the URN's name part), props deserialized in the unknown-checking proxy, `opts`
 *   (protect, ignoreChanges, aliases, customTimeouts in seconds, additionalSecretOutputs, deleteBeforeReplace
 *   when set, parent when set), `provider` (type, urn, name and its *inputs*, in both phases);
 * - `isType(cls)`/`asType(cls)` by the class's `__pulumiType` (else its `isInstance`), and the server's fast
 *   paths: a validation carrying `__pulumiType` does not run on other types (not applicable, same reason);
 * - `getConfig()`: the config the engine reconciles and sends (schema defaults, then the file's properties),
 *   validated against each policy's configSchema as the engine does before any rule runs;
 * - `stackTags` read-only, `notApplicable(reason)`; an UnknownValueError becomes the advisory "can't run ...
 *   during preview". It reads plan reports and `pulumi stack export` files alike.
 */
import * as fs from "node:fs";
import type {
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ReportViolation,
    ResourceValidation,
    ResourceValidationArgs,
    StackValidationArgs,
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
    /** Stack exports: the URNs this resource is aliased from. */
    aliases?: unknown[];
    /** Stack exports: the engine's custom timeouts, in seconds. */
    customTimeouts?: { create?: unknown; update?: unknown; delete?: unknown };
    /** A read (StackReference, `.get`): the engine records it apart and analyzes it in neither phase (see `stackResources`). */
    external?: boolean;
    /** Stack exports: a resource pending deletion, no longer part of the program. */
    delete?: boolean;
}

/** A policy-pack config file: { "<policy>": { enforcementLevel?, ...properties } | "<level>", "all"?: level }. */
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
const LEVELS: readonly Level[] = ["advisory", "mandatory", "remediate", "disabled"];
const isLevel = (v: unknown): v is Level => typeof v === "string" && (LEVELS as readonly string[]).includes(v);
/** The pack's own level (policy-pack/index.ts), for a policy that names none. */
const PACK_LEVEL: Level = "mandatory";

/**
 * What `args.notApplicable()` throws, as the server's class: an Error with `reason` and the message "Policy does
 * not apply" when no reason is given. Thrown once per resource a rule skips (thousands per plan) and always
 * caught here, so it is built without a stack trace, which nobody reads.
 */
class NotApplicableError extends Error {
    readonly reason: string | undefined;
    constructor(reason: string | undefined) {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        super(reason ?? "Policy does not apply");
        Error.stackTraceLimit = limit;
        this.reason = reason;
    }
}
const throwNotApplicable = (reason?: string): never => {
    throw new NotApplicableError(reason);
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

// ---- types: isType / asType and the server's fast paths (policy.js getPulumiType, server.js isTypeOf) ----

/** A class's (or a typed validation's) `__pulumiType`, when it is a non-empty string. */
function pulumiTypeOf(x: unknown): string | undefined {
    if ((typeof x !== "function" && typeof x !== "object") || x === null) return undefined;
    const t: unknown = (x as { __pulumiType?: unknown }).__pulumiType;
    return typeof t === "string" && t.length > 0 ? t : undefined;
}

/** True when `type` is the type of `resourceClass`: by its `__pulumiType`, else by its static `isInstance`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
    const pulumiType = pulumiTypeOf(resourceClass);
    if (pulumiType) return type === pulumiType;
    if ((typeof resourceClass !== "function" && typeof resourceClass !== "object") || resourceClass === null) return false;
    const isInstance: unknown = (resourceClass as { isInstance?: unknown }).isInstance;
    if (typeof isInstance !== "function") return false;
    const call = isInstance as (obj: unknown) => unknown; // called unbound, as the server does
    return call({ __pulumiType: type }) === true;
}

const onlyAppliesTo = (type: string) => `Policy only applies to resources of type '${type}'`;

function typeChecks(type: string, props: Record<string, unknown>): Pick<ResourceValidationArgs, "isType" | "asType"> {
    return {
        isType: (resourceClass: unknown) => isTypeOf(type, resourceClass),
        asType: ((resourceClass: unknown) => (isTypeOf(type, resourceClass) ? props : undefined)) as unknown as ResourceValidationArgs["asType"],
    };
}

// ---- resource options, provider, name (as the engine fills AnalyzerResource and the server reads it) ----

/** The URN's name part: everything after its type (a name may itself contain "::"). */
const nameOf = (urn: string): string => urn.split("::").slice(3).join("::");

/** A custom timeout in seconds: the engine's number, or a Go duration ("10m", "1h30m", "90s"). */
function seconds(v: unknown): number {
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v !== "string" || !/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(v)) return 0;
    const unit: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
    let total = 0;
    for (const [, n, , u] of v.matchAll(/(\d+(\.\d+)?)(h|ms|m|s)/g)) total += Number(n) * unit[u];
    return total;
}

function optsOf(r: EvaluatedResource): PolicyResourceOptions {
    const customTimeouts: PolicyCustomTimeouts = {
        createSeconds: seconds(r.customTimeouts?.create),
        updateSeconds: seconds(r.customTimeouts?.update),
        deleteSeconds: seconds(r.customTimeouts?.delete),
    };
    const opts: PolicyResourceOptions = {
        protect: r.protect === true,
        ignoreChanges: [...(r.ignoreChanges ?? [])],
        aliases: (r.aliases ?? []).filter((a): a is string => typeof a === "string"),
        customTimeouts,
        additionalSecretOutputs: [...(r.additionalSecretOutputs ?? [])],
    };
    if (typeof r.deleteBeforeReplace === "boolean") opts.deleteBeforeReplace = r.deleteBeforeReplace;
    if (r.parent) opts.parent = r.parent;
    return opts;
}

/** The stack's tags as the server holds them after ConfigureStack: a frozen map-like object. */
function frozenTags(tags: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
    const map = new Map(Object.entries(tags));
    return Object.freeze({
        entries: map.entries.bind(map),
        forEach: map.forEach.bind(map),
        get: map.get.bind(map),
        has: map.has.bind(map),
        keys: map.keys.bind(map),
        size: map.size,
        values: map.values.bind(map),
        [Symbol.iterator]: map[Symbol.iterator].bind(map),
    }) as unknown as ReadonlyMap<string, string>;
}

// ---- config: the engine's ReconcilePolicyPackConfig + validation (pkg/resource/analyzer/config.go) ----

interface PolicyConfig {
    level?: Level;
    properties?: Record<string, unknown>;
}

/** parsePolicyPackConfig: a string is a level, an object a level and properties; anything else is refused. */
function parsePackConfig(config: PackConfig): Map<string, PolicyConfig> {
    const out = new Map<string, PolicyConfig>();
    for (const [key, value] of Object.entries(config)) {
        if (key === "environments") {
            if (!Array.isArray(value) || value.some((e) => typeof e !== "string")) throw new PolicyConfigError(`"environments" must be an array of strings`);
            continue; // ESC environments: resolved by the Pulumi Cloud, not a policy
        }
        const parsed: PolicyConfig = {};
        if (typeof value === "string") {
            if (!isLevel(value)) throw new PolicyConfigError(`parsing enforcement level for "${key}": "${value}" is not a valid enforcement level`);
            parsed.level = value;
        } else if (value && typeof value === "object" && !Array.isArray(value)) {
            const { enforcementLevel, ...properties } = value as Record<string, unknown>;
            if (enforcementLevel !== undefined) {
                if (typeof enforcementLevel !== "string") throw new PolicyConfigError(`parsing enforcement level for "${key}": ${JSON.stringify(enforcementLevel)} is not a valid enforcement level; must be a string`);
                if (!isLevel(enforcementLevel)) throw new PolicyConfigError(`parsing enforcement level for "${key}": "${enforcementLevel}" is not a valid enforcement level`);
                parsed.level = enforcementLevel;
            }
            if (Object.keys(properties).length) parsed.properties = properties;
        } else {
            throw new PolicyConfigError(`parsing "${key}": ${JSON.stringify(value)} is not a valid value; must be a string or object`);
        }
        if (parsed.level !== undefined || parsed.properties) out.set(key, parsed);
    }
    return out;
}

type JsonSchema = Record<string, unknown>;
/** Keywords gojsonschema checks that this evaluator does not: a schema using one is refused, not half-checked. */
const UNSUPPORTED = ["allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref", "patternProperties", "dependencies", "dependentRequired", "dependentSchemas", "propertyNames", "contains", "additionalItems", "format"];

const jsonType = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v === "number" ? (Number.isInteger(v) ? "integer" : "number") : typeof v);

/** The JSON Schema checks of gojsonschema that policy config schemas use, with its messages ("<field>: <description>"). */
function validateJson(schema: JsonSchema, value: unknown, path: readonly string[], errors: string[]): void {
    const used = UNSUPPORTED.find((k) => k in schema);
    if (used) throw new PolicyConfigError(`configSchema keyword "${used}" (at ${path.join(".") || "(root)"}) is not checked by the offline evaluator`);
    const field = path.length ? path.join(".") : "(root)";
    const fail = (description: string) => errors.push(`${field}: ${description}`);
    if (schema.type !== undefined) {
        const expected = ([] as unknown[]).concat(schema.type).map(String);
        const given = jsonType(value);
        if (!expected.includes(given) && !(given === "integer" && expected.includes("number"))) {
            fail(`Invalid type. Expected: ${expected.join(", ")}, given: ${given}`);
            return;
        }
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
        fail(`${field} must be one of the following: ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
    }
    if ("const" in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) fail(`${field} does not match: ${JSON.stringify(schema.const)}`);
    if (typeof value === "number") {
        const num = (k: string) => (typeof schema[k] === "number" ? (schema[k] as number) : undefined);
        const [min, max, exMin, exMax, multiple] = [num("minimum"), num("maximum"), num("exclusiveMinimum"), num("exclusiveMaximum"), num("multipleOf")];
        if (min !== undefined) {
            if (schema.exclusiveMinimum === true ? value <= min : value < min) fail(schema.exclusiveMinimum === true ? `Must be greater than ${min}` : `Must be greater than or equal to ${min}`);
        }
        if (max !== undefined) {
            if (schema.exclusiveMaximum === true ? value >= max : value > max) fail(schema.exclusiveMaximum === true ? `Must be less than ${max}` : `Must be less than or equal to ${max}`);
        }
        if (exMin !== undefined && value <= exMin) fail(`Must be greater than ${exMin}`);
        if (exMax !== undefined && value >= exMax) fail(`Must be less than ${exMax}`);
        if (multiple !== undefined && multiple > 0 && !Number.isInteger(value / multiple)) fail(`Must be a multiple of ${multiple}`);
    }
    if (typeof value === "string") {
        const length = [...value].length;
        if (typeof schema.minLength === "number" && length < schema.minLength) fail(`String length must be greater than or equal to ${schema.minLength}`);
        if (typeof schema.maxLength === "number" && length > schema.maxLength) fail(`String length must be less than or equal to ${schema.maxLength}`);
        if (typeof schema.pattern === "string" && !new RegExp(schema.pattern, "u").test(value)) fail(`Does not match pattern '${schema.pattern}'`);
    }
    if (Array.isArray(value)) {
        if (typeof schema.minItems === "number" && value.length < schema.minItems) fail(`Array must have at least ${schema.minItems} items`);
        if (typeof schema.maxItems === "number" && value.length > schema.maxItems) fail(`Array must have at most ${schema.maxItems} items`);
        if (schema.uniqueItems === true) {
            const seen = value.map((v) => JSON.stringify(v));
            const j = seen.findIndex((s, i) => seen.indexOf(s) !== i);
            if (j >= 0) fail(`array items[${seen.indexOf(seen[j])},${j}] must be unique`);
        }
        if (Array.isArray(schema.items)) throw new PolicyConfigError(`configSchema keyword "items" as a tuple (at ${field}) is not checked by the offline evaluator`);
        if (schema.items && typeof schema.items === "object") value.forEach((v, i) => validateJson(schema.items as JsonSchema, v, [...path, String(i)], errors));
    }
    if (value && typeof value === "object" && !Array.isArray(value)) {
        const obj = value as Record<string, unknown>;
        const keys = Object.keys(obj);
        if (typeof schema.minProperties === "number" && keys.length < schema.minProperties) fail(`Must have at least ${schema.minProperties} properties`);
        if (typeof schema.maxProperties === "number" && keys.length > schema.maxProperties) fail(`Must have at most ${schema.maxProperties} properties`);
        for (const r of Array.isArray(schema.required) ? schema.required : []) if (!(String(r) in obj)) fail(`${String(r)} is required`);
        const properties = (schema.properties && typeof schema.properties === "object" ? schema.properties : {}) as Record<string, JsonSchema>;
        for (const k of keys) {
            if (k in properties) validateJson(properties[k], obj[k], [...path, k], errors);
            else if (schema.additionalProperties === false) fail(`Additional property ${k} is not allowed`);
            else if (schema.additionalProperties && typeof schema.additionalProperties === "object") validateJson(schema.additionalProperties as JsonSchema, obj[k], [...path, k], errors);
        }
    }
}

/** JSON as the engine passes it (a protobuf Struct): a deep copy, so a rule cannot change a schema's default. */
const viaStruct = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * The config the engine sends in Configure: per policy its own level (else the pack's) and its schema's
 * defaults, then the file's "all" level, then the file's per-policy level and properties (over the defaults);
 * validated against each policy's configSchema (every policy, disabled ones too). Invalid config stops the
 * evaluation before any rule runs, as it stops `pulumi preview`.
 */
function reconcileConfig(policies: readonly IntelGraphPolicy[], config: PackConfig): Map<string, { level: Level; properties: Record<string, unknown> }> {
    const result = new Map<string, PolicyConfig>();
    for (const p of policies) {
        // What the server refuses at startup (it exits before serving).
        if (p.name === "all") throw new PolicyConfigError(`Invalid policy name "all". "all" is a reserved name.`);
        if (p.configSchema?.properties && "enforcementLevel" in p.configSchema.properties) throw new PolicyConfigError(`${p.name}: enforcementLevel cannot be explicitly specified in properties.`);
        if (p.configSchema?.required?.includes("enforcementLevel")) throw new PolicyConfigError(`${p.name}: "enforcementLevel" cannot be specified in required.`);
        let properties: Record<string, unknown> | undefined;
        for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
            if (s && typeof s === "object" && "default" in s) (properties ??= {})[k] = viaStruct((s as { default: unknown }).default);
        }
        result.set(p.name, { level: p.enforcementLevel ?? PACK_LEVEL, properties });
    }
    const given = parsePackConfig(config);
    const all = given.get("all")?.level;
    if (all) for (const [k, v] of result) result.set(k, { ...v, level: all });
    for (const [k, g] of given) {
        const current = result.get(k);
        result.set(k, { level: g.level ?? current?.level, properties: g.properties ? { ...current?.properties, ...viaStruct(g.properties) } : current?.properties });
    }
    const errors: string[] = [];
    for (const p of policies) {
        if (!p.configSchema) continue;
        const schema: JsonSchema = { type: "object" };
        if (Object.keys(p.configSchema.properties ?? {}).length) schema.properties = p.configSchema.properties;
        if (p.configSchema.required?.length) schema.required = p.configSchema.required;
        const found: string[] = [];
        validateJson(schema, result.get(p.name)?.properties ?? {}, [], found);
        errors.push(...found.map((e) => `${p.name}: ${e.replace(/^\(root\): /, "")}`));
    }
    if (errors.length) throw new PolicyConfigError(`validating policy config: ${errors.sort().join("; ")}`);
    return new Map(policies.map((p) => [p.name, { level: result.get(p.name)?.level ?? PACK_LEVEL, properties: result.get(p.name)?.properties ?? {} }]));
}

// ---- policy kinds, as policy.js tells them apart ----

interface AnyPolicy {
    readonly name: string;
    readonly validateResource?: unknown;
    readonly remediateResource?: unknown;
    readonly validateStack?: unknown;
}
const isResourcePolicy = (p: AnyPolicy): boolean =>
    typeof p.validateResource === "function" ||
    (Array.isArray(p.validateResource) && p.validateResource.every((v) => typeof v === "function")) ||
    (p.validateResource === undefined && typeof p.remediateResource === "function");
const isStackPolicy = (p: AnyPolicy): boolean => typeof p.validateStack === "function";

export interface EvaluateOptions {
    readonly config?: PackConfig;
    /**
     * The stack's tags as its backend holds them (`pulumi stack tag ls`), which the engine sends the pack in
     * ConfigureStack. Neither a plan report nor a stack export records them; default none (a new DIY stack).
     */
    readonly stackTags?: Readonly<Record<string, string>>;
}

export async function evaluatePolicies(resources: readonly EvaluatedResource[], policies: readonly IntelGraphPolicy[], options: EvaluateOptions = {}): Promise<PolicyResult> {
    const configs = reconcileConfig(policies, options.config ?? {});
    const stackTags = frozenTags(options.stackTags ?? {});
    const props = propsReader();
    // Analyze runs on the resources the program registered: not on reads, not on pending deletes.
    const registered = resources.filter((r) => !r.external && !r.delete);
    // AnalyzeStack: the engine sends its `news` only, so a read (a StackReference) is not among a stack rule's
    // resources under real CrossGuard (pkg/resource/deploy: reads are stored apart from news). The pack's
    // residency and cost rules still read the secondary's StackReference outputs, so this evaluator keeps
    // reads in the stack phase until they stop doing so: the one deliberate difference in what rules are given.
    const stackResources = resources.filter((r) => !r.delete);
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const providerOf = (r: EvaluatedResource): PolicyProviderResource | undefined => {
        if (!r.provider) return undefined;
        const p = byUrn.get(r.provider.split("::").slice(0, -1).join("::"));
        if (!p) return undefined;
        // Both phases get the provider's inputs (its configuration), not its outputs.
        return { type: p.type, props: props(p.inputs), urn: p.urn, name: nameOf(p.urn) };
    };

    const violations: PolicyViolation[] = [];
    const notApplicable = new Map<string, string>();
    let rulesRun = 0;
    let cantRun = 0;

    for (const policy of policies) {
        const p = policy as AnyPolicy;
        const { level: configured, properties } = configs.get(policy.name)!;
        const resourcePolicy = isResourcePolicy(p);
        const stackPolicy = isStackPolicy(p);
        if (configured === "disabled" || !(resourcePolicy || stackPolicy)) continue;
        if (configured === "remediate" && typeof p.remediateResource === "function") {
            throw new PolicyConfigError(`${policy.name}: enforcementLevel "remediate" runs its remediateResource before analysis, which the offline evaluator does not do`);
        }
        // As the server does: a remediation that still violates is reported as mandatory.
        const level: Level = configured === "remediate" ? "mandatory" : configured;
        rulesRun++;
        const getConfig = <T extends object>(): T => ({ ...properties }) as T;
        const onError = (e: unknown, urn: string): boolean => {
            if (e instanceof UnknownValueError) {
                cantRun++;
                violations.push({ policy: policy.name, enforcementLevel: "advisory", urn, message: `can't run policy '${policy.name}' during preview: ${(e as Error).message}` });
                return true;
            }
            return false;
        };

        if (stackPolicy) {
            const validateStack = p.validateStack as (args: StackValidationArgs, report: ReportViolation) => Promise<void> | void;
            const pulumiType = pulumiTypeOf(validateStack);
            if (pulumiType && !stackResources.some((r) => r.type === pulumiType)) {
                notApplicable.set(policy.name, onlyAppliesTo(pulumiType));
            } else {
                const built = new Map<string, PolicyResource>();
                for (const r of stackResources) {
                    const resourceProps = props(r.outputs ?? r.inputs);
                    const provider = providerOf(r);
                    built.set(r.urn, {
                        type: r.type,
                        props: resourceProps,
                        urn: r.urn,
                        name: nameOf(r.urn),
                        opts: optsOf(r),
                        dependencies: [],
                        propertyDependencies: {},
                        ...(provider ? { provider } : {}),
                        ...typeChecks(r.type, resourceProps),
                    });
                }
                for (const r of stackResources) {
                    const res = built.get(r.urn)!;
                    if (r.parent && built.has(r.parent)) res.parent = built.get(r.parent);
                    res.dependencies = (r.dependencies ?? []).map((d) => built.get(d)).filter((d): d is PolicyResource => !!d);
                    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
                        res.propertyDependencies[k] = urns.map((d) => built.get(d)).filter((d): d is PolicyResource => !!d);
                    }
                }
                const args: StackValidationArgs = { resources: [...built.values()], getConfig, stackTags, notApplicable: throwNotApplicable };
                // The engine files a violation naming no resource of the stack under the stack itself ("").
                const report: ReportViolation = (message, urn) => {
                    violations.push({ policy: policy.name, enforcementLevel: level, urn: urn && built.has(urn) ? urn : "", message });
                };
                try {
                    await Promise.resolve(validateStack(args, report));
                } catch (e) {
                    if (e instanceof NotApplicableError) notApplicable.set(policy.name, e.reason ?? "");
                    else if (!onError(e, "")) throw new Error(`Error validating stack with policy '${policy.name}': ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
                }
            }
        }

        if (!resourcePolicy) continue;
        if (p.validateResource === undefined) {
            notApplicable.set(policy.name, "Policy does not implement validateResource");
            continue;
        }
        const validations = [p.validateResource].flat() as ResourceValidation[];
        const fastType = Array.isArray(p.validateResource) ? undefined : pulumiTypeOf(p.validateResource);
        let applied = 0;
        let firstReason: string | undefined;
        for (const r of registered) {
            if (fastType && r.type !== fastType) {
                firstReason ??= onlyAppliesTo(fastType);
                continue;
            }
            // A resource rule's violation is always filed under the resource it validates.
            const report: ReportViolation = (message) => {
                violations.push({ policy: policy.name, enforcementLevel: level, urn: r.urn, message });
            };
            for (const validation of validations) {
                const resourceProps = props(r.inputs);
                const provider = providerOf(r);
                const args: ResourceValidationArgs = {
                    type: r.type,
                    props: resourceProps,
                    urn: r.urn,
                    name: nameOf(r.urn),
                    opts: optsOf(r),
                    stackTags,
                    ...typeChecks(r.type, resourceProps),
                    getConfig,
                    notApplicable: throwNotApplicable,
                    ...(provider ? { provider } : {}),
                };
                try {
                    await Promise.resolve(validation(args, report));
                    applied++;
                } catch (e) {
                    if (e instanceof NotApplicableError) {
                        firstReason ??= e.reason ?? "";
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
