import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { METRIC_ALARM, actionFacts, watches } from "../lib/alarms";
import { subjectOf, violationMessage } from "../lib/message";
import { GRAPH_LAG_METRIC, NEO4J_LABELS } from "../contracts/neo4jLabels";
import { read, readPath } from "../lib/read";
import { homeRegion } from "../lib/resources";
import { ofType } from "../lib/stack";

const AURORA = "aws:rds/cluster:Cluster";
const REDIS = "aws:elasticache/replicationGroup:ReplicationGroup";
const GLOBAL_DATASTORE = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup";
const S3_REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";

const REMEDIATION =
    "Declare the tier's lag alarm with the region's DataTierAlarms (stacks/monitoring.ts), for the graph its GraphLagAlarm (with the LagExporter of stacks/graphTier.ts), or, for backup replication, the interconnect's BackupReplicationAlarms, notifying the region's NotificationTopic";

/** A replicated tier, the lag metric that watches it, and how its dimension names it. */
interface Tier {
    readonly resource: PolicyResource;
    readonly metric: string;
    readonly dimension: string;
    readonly matches: (value: string) => boolean;
    /** Which part of the resource is watched, when it has several (a replication configuration's rules). */
    readonly part?: string;
    /** The tier's region when its resource has none of its own (a Kubernetes object: the stack's home region). */
    readonly region?: string;
}

function replicatedTiers(resources: readonly PolicyResource[]): Tier[] {
    const tiers: Tier[] = [];
    for (const c of ofType(resources, AURORA)) {
        if (read(() => c.props.globalClusterIdentifier) === undefined) continue;
        const id = read(() => c.props.clusterIdentifier);
        tiers.push({ resource: c, metric: "AuroraGlobalDBReplicationLag", dimension: "DBClusterIdentifier", matches: (v) => v === id });
    }
    const datastores = ofType(resources, GLOBAL_DATASTORE);
    // The datastore's primary member: by its id, or (id unknown at first preview) by the datastore's dependency on it.
    const isPrimaryOf = (g: PolicyResource) =>
        datastores.some((d) => {
            const primary = read(() => d.props.primaryReplicationGroupId);
            return typeof primary === "string" ? primary === read(() => g.props.replicationGroupId) : (d.propertyDependencies.primaryReplicationGroupId ?? []).includes(g);
        });
    for (const g of ofType(resources, REDIS)) {
        const id = read(() => g.props.replicationGroupId);
        const member = read(() => g.props.globalReplicationGroupId) !== undefined;
        if (!member && !isPrimaryOf(g)) continue;
        // Host-level metric: the group's member clusters are `<group>-001`, `-002`, ...
        tiers.push({ resource: g, metric: "GlobalDatastoreReplicationLag", dimension: "CacheClusterId", matches: (v) => typeof id === "string" && v.startsWith(`${id}-`) });
    }
    // The Neo4j cluster (by its instance label; a StatefulSet per server): its secondaries' lag, published by the
    // region's exporter (components/graph/lagExporter.ts) in both regions, since every server lists every copy.
    const clusters = new Map<string, PolicyResource>();
    for (const s of ofType(resources, STATEFUL_SET)) {
        const labels = (readPath(s.props, ["metadata", "labels"]) as Record<string, unknown> | undefined) ?? {};
        const instance = labels[NEO4J_LABELS.instance];
        if (labels[NEO4J_LABELS.name] === "neo4j" && typeof instance === "string" && !clusters.has(instance)) clusters.set(instance, s);
    }
    const home = homeRegion(resources);
    for (const [instance, s] of clusters) tiers.push({ resource: s, metric: GRAPH_LAG_METRIC.name, dimension: GRAPH_LAG_METRIC.dimension, matches: (v) => v === instance, part: `Neo4j cluster ${instance}`, region: home });
    // The graph standby's data: the backups each rule replicates into a secondary's region (RuleId dimension).
    for (const c of ofType(resources, S3_REPLICATION)) {
        const rules = read(() => c.props.rules);
        const count = Array.isArray(rules) ? rules.length : 0;
        for (let i = 0; i < count; i++) {
            const id = read(() => (c.props.rules as { id?: unknown }[])[i].id);
            if (typeof id === "string") tiers.push({ resource: c, metric: "ReplicationLatency", dimension: "RuleId", matches: (v) => v === id, part: `rule ${id}` });
        }
    }
    return tiers;
}

/**
 * Detection: a tier AWS replicates across regions (an Aurora global-database member, a global-datastore
 * member) is useless as a failover target if its lag goes unseen. The lag metrics are emitted by whichever
 * member is secondary, so every member, in every region, has the alarm, and it must reach a person: an SNS
 * topic of the same region encrypted with that region's key (a topic elsewhere would share the fate of the
 * region it detects).
 */
export const detectReplicationLagAlarms: StackValidationPolicy = {
    name: "intelgraph-detect-replication-lag-alarms",
    description:
        "Detection: every replicated data tier (Aurora global-database member, ElastiCache global-datastore member, Neo4j cluster, each S3 replication rule of the graph backups) has a replication-lag alarm (AuroraGlobalDBReplicationLag on its DBClusterIdentifier; GlobalDatastoreReplicationLag on its member clusters; SecondaryReplicationLagTransactions on its Cluster; ReplicationLatency on its RuleId) whose action is an SNS topic of its own region encrypted with a key of that region.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const tiers = replicatedTiers(args.resources);
        if (!tiers.length) args.notApplicable("no replicated data tier in this stack");
        const alarms = ofType(args.resources, METRIC_ALARM);
        for (const t of tiers) {
            const subject = subjectOf(t.resource, t.region);
            const required = `a CloudWatch alarm on ${t.metric} (${t.dimension}) notifying an SNS topic of ${subject.region ?? "its region"} encrypted with a key of that region`;
            const watching = alarms.filter((a) => watches(a, t.resource, [t.metric], t.dimension, t.matches));
            if (!watching.length) {
                reportViolation(violationMessage(subject, t.part ? `lag alarm of ${t.part}` : "lag alarm", undefined, required, REMEDIATION), t.resource.urn);
                continue;
            }
            const facts = watching.map((a) => ({ alarm: a, ...actionFacts(a, args.resources) }));
            if (!facts.some((f) => f.notifiesRegionalTopic)) {
                const first = facts[0];
                reportViolation(violationMessage(subject, `alarmActions of lag alarm '${first.alarm.name}'`, first.observed, required, REMEDIATION), t.resource.urn);
            }
        }
    },
};
