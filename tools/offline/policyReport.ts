/** How policy results read for an auditor: grouped by control, then resource, each line the rule's message. */
import { CONTROLS } from "../../policy-pack/policies";
import type { PolicySummary } from "./policy";
import type { PolicyViolation } from "./report";

export function controlOf(policy: string): string {
    const area = policy.split("-")[1] as keyof typeof CONTROLS;
    return CONTROLS[area] ?? "Other";
}

export function renderPolicyResults(violations: readonly PolicyViolation[], summary: PolicySummary | undefined): string {
    const lines: string[] = [];
    if (summary) {
        const na = summary.notApplicable.map((n) => `${n.policy} (${n.reason})`).join("; ");
        lines.push(
            `Policy: ${summary.rulesRun} rules on ${summary.resourcesChecked} resources: ${summary.violations.mandatory} mandatory, ${summary.violations.advisory} advisory violation(s); ` +
                `${summary.cantRunDuringPreview} could not run during preview` +
                (na ? `; not applicable: ${na}` : ""),
        );
    } else {
        lines.push(`Policy: ${violations.length} violation(s)`);
    }
    const byControl = new Map<string, Map<string, PolicyViolation[]>>();
    for (const v of violations) {
        const control = controlOf(v.policy);
        const resources = byControl.get(control) ?? new Map<string, PolicyViolation[]>();
        resources.set(v.urn || "(stack)", [...(resources.get(v.urn || "(stack)") ?? []), v]);
        byControl.set(control, resources);
    }
    for (const control of [...Object.values(CONTROLS), "Other"]) {
        const resources = byControl.get(control);
        if (!resources) continue;
        lines.push(`  ${control}`);
        for (const urn of [...resources.keys()].sort()) {
            lines.push(`    ${urn}`);
            for (const v of resources.get(urn)!) lines.push(`      [${v.enforcementLevel}] ${v.policy}: ${v.message}`);
        }
    }
    return lines.join("\n");
}
