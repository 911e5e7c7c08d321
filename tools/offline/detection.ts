/**
 * The plan summary's alarm coverage per tier: for each thing a region must watch, whether the stack has an
 * alarm reading the metric that watches it (covered, with how many alarms) or not (MISSING). A quick reading
 * aid; the detection rules of the pack (intelgraph-detect-*) are what decides, on the same resources.
 */
import { GRAPH_LAG_METRIC } from "../../policy-pack/contracts/neo4jLabels";
import type { StackReport } from "./report";
import { unwrapWire } from "./wire";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";

interface Watch {
    readonly tier: string;
    /** Resource types whose presence makes the watch required. */
    readonly when: (types: ReadonlySet<string>) => boolean;
    readonly metrics: readonly string[];
}

const WATCHES: readonly Watch[] = [
    { tier: "Aurora replication lag", when: (t) => t.has("aws:rds/cluster:Cluster"), metrics: ["AuroraGlobalDBReplicationLag"] },
    { tier: "Aurora RPO lag", when: (t) => t.has("aws:rds/cluster:Cluster"), metrics: ["AuroraGlobalDBRPOLag"] },
    { tier: "Redis replication lag", when: (t) => t.has("aws:elasticache/replicationGroup:ReplicationGroup"), metrics: ["GlobalDatastoreReplicationLag"] },
    { tier: "API 5xx", when: (t) => t.has("aws:lb/loadBalancer:LoadBalancer"), metrics: ["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"] },
    { tier: "API targets", when: (t) => t.has("aws:lb/targetGroup:TargetGroup"), metrics: ["UnHealthyHostCount"] },
    { tier: "certificate expiry", when: (t) => t.has("aws:acm/certificate:Certificate"), metrics: ["DaysToExpiry"] },
    { tier: "EKS node readiness", when: (t) => t.has("aws:eks/cluster:Cluster"), metrics: ["cluster_failed_node_count", "cluster_node_count"] },
    { tier: "region probes", when: (t) => t.has("aws:synthetics/canary:Canary"), metrics: ["SuccessPercent"] },
    { tier: "graph replication lag", when: (t) => t.has("kubernetes:apps/v1:StatefulSet"), metrics: [GRAPH_LAG_METRIC.name] },
    { tier: "graph backup replication", when: (t) => t.has("aws:s3/bucketReplicationConfig:BucketReplicationConfig"), metrics: ["ReplicationLatency"] },
];

/** Metric names an alarm reads: its own or its queries'. */
function metricNames(inputs: Record<string, unknown>): string[] {
    if (typeof inputs.metricName === "string") return [inputs.metricName];
    const queries = Array.isArray(inputs.metricQueries) ? (inputs.metricQueries as { metric?: { metricName?: unknown } }[]) : [];
    return queries.map((q) => q.metric?.metricName).filter((n): n is string => typeof n === "string");
}

/** `Detection: ...` lines, or nothing for a stack with no tier to watch and no alarm. */
export function detectionSection(s: StackReport): string {
    const resources = s.deployment.resources;
    const types = new Set(resources.map((r) => r.type));
    const alarms = resources.filter((r) => r.type === ALARM).map((r) => metricNames(unwrapWire(r.inputs) as Record<string, unknown>));
    const composites = resources.filter((r) => r.type === COMPOSITE).length;
    const items = WATCHES.filter((w) => w.when(types)).map((w) => {
        const n = alarms.filter((m) => m.some((name) => w.metrics.includes(name))).length;
        return n ? `${w.tier} covered (${n})` : `${w.tier} MISSING`;
    });
    const checks = alarms.filter((m) => m.includes("HealthCheckStatus")).length;
    if (!items.length && !alarms.length) return "";
    // The entry's burn rate and health checks concern regional stacks (an interconnect has no entry).
    if (types.has("aws:lb/loadBalancer:LoadBalancer")) {
        items.push(composites ? `burn-rate composites ${composites}` : "burn-rate MISSING");
        items.push(checks ? `Route 53 health checks covered (${checks})` : "Route 53 health checks: not watchable here (metrics only in us-east-1)");
    }
    const missing = items.filter((i) => i.includes("MISSING")).length;
    return [`Detection: ${alarms.length} alarms, ${composites} composite${composites === 1 ? "" : "s"}; ${missing ? `${missing} MISSING` : "every tier covered"}`, `  ${items.join("; ")}`].join("\n");
}
