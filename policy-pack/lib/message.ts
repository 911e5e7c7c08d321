/**
 * The one violation message format auditors read (DESIGN §2):
 *   <Type> '<name>' (<region>): <property> is <observed>; required: <expected>. <remediation>.
 * One property per message, stable from run to run, never a secret value.
 */
import type { PolicyProviderResource } from "@pulumi/policy";
import { show } from "./read";
import { regionOf } from "./resources";

export interface Subject {
    readonly type: string;
    readonly name: string;
    readonly region: string | undefined;
}

export function violationMessage(subject: Subject, property: string, observed: unknown, required: string, remediation: string): string {
    const fix = remediation.replace(/\.$/, "");
    return `${subject.type} '${subject.name}' (${subject.region ?? "region unknown"}): ${property} is ${show(observed)}; required: ${required}. ${fix}.`;
}

/** The subject of a message for a resource, its region as far as it is known. */
export function subjectOf(r: { readonly type: string; readonly name: string; readonly props: Record<string, unknown>; readonly provider?: PolicyProviderResource }): Subject {
    const region = regionOf(r);
    return { type: r.type, name: r.name, region: typeof region === "string" ? region : undefined };
}
