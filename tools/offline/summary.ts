/**
 * The human summary `npm run plan` prints, a screen per stack: a header (resources counted as the policy line
 * counts them: every entry of the deployment), resources per component, what needs attention, policy,
 * recovery, cost, quotas. `details` adds the resource table by component and type and the stack outputs.
 */
import { STRETCH } from "../../policy-pack/lib/resilience";
import type TableType from "cli-table3";
import { UNKNOWN, type WireValue, unwrapWire } from "./wire";
import { renderPolicyResults } from "./policyReport";
import type { PlanReport, ReportResource, StackReport } from "./report";
import { QUOTA_DATA_FILE } from "./quotas";
import { detectionSection } from "./detection";
import { protectionSection } from "./protection";
import { drillsSection } from "./drills";

const STACK_TYPE = "pulumi:pulumi:Stack";

/** cli-table3 (and its string-width dependencies) only for `--details`: the default summary has no tables. */
function newTable(options: ConstructorParameters<typeof TableType>[0]): InstanceType<typeof TableType> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const Table = require("cli-table3") as typeof TableType;
    return new Table(options);
}
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

/**
 * What the header counts: every entry of the stack's deployment (what `pulumi stack export` lists and the policy
 * line counts), split into custom resources, providers, reads (stack references), components and the stack.
 */
export function resourceCounts(s: StackReport): { total: number; custom: number; providers: number; reads: number; components: number; stack: number } {
    const c = { total: s.deployment.resources.length, custom: 0, providers: 0, reads: 0, components: 0, stack: 0 };
    for (const r of s.deployment.resources) {
        if (r.type === STACK_TYPE) c.stack++;
        else if (!r.custom) c.components++;
        else if (r.type.startsWith("pulumi:providers:")) c.providers++;
        else if (r.external) c.reads++;
        else c.custom++;
    }
    return c;
}

function headerCounts(s: StackReport): string {
    const c = resourceCounts(s);
    const parts = [`${c.custom} custom`, `${c.providers} provider${c.providers === 1 ? "" : "s"}`];
    if (c.reads) parts.push(`${c.reads} stack reference${c.reads === 1 ? "" : "s"}`);
    parts.push(`${c.components} component${c.components === 1 ? "" : "s"}`);
    if (c.stack) parts.push("the stack");
    return `${c.total} resources (${parts.join(", ")}; the policy line counts the same)`;
}

const COMPONENTS_SHOWN = 12;

/** Custom resources per component under the stack, biggest first, packed into a few lines. */
function componentLines(s: StackReport): string[] {
    const byUrn = new Map(s.deployment.resources.map((r) => [r.urn, r]));
    const counts = new Map<string, number>();
    for (const r of s.deployment.resources) {
        if (r.type === STACK_TYPE || !r.custom) continue;
        const group = topComponent(r, byUrn).replace(/ \((?:[^():]+:)+([^():]+)\)$/, " $1");
        counts.set(group, (counts.get(group) ?? 0) + 1);
    }
    const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    // The biggest components only: the summary fits a screen per stack, --details lists every one.
    const shown = sorted.slice(0, COMPONENTS_SHOWN).map(([g, n]) => `${g} ${n}`);
    const rest = sorted.slice(COMPONENTS_SHOWN);
    if (rest.length) shown.push(`${rest.length} more with ${rest.reduce((n, [, k]) => n + k, 0)} (--details)`);
    return wrapList("Custom resources by component: ", "  ", shown);
}

/** The lines a reader must not miss: errors, mandatory and advisory violations, quotas over default, unpriced items. */
function attention(s: StackReport): string[] {
    const out: string[] = [];
    // A stack with an error and resources was planned; only its quota section failed (see quotaSection).
    if (s.error) out.push(`quotas NOT CHECKED: ${s.error.kind} error (exit 2), what is missing is under Quotas`);
    const level = (l: string) => s.policy.violations.filter((v) => v.enforcementLevel === l).length;
    if (level("mandatory")) out.push(`${level("mandatory")} mandatory policy violation(s) (exit 1), listed under Policy`);
    if (level("advisory")) out.push(`${level("advisory")} advisory policy violation(s), listed under Policy`);
    const over = (s.quotas ?? []).filter((q) => q.overDefault);
    if (over.length) out.push(`${over.length} quota(s) over the AWS default: ${over.map((q) => `${q.short} ${q.needed}/${q.default}`).join(", ")}`);
    if (s.cost?.unpriced.length) out.push(`${s.cost.unpriced.length} resource type(s) not priced`);
    return out.length ? ["Attention:", ...out.map((l) => `  ${l}`)] : [];
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
    const table = newTable({ head: ["component", "resource type", "count"], ...COMPACT });
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
    const table = newTable({ head: ["output", "value"], ...COMPACT, wordWrap: true, colWidths: [26, 90] });
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
        // The seed's stretch for hot paths (001): how far each tier is from it.
        const rtoGap = t.rtoSeconds < STRETCH.rtoBelowSeconds ? "meets" : `${min(t.rtoSeconds - STRETCH.rtoBelowSeconds + 1)} over`;
        const rpoGap = t.rpoSeconds <= STRETCH.rpoSeconds ? "meets" : `${min(t.rpoSeconds - STRETCH.rpoSeconds)} over`;
        const stretch = `stretch RTO < ${min(STRETCH.rtoBelowSeconds)} ${rtoGap}, RPO <= ${min(STRETCH.rpoSeconds)} ${rpoGap}`;
        return `  ${tier}: RTO ${min(t.rtoSeconds)} (${ok(t.rtoSeconds, o.rtoSeconds)} ${min(o.rtoSeconds)}), RPO ${min(t.rpoSeconds)} (${ok(t.rpoSeconds, o.rpoSeconds)} ${min(o.rpoSeconds)}); ${stretch}; ${t.basis}`;
    });
    // The hot paths (api) against the seed's stretch: what automation takes, and what the decision time adds.
    const api = r.tiers.api;
    const stretch = api
        ? [
              `  stretch (hot paths < ${min(r.stretchRtoSeconds)}, seed 001): api ${min(api.rtoSeconds)} = detection ${r.detectionSeconds} s + decision ${r.decisionSeconds} s (decisionSeconds, policy config) + automation ${min(api.automationSeconds)}: ${api.rtoSeconds <= r.stretchRtoSeconds ? "meets" : `MISSES by ${min(api.rtoSeconds - r.stretchRtoSeconds)}`}; automation alone ${api.automationSeconds <= r.stretchRtoSeconds ? "meets" : "misses"} it`,
          ]
        : [];
    return [`Recovery if this region fails over: DNS detection ${r.detectionSeconds} s`, ...rows, ...stretch, "  budgets and sources: policy-pack/data/recovery-times.json"].join("\n");
}

/** Items shown on the cost line without `details`. */
const TOP_COST_ITEMS = 6;

function costSection(s: StackReport, details: boolean): string {
    const c = s.cost;
    if (!c) return "";
    const usd = (n: number) => `$${n.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
    const byItem = new Map<string, number>();
    for (const l of c.lines) byItem.set(l.item, (byItem.get(l.item) ?? 0) + l.monthlyUsd);
    const sorted = [...byItem.entries()].sort((a, b) => b[1] - a[1]);
    const shown = details ? sorted : sorted.slice(0, TOP_COST_ITEMS);
    const rest = sorted.slice(shown.length).reduce((n, [, v]) => n + v, 0);
    const top = shown.map(([item, v]) => `${item} ${usd(v)}`).join(", ") + (shown.length < sorted.length ? `, ${sorted.length - shown.length} more ${usd(rest)} (--details)` : "");
    const budget = c.budgetUsd ? ` of a ${usd(c.budgetUsd)} budget share (${Math.round((100 * c.monthlyUsd) / c.budgetUsd)} %)` : "";
    return [
        `Cost: ${usd(c.monthlyUsd)}/month estimated${budget}`,
        ...(sorted.length ? [`  ${details ? "by item" : "biggest items"}: ${top}`] : ["  no priced item (usage-based charges only)"]),
        `  prices: ${c.priceTable.date}; excluded: ${c.priceTable.excluded}` + (c.unpriced.length ? `\n  NOT PRICED (counted as 0): ${c.unpriced.join(", ")}` : ""),
    ].join("\n");
}

/** Joins items with ", " into lines of at most `width` characters, the first after `first`, the rest after `indent`. */
function wrapList(first: string, indent: string, items: readonly string[], width = 150): string[] {
    const lines: string[] = [];
    let cur = first;
    let fresh = true;
    items.forEach((item, i) => {
        const piece = item + (i < items.length - 1 ? "," : "");
        if (!fresh && cur.length + 1 + piece.length > width) {
            lines.push(cur);
            cur = indent;
            fresh = true;
        }
        cur += (fresh ? "" : " ") + piece;
        fresh = false;
    });
    lines.push(cur);
    return lines;
}

/**
 * Quotas needed at the maxima, kept short: a header, one line per quota over its AWS default, the rest packed
 * as needed/default, and where the defaults come from. The full list (with every basis) is the JSON's `quotas`.
 */
function quotaSection(s: StackReport): string {
    const q = s.quotas;
    if (s.error && !q) return `Quotas in ${s.region || "?"}: NOT CHECKED (${s.error.kind} error; the resources above are planned)\n  ${s.error.message}`;
    if (!q?.length) return "";
    const over = q.filter((x) => x.overDefault);
    const where = (x: { region: string }) => (x.region && x.region !== s.region ? ` in ${x.region}` : "");
    const secondary = s.role === "secondary";
    const what = secondary ? "what a failover to this secondary needs" : `this ${s.role || "stack"} fully scaled out`;
    const when = secondary ? "before deploying, or a failover cannot scale out" : "before the first deploy";
    const verdict = over.length ? `${over.length} over default, request ${over.length === 1 ? "an increase" : "increases"} ${when}` : "all within default";
    const within = q.filter((x) => !x.overDefault).map((x) => `${x.short} ${x.code} ${x.needed}/${x.default}${where(x)}`);
    return [
        `Quotas in ${s.region || "?"} at every node group's maxSize (${what}), needed vs AWS default; ${verdict}`,
        ...over.map((x) => `  OVER ${x.name} (${x.code})${where(x)}: ${x.needed} ${x.unit} needed, default ${x.default}; ${x.basis}`),
        ...(within.length ? wrapList("  within default (needed/default): ", "    ", within) : []),
        `  defaults, codes, sources: ${QUOTA_DATA_FILE} (checked ${q[0].checked}); compare with the account's applied values in Service Quotas`,
    ].join("\n");
}

export interface SummaryOptions {
    readonly durations: ReadonlyMap<string, number>;
    /** Add the resource table by component and type and the stack outputs table. */
    readonly details?: boolean;
}

/** With --region-down: can the stack still be updated, and what would fail (a few, then the count by reason). */
function regionDownSection(s: StackReport): string {
    const d = s.regionDown;
    if (!d) return "";
    const byReason = (reason: string) => d.blocked.filter((b) => b.reason === reason);
    const regional = byReason("region");
    const global = byReason("control-plane");
    const sample = (bs: readonly { what: string }[]) => bs.slice(0, 4).map((b) => b.what.split("::").pop()).join(", ") + (bs.length > 4 ? `, ${bs.length - 4} more (--json)` : "");
    const lines = [
        d.updatable
            ? `Region down ${d.region}: this stack CAN be updated` + (global.length ? `, except ${global.length} resource(s) whose global control plane is in us-east-1` : "; nothing it has goes through the lost region")
            : `Region down ${d.region}: this stack can NOT be updated: ${regional.length} of its calls go through ${d.region}'s providers`,
    ];
    if (regional.length) lines.push(`  through ${d.region}: ${sample(regional)}`);
    if (global.length) {
        const services = [...new Set(global.map((b) => b.detail.split("'s ")[0]))].join(", ");
        lines.push(`  cannot change until us-east-1 is back (${services}): ${sample(global)}`);
    }
    return lines.join("\n");
}

/** An interconnect's linked stacks, from its outputs: `us-west-2 + us-east-1`. */
function linkedStacks(s: StackReport): string {
    const out = unwrapWire(s.outputs) as { primaryStack?: unknown; secondaryStacks?: unknown };
    const names = [out.primaryStack, ...(Array.isArray(out.secondaryStacks) ? out.secondaryStacks : [])].filter((n): n is string => typeof n === "string").map((n) => n.split("/").pop());
    return names.length ? names.join(" + ") : "?";
}

export function renderSummary(report: PlanReport, opts: SummaryOptions): string {
    const parts: string[] = [];
    for (const s of report.stacks) {
        const ms = opts.durations.get(s.stack);
        const kind = s.role === "interconnect" ? `interconnect of ${linkedStacks(s)}` : s.role === "billing" ? `budgets of ${String(s.outputs.environment ?? "?")}` : `${s.role || "?"} in ${s.region || "?"}`;
        const head = `== ${s.stack} (${kind}${s.preview ? ", preview" : ""})`;
        if (s.error && !s.deployment.resources.length) {
            parts.push(`${head}: NOT PLANNED, ${s.error.kind} error\n${s.error.message}`);
            continue;
        }
        const planned = `${head}: ${headerCounts(s)}${ms !== undefined ? `, planned in ${Math.round(ms)} ms` : ""}`;
        parts.push(
            [planned, ...attention(s)].join("\n"),
            regionDownSection(s),
            ...(opts.details ? [resourcesTable(s), outputsTable(s)] : [componentLines(s).join("\n")]),
            s.policy.summary || !s.error ? renderPolicyResults(s.policy.violations, s.policy.summary) : "",
            resilienceSection(s),
            detectionSection(s),
            protectionSection(s),
            drillsSection(s),
            costSection(s, opts.details === true),
            quotaSection(s),
        );
    }
    const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
    const envLines = (report.environments ?? []).map((e) => {
        const pct = e.budgetUsd ? Math.round((e.monthlyUsd / e.budgetUsd) * 100) : 0;
        const verdict = e.verdict === "mandatory" ? "OVER BUDGET (mandatory)" : e.verdict === "advisory" ? `at ${pct}% (advisory: alert at ${e.warnAtPercent}%)` : `${pct}%`;
        return `  ${e.environment}: ${usd(e.monthlyUsd)}/month of ${usd(e.budgetUsd)} (${e.stacks.length} stacks: ${e.stacks.join(", ")}) ${verdict}`;
    });
    if (envLines.length) parts.push([`== Environments (estimate against each environment's cap, policy-pack/config/environments.json)`, ...envLines].join("\n"));
    const problems = report.stackSet?.problems ?? [];
    if (problems.length) parts.push([`== Stack set: ${problems.length} conflict${problems.length === 1 ? "" : "s"} between stack files (exit 2)`, ...problems.map((p) => `  - ${p.message}`)].join("\n"));
    return parts.filter((p) => p !== "").join("\n\n");
}
