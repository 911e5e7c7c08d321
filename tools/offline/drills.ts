/**
 * The plan summary's drills per stack: each FIS experiment template (the drill it runs, its actions, the
 * action-minutes one run is billed for, how many alarms stop it) and where the evidence goes (the Object Lock
 * bucket and its default retention). A reading aid over the planned resources; the pack's
 * intelgraph-resilience-chaos-stop-conditions decides whether a template may exist.
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
    const entries = templates.map(({ name, inputs }) => {
        const tags = (inputs.tags ?? {}) as Record<string, unknown>;
        const stops = Array.isArray(inputs.stopConditions) ? (inputs.stopConditions as { source?: unknown }[]).filter((c) => c.source === ALARM_SOURCE).length : 0;
        return { drill: typeof tags["intelgraph-drill"] === "string" ? tags["intelgraph-drill"] : name, minutes: experimentActionMinutes(inputs), stops };
    });
    const stopCounts = [...new Set(entries.map((e) => e.stops))];
    const unstoppable = entries.filter((e) => !e.stops).map((e) => e.drill);
    const stopped = unstoppable.length ? `NO ALARM STOP CONDITION on ${unstoppable.join(", ")}` : `each stopped by ${stopCounts.join(" or ")} alarm(s) of the region`;
    const head = `Drills: ${templates.length} FIS experiment template(s), ${stopped} (npm run drill -- <drill> --stack ${s.stack}; runbooks/dr-drill.md)`;
    const minutes = `  action-minutes per run: ${entries.map((e) => `${e.drill} ${e.minutes}`).join(", ")}`;
    const locks = resources.filter((r) => r.type === LOCK).map((r) => unwrapWire(r.inputs) as { rule?: { defaultRetention?: { mode?: string; days?: number } } });
    const evidence = locks.length
        ? `  evidence: Object Lock ${locks.map((l) => `${l.rule?.defaultRetention?.mode ?? "?"} ${l.rule?.defaultRetention?.days ?? "?"} days by default`).join(", ")} (outputs evidenceBucketName, evidenceAuditRetentionDays)`
        : "  evidence: no Object Lock bucket in this stack";
    return [head, minutes, evidence].join("\n");
}
