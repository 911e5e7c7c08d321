/**
 * The plan summary's drills per stack: each FIS experiment template (the drill it runs, its actions, the
 * action-minutes one run is billed for, how many alarms stop it) and where the evidence goes (the Object Lock
 * bucket and its default retention). A reading aid over the planned resources; the pack's
 * intelgraph-chaos-stop-conditions decides whether a template may exist.
 */
import { experimentActionMinutes } from "../../policy-pack/lib/cost";
import type { StackReport } from "./report";
import { unwrapWire } from "./wire";

const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const LOCK = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
const ALARM_SOURCE = "aws:cloudwatch:alarm";

/** `Drills: ...` lines, or nothing for a stack without experiment templates. */
export function drillsSection(s: StackReport): string {
    const resources = s.deployment.resources;
    const templates = resources
        .filter((r) => r.type === TEMPLATE)
        .map((r) => ({ name: r.urn.split("::").pop() ?? "", inputs: unwrapWire(r.inputs) as Record<string, unknown> }))
        // Registration order follows the program's awaits: sorted so the report reads the same on every run.
        .sort((a, b) => a.name.localeCompare(b.name));
    if (!templates.length) return "";
    const lines = templates.map(({ name, inputs }) => {
        const tags = (inputs.tags ?? {}) as Record<string, unknown>;
        const actions = Array.isArray(inputs.actions) ? inputs.actions.length : 0;
        const stops = Array.isArray(inputs.stopConditions) ? (inputs.stopConditions as { source?: unknown }[]).filter((c) => c.source === ALARM_SOURCE).length : 0;
        const drill = typeof tags["intelgraph-drill"] === "string" ? tags["intelgraph-drill"] : name;
        return `  ${drill}: ${String(inputs.description ?? name)}; ${actions} action(s), ${experimentActionMinutes(inputs)} action-min per run; ${stops ? `stops on ${stops} alarm(s)` : "NO ALARM STOP CONDITION"}`;
    });
    const locks = resources.filter((r) => r.type === LOCK).map((r) => unwrapWire(r.inputs) as { rule?: { defaultRetention?: { mode?: string; days?: number } } });
    const evidence = locks.length
        ? `  evidence: Object Lock ${locks.map((l) => `${l.rule?.defaultRetention?.mode ?? "?"} ${l.rule?.defaultRetention?.days ?? "?"} days by default`).join(", ")} (outputs evidenceBucketName, evidenceAuditRetentionDays)`
        : "  evidence: no Object Lock bucket in this stack";
    return [`Drills: ${templates.length} FIS experiment template(s) (npm run drill -- <drill> --stack ${s.stack}; schedule and steps: runbooks/dr-drill.md)`, ...lines, evidence].join("\n");
}
