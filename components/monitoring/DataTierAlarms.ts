import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn } from "../boundary";
import { description, notifying } from "./alarm";

export interface DataTierAlarmsArgs {
    /** Prefix of the alarm names (unique per account and region), e.g. intelgraph-us-east-1. */
    readonly namePrefix: string;
    readonly topicArn: pulumi.Input<string>;
    /** This region's member cluster of the Aurora global database. */
    readonly auroraClusterIdentifier: pulumi.Input<string>;
    /** This region's member replication group of the global datastore, and its node count. */
    readonly redisReplicationGroupId: string;
    readonly redisNodes: number;
    readonly replicationLagSeconds: number;
    readonly redisLagSeconds: number;
}

/** One-minute points, three in a row: a lag above the threshold for three minutes, well inside the 5-minute RPO. */
export const LAG_PERIOD_SECONDS = 60;
export const LAG_EVALUATION_PERIODS = 3;

/**
 * ElastiCache names the member clusters of a cluster-mode-disabled replication group `<group>-001`, `-002`, ...
 * (ElastiCache User Guide, "Replication: Valkey and Redis OSS Cluster Mode Disabled vs. Enabled": node ids of
 * the group's clusters); GlobalDatastoreReplicationLag is a host-level metric with the CacheClusterId dimension
 * (ElastiCache User Guide, "Host-Level Metrics" / "Metrics for Valkey and Redis OSS").
 */
export function redisMemberClusterIds(replicationGroupId: string, nodes: number): string[] {
    return Array.from({ length: nodes }, (_, i) => `${replicationGroupId}-${String(i + 1).padStart(3, "0")}`);
}

/**
 * Replication lag of the tiers AWS replicates across regions, declared identically in every region: the lag
 * metrics are emitted by the *secondary* member (the one receiving the replication), so the region that
 * alarms is whichever is secondary at the time, and it moves with a failover without any change here. In the
 * writing region the metrics have no points, which `notBreaching` reads as OK.
 *
 * - Aurora: AWS/RDS `AuroraGlobalDBReplicationLag` and `AuroraGlobalDBRPOLag` (Aurora PostgreSQL), unit
 *   Milliseconds, dimension DBClusterIdentifier, emitted by the secondary cluster (Aurora User Guide, "Metrics
 *   reference for Amazon Aurora", cluster-level metrics, which says the global-database metrics apply "only to the
 *   secondary AWS Region": https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/Aurora.AuroraMonitoring.Metrics.html;
 *   "Monitoring Aurora global databases").
 * - ElastiCache: AWS/ElastiCache `GlobalDatastoreReplicationLag`, unit Seconds, "the lag between the secondary
 *   Region's primary node and the primary Region's primary node" (ElastiCache User Guide, "Metrics for Valkey
 *   and Redis OSS"); only the secondary group's primary node emits it, so the alarm takes the maximum over the
 *   group's member clusters (whichever is primary after a node failover).
 */
export class DataTierAlarms extends pulumi.ComponentResource {
    readonly alarmArns: pulumi.Output<string>[];

    constructor(name: string, args: DataTierAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:DataTierAlarms", name, {}, opts);
        validateArgs(args).throwIfAny(this, "DataTierAlarms", name);
        const notify = notifying(args.topicArn);
        const auroraThresholdMs = args.replicationLagSeconds * 1000;

        const aurora = (suffix: string, metricName: string, what: string) =>
            new aws.cloudwatch.MetricAlarm(
                `${name}-${suffix}`,
                {
                    name: `${args.namePrefix}-${suffix}`,
                    alarmDescription: description(`${what} of this region's Aurora member above ${args.replicationLagSeconds} s (it is the secondary when this alarms).`, "aurora-replication-lag"),
                    namespace: "AWS/RDS",
                    metricName,
                    dimensions: { DBClusterIdentifier: args.auroraClusterIdentifier },
                    statistic: "Maximum",
                    unit: "Milliseconds",
                    period: LAG_PERIOD_SECONDS,
                    evaluationPeriods: LAG_EVALUATION_PERIODS,
                    datapointsToAlarm: LAG_EVALUATION_PERIODS,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: auroraThresholdMs,
                    treatMissingData: "notBreaching",
                    ...notify,
                },
                { parent: this },
            );
        const lag = aurora("aurora-replication-lag", "AuroraGlobalDBReplicationLag", "Replication lag");
        const rpo = aurora("aurora-rpo-lag", "AuroraGlobalDBRPOLag", "RPO lag");

        const members = redisMemberClusterIds(args.redisReplicationGroupId, args.redisNodes);
        const redis = new aws.cloudwatch.MetricAlarm(
            `${name}-redis-replication-lag`,
            {
                name: `${args.namePrefix}-redis-replication-lag`,
                alarmDescription: description(`Global datastore replication lag of this region's Redis member above ${args.redisLagSeconds} s (it is the secondary when this alarms).`, "redis-replication-lag"),
                metricQueries: [
                    ...members.map((id, i) => ({
                        id: `n${i}`,
                        returnData: false,
                        metric: { namespace: "AWS/ElastiCache", metricName: "GlobalDatastoreReplicationLag", dimensions: { CacheClusterId: id }, stat: "Maximum", unit: "Seconds", period: LAG_PERIOD_SECONDS },
                    })),
                    { id: "lag", label: "GlobalDatastoreReplicationLag (max over the group's nodes)", expression: "MAX(METRICS())", returnData: true },
                ],
                evaluationPeriods: LAG_EVALUATION_PERIODS,
                datapointsToAlarm: LAG_EVALUATION_PERIODS,
                comparisonOperator: "GreaterThanThreshold",
                threshold: args.redisLagSeconds,
                treatMissingData: "notBreaching",
                ...notify,
            },
            { parent: this },
        );

        this.alarmArns = [lag.arn, rpo.arn, redis.arn];
        this.registerOutputs({ alarmArns: this.alarmArns });
    }
}

function validateArgs(args: DataTierAlarmsArgs): Problems {
    const p = new Problems();
    p.check(isIntIn(args.redisNodes, 1, 6), `redisNodes must be 1-6 (a cluster-mode-disabled group), got ${args.redisNodes}`);
    p.check(args.replicationLagSeconds > 0 && args.redisLagSeconds > 0, `lag thresholds must be positive seconds, got ${args.replicationLagSeconds} and ${args.redisLagSeconds}`);
    return p;
}
