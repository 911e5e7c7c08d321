/**
 * Checks planned resources against the rules of apiConstraints.ts: the values the program sets, and the values a
 * deploy would send in their place when the program leaves an input out (Pulumi's autonames, provider defaults,
 * `namePrefix` + 26 digits). Values that are not strings (unknown during a plan) are counted, not checked.
 */
import { API_RULES, type ApiRule } from "./apiConstraints";

/** Pulumi's unknown-value marker (tools/offline/wire.ts); redeclared to keep this module free of engine imports. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Pulumi autonaming: separator and random suffix (pulumi-terraform-bridge AutoName: "-", Randlen 7, [0-9a-f]). */
export const AUTONAME_SEPARATOR = "-";
export const AUTONAME_RANDOM_LENGTH = 7;
const AUTONAME_SAMPLES = ["0000000", "fffffff"] as const;
/** terraform-plugin-sdk id.PrefixedUniqueId: prefix + 26 digits. */
export const PREFIX_SUFFIX_LENGTH = 26;

export interface PlannedResource {
    readonly stack: string;
    readonly type: string;
    /** Logical name (the URN's name part, which autonaming starts from). */
    readonly name: string;
    readonly urn: string;
    /** Plain inputs (wire encoding unwrapped). */
    readonly inputs: Readonly<Record<string, unknown>>;
}

export type ValueOrigin = "set" | "pulumi-autoname" | "provider-default" | "name-prefix";

export interface Violation {
    readonly stack: string;
    readonly urn: string;
    readonly name: string;
    readonly type: string;
    readonly property: string;
    readonly value: string;
    readonly origin: ValueOrigin;
    readonly rule: ApiRule;
    readonly problems: readonly string[];
    readonly message: string;
}

export interface Skipped {
    readonly stack: string;
    readonly urn: string;
    readonly property: string;
    readonly reason: string;
}

export interface CheckResult {
    readonly violations: Violation[];
    /** Values checked, by origin. */
    readonly checked: Record<ValueOrigin, number>;
    /** Values that were not strings (unknown): counted, not checked. */
    readonly unknown: Skipped[];
    /** Absent values the Terraform provider generates itself. */
    readonly providerGenerated: Skipped[];
}

export function emptyResult(): CheckResult {
    return { violations: [], checked: { set: 0, "pulumi-autoname": 0, "provider-default": 0, "name-prefix": 0 }, unknown: [], providerGenerated: [] };
}

const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

interface Slot {
    readonly path: string;
    readonly holder: Readonly<Record<string, unknown>>;
    readonly value: unknown;
    readonly topLevel: boolean;
}

/** The places a property path names in the inputs; `[]` steps into every element of a list. */
function slots(inputs: Readonly<Record<string, unknown>>, property: string): { slots: Slot[]; unknown: string[] } {
    const out: Slot[] = [];
    const unknown: string[] = [];
    const walk = (holder: Readonly<Record<string, unknown>>, steps: string[], path: string, topLevel: boolean): void => {
        const [step, ...rest] = steps;
        const list = step.endsWith("[]");
        const key = list ? step.slice(0, -2) : step;
        const here = path ? `${path}.${key}` : key;
        const value = holder[key];
        if (rest.length === 0) {
            out.push({ path: here, holder, value, topLevel });
            return;
        }
        if (value === undefined || value === null) return;
        if (list) {
            if (!Array.isArray(value)) {
                unknown.push(here);
                return;
            }
            value.forEach((el, i) => {
                if (isRecord(el)) walk(el, rest, `${here}[${i}]`, false);
                else unknown.push(`${here}[${i}]`);
            });
        } else if (isRecord(value)) walk(value, rest, here, false);
        else unknown.push(here);
    };
    walk(inputs, property.split("."), "", true);
    return { slots: out, unknown };
}

/** What the value breaks, one entry per broken part of the rule (empty: compliant). */
export function problemsOf(rule: ApiRule, value: string): string[] {
    const problems: string[] = [];
    const length = [...value].length;
    if (rule.minLength !== undefined && length < rule.minLength) problems.push(`length ${length} is less than ${rule.minLength}`);
    if (rule.maxLength !== undefined && length > rule.maxLength) problems.push(`length ${length} is more than ${rule.maxLength}`);
    const charset = rule.charset;
    if (charset) {
        const chars = [...value];
        const bad = chars.findIndex((c) => !charset.char.test(c));
        if (bad >= 0) problems.push(`character ${JSON.stringify(chars[bad])} at index ${bad} is not one of ${charset.text}`);
    }
    for (const r of rule.mustMatch ?? []) if (!r.pattern.test(value)) problems.push(r.text);
    for (const r of rule.mustNotMatch ?? []) if (r.pattern.test(value)) problems.push(r.text);
    return problems;
}

function ruleText(rule: ApiRule): string {
    const sources = rule.alsoSource ? `${rule.source}; ${rule.alsoSource}` : rule.source;
    return `Rule: ${rule.text} [${rule.enforcedBy}; ${sources}; checked ${rule.checked}]`;
}

interface Candidate {
    readonly origin: ValueOrigin;
    /** As the message shows it. */
    readonly shown: string;
    /** Concrete values standing for it (the worst cases of the random part). */
    readonly samples: readonly string[];
    readonly label: string;
    /** Extra problems of the way the value is produced (Pulumi's own autoname limit). */
    readonly extra: readonly string[];
}

/** The value(s) a deploy sends for an absent input, or undefined when nothing checkable is sent. */
function absentCandidate(rule: ApiRule, r: PlannedResource, slot: Slot, result: CheckResult): Candidate | undefined {
    if (!slot.topLevel) return undefined;
    const prefix = rule.prefixProperty ? r.inputs[rule.prefixProperty] : undefined;
    if (rule.prefixProperty && prefix !== undefined && prefix !== null) {
        if (typeof prefix !== "string" || prefix === UNKNOWN) {
            result.unknown.push({ stack: r.stack, urn: r.urn, property: rule.prefixProperty, reason: "unknown" });
            return undefined;
        }
        const digits = "0".repeat(PREFIX_SUFFIX_LENGTH);
        return {
            origin: "name-prefix",
            shown: `${prefix}${"n".repeat(PREFIX_SUFFIX_LENGTH)}`,
            samples: [prefix + digits],
            label: `${slot.path} (from ${rule.prefixProperty} ${JSON.stringify(prefix)} + ${PREFIX_SUFFIX_LENGTH} generated digits n)`,
            extra: [],
        };
    }
    const w = rule.whenAbsent;
    switch (w.kind) {
        case "not-sent":
            return undefined;
        case "provider-generated":
            result.providerGenerated.push({ stack: r.stack, urn: r.urn, property: slot.path, reason: w.text });
            return undefined;
        case "provider-default":
            return { origin: "provider-default", shown: w.value, samples: [w.value], label: `${slot.path} (provider default, ${w.source})`, extra: [] };
        case "pulumi-autoname": {
            const base = (w.lowercase ? r.name.toLowerCase() : r.name) + AUTONAME_SEPARATOR;
            const autonamed = base.length + AUTONAME_RANDOM_LENGTH;
            const extra =
                autonamed > w.maxLength
                    ? [`Pulumi's autonaming itself refuses it: ${autonamed} characters before the prefix, maxLength ${w.maxLength} (${w.source})`]
                    : [];
            const pre = w.prefix ?? "";
            return {
                origin: "pulumi-autoname",
                shown: `${pre}${base}${"x".repeat(AUTONAME_RANDOM_LENGTH)}`,
                samples: AUTONAME_SAMPLES.map((s) => pre + base + s),
                label: `${slot.path} (absent: Pulumi auto-names it from the logical name, x = ${AUTONAME_RANDOM_LENGTH} random [0-9a-f])`,
                extra,
            };
        }
    }
}

/** Checks one resource against the rules for its type. */
export function checkResource(r: PlannedResource, rules: readonly ApiRule[] = API_RULES, result: CheckResult = emptyResult()): CheckResult {
    for (const rule of rules.filter((x) => x.type === r.type)) {
        const found = slots(r.inputs, rule.property);
        for (const path of found.unknown) result.unknown.push({ stack: r.stack, urn: r.urn, property: path, reason: "unknown" });
        for (const slot of found.slots) {
            if (rule.appliesTo && !rule.appliesTo(slot.holder)) continue;
            let candidate: Candidate | undefined;
            if (slot.value === undefined || slot.value === null) candidate = absentCandidate(rule, r, slot, result);
            else if (typeof slot.value !== "string" || slot.value === UNKNOWN) {
                result.unknown.push({ stack: r.stack, urn: r.urn, property: slot.path, reason: "unknown" });
                continue;
            } else candidate = { origin: "set", shown: slot.value, samples: [slot.value], label: slot.path, extra: [] };
            if (!candidate) continue;
            result.checked[candidate.origin] += 1;
            const problems = [...candidate.extra];
            for (const sample of candidate.samples) for (const p of problemsOf(rule, sample)) if (!problems.includes(p)) problems.push(p);
            if (!problems.length) continue;
            const message =
                `${r.stack}: ${r.type} '${r.name}' (${r.urn}): ${candidate.label} ${JSON.stringify(candidate.shown)} ` +
                `breaks ${rule.id}: ${problems.join("; ")}. ${ruleText(rule)}`;
            result.violations.push({
                stack: r.stack,
                urn: r.urn,
                name: r.name,
                type: r.type,
                property: slot.path,
                value: candidate.shown,
                origin: candidate.origin,
                rule,
                problems,
                message,
            });
        }
    }
    return result;
}

export function checkResources(resources: readonly PlannedResource[], rules: readonly ApiRule[] = API_RULES): CheckResult {
    const result = emptyResult();
    for (const r of resources) checkResource(r, rules, result);
    return result;
}
