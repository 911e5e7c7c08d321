/**
 * The one violation message format auditors read (DESIGN §2):
 *   <Type> '<name>' (<region>): <property> is <observed>; required: <expected>. <remediation>.
 * One property per message, stable from run to run, never a secret value. Every rule names its subject with
 * `subjectOf` (a resource) or `stackSubject` (the stack as a whole), so the "(<region>)" part reads the same.
 */
import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { type Known, show } from "./read";
import { homeRegion, regionOf } from "./resources";

export interface Subject {
    readonly type: string;
    readonly name: string;
    readonly region: string | undefined;
}

interface Named {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    readonly provider?: PolicyProviderResource;
}

export function violationMessage(subject: Subject, property: string, observed: unknown, required: string, remediation: string): string {
    const fix = remediation.replace(/\.$/, "");
    return `${subject.type} '${subject.name}' (${subject.region ?? "region unknown"}): ${property} is ${show(observed)}; required: ${required}. ${fix}.`;
}

/**
 * The subject of a message for a resource: its region as far as it is known (its own region input, else its
 * provider's), or the region a stack rule has established for it (a Kubernetes object lives in its stack's home
 * region). An unknown region reads "region unknown".
 */
export function subjectOf(r: Named, region: Known<string> = regionOf(r)): Subject {
    return { type: r.type, name: r.name, region: typeof region === "string" ? region : undefined };
}

const STACK = "pulumi:pulumi:Stack";

/** The stack as the subject of a stack-wide finding (cost, recovery objectives): its root resource, in its home region. */
export function stackSubject(resources: readonly PolicyResource[]): { readonly subject: Subject; readonly urn: string | undefined } {
    const root = resources.find((r) => r.type === STACK);
    return { subject: subjectOf({ type: STACK, name: root?.name ?? "stack", props: {} }, homeRegion(resources)), urn: root?.urn };
}
