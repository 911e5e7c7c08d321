/** The human summary `npm run plan` prints: per stack, resources by component and type, outputs, policy. */
import Table from "cli-table3";
import { UNKNOWN, type WireValue } from "./wire";
import { renderPolicyResults } from "./policyReport";
import type { PlanReport, ReportResource, StackReport } from "./report";

const STACK_TYPE = "pulumi:pulumi:Stack";
/** Tables without rules between rows: long resource lists stay readable in a CI log. */
const COMPACT = { chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" }, style: { head: [], border: [] } };

/** The component directly under the stack that a resource belongs to, e.g. `network (intelgraph:network:RegionalVpc)`. */
function topComponent(r: ReportResource, byUrn: ReadonlyMap<string, ReportResource>): string {
    let cur: ReportResource | undefined = r;
    while (cur?.parent && byUrn.get(cur.parent)?.type !== STACK_TYPE) cur = byUrn.get(cur.parent);
    if (!cur || cur === r) {
        if (r.type.startsWith("pulumi:providers:")) return "(providers)";
        if (r.external) return "(stack references)";
    }
    if (!cur) return "(stack)";
    return `${cur.urn.split("::").pop()} (${cur.type})`;
}

function resourcesTable(s: StackReport): string {
    const byUrn = new Map(s.deployment.resources.map((r) => [r.urn, r]));
    const counts = new Map<string, Map<string, number>>();
    for (const r of s.deployment.resources) {
        if (r.type === STACK_TYPE || !r.custom) continue;
        const group = topComponent(r, byUrn);
        const types = counts.get(group) ?? new Map<string, number>();
        types.set(r.type, (types.get(r.type) ?? 0) + 1);
        counts.set(group, types);
    }
    const table = new Table({ head: ["component", "resource type", "count"], ...COMPACT });
    for (const group of [...counts.keys()].sort()) {
        const types = counts.get(group)!;
        [...types.keys()].sort().forEach((t, i) => table.push([i === 0 ? group : "", t, types.get(t)!]));
    }
    return table.toString();
}

function show(v: WireValue): string {
    if (v === UNKNOWN) return "(known after deploy)";
    if (Array.isArray(v)) return v.map(show).join(", ");
    if (v && typeof v === "object") return JSON.stringify(v);
    return String(v);
}

function outputsTable(s: StackReport): string {
    const table = new Table({ head: ["output", "value"], ...COMPACT, wordWrap: true, colWidths: [26, 90] });
    for (const k of Object.keys(s.outputs).sort()) table.push([k, show(s.outputs[k])]);
    return table.toString();
}


function resilienceSection(s: StackReport): string {
    const r = s.resilience;
    if (!r) return "";
    const min = (sec: number) => (!Number.isFinite(sec) ? "unbounded" : sec < 120 ? `${sec} s` : `${(sec / 60).toFixed(1)} min`);
    const rows = Object.entries(r.tiers).map(([tier, t]) => {
        const o = r.objectives[tier];
        const ok = (got: number, want: number) => (got <= want ? "meets" : "MISSES");
        return `  ${tier}: RTO ${min(t.rtoSeconds)} (${ok(t.rtoSeconds, o.rtoSeconds)} ${min(o.rtoSeconds)}), RPO ${min(t.rpoSeconds)} (${ok(t.rpoSeconds, o.rpoSeconds)} ${min(o.rpoSeconds)}); ${t.basis}`;
    });
    return [`Recovery if this region fails over: DNS detection ${r.detectionSeconds} s`, ...rows, "  budgets and sources: policy-pack/data/recovery-times.json"].join("\n");
}

function costSection(s: StackReport): string {
    const c = s.cost;
    if (!c) return "";
    const usd = (n: number) => `$${n.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
    const byItem = new Map<string, number>();
    for (const l of c.lines) byItem.set(l.item, (byItem.get(l.item) ?? 0) + l.monthlyUsd);
    const top = [...byItem.entries()].sort((a, b) => b[1] - a[1]).map(([item, v]) => `${item} ${usd(v)}`).join(", ");
    const budget = c.budgetUsd ? ` of a ${usd(c.budgetUsd)} budget share (${Math.round((100 * c.monthlyUsd) / c.budgetUsd)} %)` : "";
    return [
        `Cost: ${usd(c.monthlyUsd)}/month estimated${budget}`,
        `  by item: ${top}`,
        `  prices: ${c.priceTable.date}; excluded: ${c.priceTable.excluded}` + (c.unpriced.length ? `\n  NOT PRICED (counted as 0): ${c.unpriced.join(", ")}` : ""),
    ].join("\n");
}

export function renderSummary(report: PlanReport, opts: { durations: ReadonlyMap<string, number> }): string {
    const parts: string[] = [];
    for (const s of report.stacks) {
        const ms = opts.durations.get(s.stack);
        const head = `== ${s.stack} (${s.role || "?"} in ${s.region || "?"}${s.preview ? ", preview" : ""})`;
        if (s.error) {
            parts.push(`${head}: NOT PLANNED, ${s.error.kind} error\n${s.error.message}`);
            continue;
        }
        const custom = s.deployment.resources.filter((r) => r.custom).length;
        parts.push(
            `${head}: ${custom} resources, ${s.deployment.resources.length - custom} components${ms !== undefined ? `, planned in ${Math.round(ms)} ms` : ""}`,
            resourcesTable(s),
            outputsTable(s),
            renderPolicyResults(s.policy.violations, s.policy.summary),
            resilienceSection(s),
            costSection(s),
        );
    }
    const costed = report.stacks.filter((s) => s.cost);
    if (costed.length > 1) {
        const total = costed.reduce((n, s) => n + (s.cost?.monthlyUsd ?? 0), 0);
        const budget = costed.reduce((n, s) => n + (s.cost?.budgetUsd ?? 0), 0);
        parts.push(`== Total: $${Math.round(total).toLocaleString("en-US")}/month estimated for ${costed.length} stacks` + (budget ? ` against $${budget.toLocaleString("en-US")} of budget` : ""));
    }
    return parts.join("\n\n");
}
