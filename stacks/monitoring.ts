import type * as pulumi from "@pulumi/pulumi";
import type { AuroraGlobal } from "../components/data/AuroraGlobal";
import type { RedisGlobal } from "../components/data/RedisGlobal";
import { BurnRateAlarms } from "../components/monitoring/BurnRateAlarms";
import { Dashboard } from "../components/monitoring/Dashboard";
import { DataTierAlarms } from "../components/monitoring/DataTierAlarms";
import { GraphLagAlarm } from "../components/monitoring/GraphLagAlarm";
import { EdgeAlarms, ROUTE53_METRICS_REGION, type WatchedHealthCheck } from "../components/monitoring/EdgeAlarms";
import { NodeReadinessAlarms } from "../components/monitoring/NodeReadinessAlarms";
import { NotificationTopic } from "../components/monitoring/NotificationTopic";
import type { MonitoringOutputs, ProgramOutputs } from "./outputs";
import { type RegionalBase, redisPlacement } from "./regional";

/** The other regions' health checks a stack knows of (a secondary knows its primary's, from its outputs). */
export interface PeerHealthChecks {
    readonly peers: readonly WatchedHealthCheck[];
}

/**
 * Detection for one region, the same for every role: the region's encrypted topic, the replication-lag alarms
 * of the tiers it receives (they alarm wherever the secondary is at the time), the entry's error, target and
 * certificate alarms, the cluster's node readiness, the SLO burn-rate composites, and the dashboard. Everything is in this region through its
 * own provider, so it deploys and alarms while the other region is down. Route 53's health-check metrics exist
 * only in us-east-1: the stack there watches its own check and its peers'; a stack elsewhere cannot, and the loss
 * of any region (us-east-1 included) is alarmed on from another by the interconnect's probes (RegionProbe).
 */
export function regionalMonitoring(
    base: RegionalBase,
    tiers: {
        readonly aurora: AuroraGlobal;
        readonly redis: RedisGlobal;
        /** The Neo4j cluster's name (its lag metric's dimension) and whether this region hosts its secondaries. */
        readonly graph: { readonly clusterName: string; readonly secondariesHere: boolean };
    },
    watch: PeerHealthChecks,
    /** Tiers that alarm on this topic too (the protection tier), built once the topic exists; their alarms join the dashboard. */
    alarmingTiers: (topicArn: pulumi.Output<string>) => readonly pulumi.Output<string>[] = () => [],
): { readonly outputs: ProgramOutputs<MonitoringOutputs>; readonly drillStopAlarmArns: pulumi.Output<string>[] } {
    const { config, prefix, kms, entry, dns, onRegion } = base;
    const alerts = config.alerts;
    const topic = new NotificationTopic(
        "alerts",
        { topicName: `${prefix}-alerts`, kmsKeyArn: kms.keyArn, accountId: base.account, partition: base.partition, subscriptions: alerts.subscriptions },
        onRegion,
    );
    const topicArn = topic.topicArn;
    const redisReplicationGroupId = redisPlacement(base).replicationGroupId;

    const data = new DataTierAlarms(
        "data-alarms",
        {
            namePrefix: prefix,
            topicArn,
            auroraClusterIdentifier: tiers.aurora.clusterIdentifier,
            redisReplicationGroupId,
            redisNodes: config.redis.nodes,
            replicationLagSeconds: alerts.replicationLagSeconds,
            redisLagSeconds: alerts.redisLagSeconds,
        },
        onRegion,
    );
    // In both regions: the exporter publishes in each (components/graph/lagExporter.ts); missing data is breaching
    // only where the secondaries are (GraphLagAlarm).
    const graphLag = new GraphLagAlarm(
        "graph-lag-alarm",
        { namePrefix: prefix, topicArn, clusterName: tiers.graph.clusterName, thresholdTransactions: alerts.graphLagTransactions, secondariesHere: tiers.graph.secondariesHere },
        onRegion,
    );
    const healthChecks: WatchedHealthCheck[] =
        config.region === ROUTE53_METRICS_REGION ? [{ region: config.region, healthCheckId: dns.healthCheckId }, ...watch.peers] : [];
    const edge = new EdgeAlarms(
        "edge-alarms",
        {
            namePrefix: prefix,
            topicArn,
            loadBalancerArnSuffix: entry.loadBalancerArnSuffix,
            targetGroupArnSuffix: entry.targetGroupArnSuffix,
            certificateArn: entry.certificateArn,
            errorRatePercent: alerts.errorRatePercent,
            certificateExpiryDays: alerts.certificateExpiryDays,
            healthChecks,
        },
        onRegion,
    );
    const nodes = new NodeReadinessAlarms(
        "node-alarms",
        {
            namePrefix: prefix,
            topicArn,
            clusterName: base.eks.clusterName,
            minimumNodes: config.eks.general.minSize + config.eks.graphPerAz.minSize * config.network.availabilityZones.length,
            notReadyMinutes: alerts.nodeNotReadyMinutes,
        },
        onRegion,
    );
    const burn = new BurnRateAlarms("burn-rate", { namePrefix: prefix, topicArn, loadBalancerArnSuffix: entry.loadBalancerArnSuffix, availabilitySloPercent: alerts.availabilitySloPercent }, onRegion);
    const alarmArns: pulumi.Output<string>[] = [...data.alarmArns, graphLag.alarmArn, ...edge.alarmArns, ...nodes.alarmArns, ...burn.alarmArns, ...alarmingTiers(topicArn)];
    const dashboard = new Dashboard(
        "dashboard",
        {
            dashboardName: prefix,
            region: config.region,
            loadBalancerArnSuffix: entry.loadBalancerArnSuffix,
            auroraClusterIdentifier: tiers.aurora.clusterIdentifier,
            redisReplicationGroupId,
            redisNodes: config.redis.nodes,
            healthChecks,
            alarmArns,
        },
        onRegion,
    );
    return {
        outputs: { alertTopicArn: topicArn, apiReleaseGateAlarmName: burn.pageAlarmName, dashboardName: dashboard.dashboardName },
        // What stops a drill in this region: users failing (the page-level burn rate) or replication falling
        // behind (the data-tier lag alarms, ALARM only where the region receives replication). Not the graph's lag
        // alarm: its missing data is breaching where the secondaries are, so an exporter that cannot query (the open
        // bolt client-certificate question, components/graph/lagExporter.ts) would stop every drill there.
        drillStopAlarmArns: [burn.pageAlarmArn, ...data.alarmArns],
    };
}
