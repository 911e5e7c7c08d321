/**
 * The one violation message format auditors read (DESIGN §2):
 *   <Type> '<name>' (<region>): <property> is <observed>; required: <expected>. <remediation>.
 * One property per message, stable from run to run, never a secret value.
 */
import { show } from "./read";

export interface Subject {
    readonly type: string;
    readonly name: string;
    readonly region: string | undefined;
}

export function violationMessage(subject: Subject, property: string, observed: unknown, required: string, remediation: string): string {
    const fix = remediation.replace(/\.$/, "");
    return `${subject.type} '${subject.name}' (${subject.region ?? "region unknown"}): ${property} is ${show(observed)}; required: ${required}. ${fix}.`;
}
