/**
 * `npm run plan -- --graph`: a Mermaid picture of the planned stacks' components and the links between
 * regions (peering, global database, global datastore, backup replication, weighted DNS), derived from the
 * planned resources, so the picture changes when the program does.
 */
import type { PlanReport, ReportResource, StackReport } from "./report";
import { unwrapWire } from "./wire";

const id = (stack: string, name: string) => `${stack}_${name}`.replace(/[^A-Za-z0-9_]/g, "_");

/** Components directly under the stack: `name (type)`. */
function topComponents(s: StackReport): ReportResource[] {
    const root = s.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack");
    return s.deployment.resources.filter((r) => !r.custom && r.parent === root?.urn && r.type !== "pulumi:pulumi:Stack");
}

const nameOf = (r: ReportResource) => r.urn.split("::").pop() ?? r.urn;
const componentOf = (s: StackReport, type: string) => topComponents(s).find((c) => c.type === type);
const has = (s: StackReport, type: string, pred: (inputs: Record<string, unknown>) => boolean = () => true) =>
    s.deployment.resources.some((r) => r.type === type && pred(unwrapWire(r.inputs) as Record<string, unknown>));

export function mermaidGraph(report: PlanReport): string {
    const lines = ["flowchart LR"];
    const planned = report.stacks.filter((s) => !s.error);
    for (const s of planned) {
        lines.push(`  subgraph ${id(s.stack, "region")}["${s.stack} (${s.role})"]`);
        for (const c of topComponents(s)) lines.push(`    ${id(s.stack, nameOf(c))}["${nameOf(c)}<br/>${c.type.split(":").pop()}"]`);
        lines.push("  end");
    }
    const byName = new Map(planned.map((s) => [s.stack, s]));
    const short = (name: unknown) => (typeof name === "string" ? name.split("/").pop() : undefined);
    const outputs = (s: StackReport) => unwrapWire(s.outputs) as Record<string, unknown>;
    const edge = (from: StackReport, fromType: string, label: string, to: StackReport, toType: string) => {
        const a = componentOf(from, fromType);
        const b = componentOf(to, toType);
        if (a && b) lines.push(`  ${id(from.stack, nameOf(a))} -- "${label}" --> ${id(to.stack, nameOf(b))}`);
    };
    // Each secondary to its own primary: membership of the global cluster and datastore.
    for (const s of planned.filter((x) => x.role === "secondary")) {
        const p = byName.get(short(outputs(s).primaryStack) ?? "");
        if (!p) continue;
        if (has(s, "aws:rds/cluster:Cluster", (i) => typeof i.globalClusterIdentifier === "string")) edge(p, "intelgraph:data:AuroraGlobal", "Aurora global database", s, "intelgraph:data:AuroraGlobal");
        if (has(s, "aws:elasticache/replicationGroup:ReplicationGroup", (i) => typeof i.globalReplicationGroupId === "string")) edge(p, "intelgraph:data:RedisGlobal", "global datastore", s, "intelgraph:data:RedisGlobal");
    }
    // The interconnects own the peering and the replication between the stacks they link.
    for (const i of planned.filter((x) => x.role === "interconnect")) {
        const p = byName.get(short(outputs(i).primaryStack) ?? "");
        const secondaries = ((outputs(i).secondaryStacks as unknown[] | undefined) ?? []).map(short).flatMap((n) => byName.get(n ?? "") ?? []);
        if (!p) continue;
        const peerings = topComponents(i).filter((c) => c.type === "intelgraph:network:VpcPeering");
        const replications = topComponents(i).filter((c) => c.type === "intelgraph:storage:BackupReplication");
        secondaries.forEach((s, k) => {
            const peering = peerings[k];
            const vpcs = [p, s].map((x) => componentOf(x, "intelgraph:network:RegionalVpc"));
            if (peering) for (const vpc of vpcs) if (vpc) lines.push(`  ${id(i.stack, nameOf(peering))} -- "VPC peering" --> ${id(vpc === vpcs[0] ? p.stack : s.stack, nameOf(vpc))}`);
            if (replications[k]) edge(p, "intelgraph:storage:SecureBucket", `backup replication (${i.stack})`, s, "intelgraph:storage:SecureBucket");
        });
    }
    const records = planned.flatMap((s) =>
        s.deployment.resources
            .filter((r) => r.type === "aws:route53/record:Record" && (unwrapWire(r.inputs) as { setIdentifier?: string }).setIdentifier)
            .map((r) => ({ s, inputs: unwrapWire(r.inputs) as { name: string; weightedRoutingPolicies?: { weight: number }[] } })),
    );
    const names = [...new Set(records.map((r) => r.inputs.name))];
    for (const name of names) {
        const node = id("dns", name);
        lines.push(`  ${node}(("${name}"))`);
        for (const r of records.filter((x) => x.inputs.name === name)) {
            const dns = componentOf(r.s, "intelgraph:edge:WeightedDns");
            if (dns) lines.push(`  ${node} -- "weight ${r.inputs.weightedRoutingPolicies?.[0]?.weight ?? "?"}, health-checked" --> ${id(r.s.stack, nameOf(dns))}`);
        }
    }
    return `${lines.join("\n")}\n`;
}
