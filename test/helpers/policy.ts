/** Policy tests start from the planned (compliant) stacks, change one thing, and evaluate the real pack. */
import * as fs from "node:fs";
import * as path from "node:path";
import { type IntelGraphPolicy, policies } from "../../policy-pack/policies";
import type { PlannedStack } from "../../tools/offline/engine";
import { type EvaluatedResource, type PolicyResult, evaluatePolicies } from "../../tools/offline/policy";
import { buildReport } from "../../tools/offline/report";
import type { WireValue } from "../../tools/offline/wire";
import { PROJECT_DIR, mustGet, plan } from "./plan";

export type Resources = EvaluatedResource[];

/** The stack's resources as the report records them (what CrossGuard and `npm run policy` see). */
export async function stackResources(stack: string, preview = false): Promise<Resources> {
    const planned: PlannedStack = mustGet(await plan({ preview }), stack);
    return structuredClone(buildReport([planned], "test").stacks[0].deployment.resources) as Resources;
}

export function packConfig(stack: string): Record<string, unknown> {
    return JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy-pack", "config", `${stack}.json`), "utf8")) as Record<string, unknown>;
}

export function policyNamed(name: string): IntelGraphPolicy {
    const p = policies.find((x) => x.name === name);
    if (!p) throw new Error(`no policy ${name}`);
    return p;
}

/** Evaluates one rule (or the whole pack) with the stack's policy config. */
export async function evaluate(resources: Resources, stack: string, rule?: string, config = packConfig(stack)): Promise<PolicyResult> {
    return evaluatePolicies(resources, rule ? [policyNamed(rule)] : policies, { config });
}

export async function messages(resources: Resources, stack: string, rule: string): Promise<string[]> {
    return (await evaluate(resources, stack, rule)).violations.map((v) => v.message);
}

/** The resource whose URN ends with `::<name>` (and of `type`, if given). */
export function byName(resources: Resources, name: string, type?: string): EvaluatedResource {
    const found = resources.filter((r) => r.urn.endsWith(`::${name}`) && (type === undefined || r.type === type));
    if (found.length !== 1) throw new Error(`expected one resource named ${name}${type ? ` of ${type}` : ""}, found ${found.length}`);
    return found[0];
}

/**
 * Adds to the stack an AWS provider of another region, a copy of the stack's own `aws-<stackRegion>` one, and
 * returns the provider reference a resource would carry to go through it.
 */
export function addProviderIn(resources: Resources, stackRegion: string, region: string): string {
    const own = byName(resources, `aws-${stackRegion}`, "pulumi:providers:aws");
    const urn = own.urn.replace(`aws-${stackRegion}`, `aws-${region}`);
    resources.push({ ...own, urn, inputs: { ...own.inputs, region }, outputs: { ...own.outputs, region } });
    return `${urn}::provider-id`;
}

/** Sets a property in both inputs and outputs (resource rules read inputs, stack rules outputs). */
export function setProp(r: EvaluatedResource, key: string, value: WireValue | undefined): void {
    for (const bag of [r.inputs, r.outputs]) {
        if (!bag) continue;
        if (value === undefined) delete bag[key];
        else bag[key] = value;
    }
}
