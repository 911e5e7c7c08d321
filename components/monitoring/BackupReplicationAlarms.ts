import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import { description, notifying } from "./alarm";

export interface ReplicationRule {
    /** The rule's id in the source bucket's replication configuration, and the bucket it copies to. */
    readonly ruleId: string;
    readonly destinationBucketName: pulumi.Input<string>;
    /** The destination's region, for the alarm names. */
    readonly destinationRegion: string;
}

export interface BackupReplicationAlarmsArgs {
    readonly namePrefix: string;
    /** The source region's alert topic (its stack's output). */
    readonly topicArn: pulumi.Input<string>;
    readonly sourceBucketName: pulumi.Input<string>;
    readonly rules: readonly ReplicationRule[];
    /** Replication Time Control's bound: a latency above it means the standby's backups are late. */
    readonly latencyThresholdSeconds: number;
}

/** S3 replication metrics are published per minute once metrics are enabled on the rule. */
export const REPLICATION_PERIOD_SECONDS = 60;
export const REPLICATION_EVALUATION_PERIODS = 5;

/**
 * Freshness of the graph standby, the only graph lag the current tier can export: the standby restores from
 * the backups replicated to its region, so its data is as old as the last backup plus the replication delay.
 * AWS/S3 `ReplicationLatency` (Maximum, Seconds) and `OperationsFailedReplication` (Sum, Count), dimensions
 * SourceBucket, DestinationBucket and RuleId, published in the source bucket's region once the rule has
 * `metrics` enabled (S3 User Guide, "Monitoring progress with replication metrics"; BackupReplication enables
 * them with Replication Time Control). The alarms live with the source bucket, in the writing region: if that
 * region is lost, replication stops with it, and the secondary's own lag and health-check alarms detect that.
 * When the graph gets secondaries of the same cluster (#14), a custom metric of their transaction-id delta
 * published from each region replaces this as the graph's lag alarm; these stay for the backups.
 */
export class BackupReplicationAlarms extends pulumi.ComponentResource {
    readonly alarmArns: pulumi.Output<string>[];

    constructor(name: string, args: BackupReplicationAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:BackupReplicationAlarms", name, {}, opts);
        validateArgs(args).throwIfAny(this, "BackupReplicationAlarms", name);
        const notify = notifying(args.topicArn);
        this.alarmArns = args.rules.flatMap((rule) => {
            const dimensions = { SourceBucket: args.sourceBucketName, DestinationBucket: rule.destinationBucketName, RuleId: rule.ruleId };
            const latency = new aws.cloudwatch.MetricAlarm(
                `${name}-latency-${rule.destinationRegion}`,
                {
                    name: `${args.namePrefix}-backup-replication-latency-${rule.destinationRegion}`,
                    alarmDescription: description(`Graph backups reach ${rule.destinationRegion} more than ${args.latencyThresholdSeconds} s late: the standby there would restore older data.`, "backup-replication"),
                    namespace: "AWS/S3",
                    metricName: "ReplicationLatency",
                    dimensions,
                    statistic: "Maximum",
                    unit: "Seconds",
                    period: REPLICATION_PERIOD_SECONDS,
                    evaluationPeriods: REPLICATION_EVALUATION_PERIODS,
                    datapointsToAlarm: REPLICATION_EVALUATION_PERIODS,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: args.latencyThresholdSeconds,
                    // No point while nothing is being replicated (between backups).
                    treatMissingData: "notBreaching",
                    ...notify,
                },
                { parent: this },
            );
            const failed = new aws.cloudwatch.MetricAlarm(
                `${name}-failed-${rule.destinationRegion}`,
                {
                    name: `${args.namePrefix}-backup-replication-failed-${rule.destinationRegion}`,
                    alarmDescription: description(`Graph backup objects failed to replicate to ${rule.destinationRegion}: the standby's restore chain there has a gap.`, "backup-replication"),
                    namespace: "AWS/S3",
                    metricName: "OperationsFailedReplication",
                    dimensions,
                    statistic: "Sum",
                    unit: "Count",
                    period: REPLICATION_PERIOD_SECONDS,
                    evaluationPeriods: 1,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: 0,
                    treatMissingData: "notBreaching",
                    ...notify,
                },
                { parent: this },
            );
            return [latency.arn, failed.arn];
        });
        this.registerOutputs({ alarmArns: this.alarmArns });
    }
}

function validateArgs(args: BackupReplicationAlarmsArgs): Problems {
    const p = new Problems();
    p.check(args.rules.length > 0, "rules must list at least one replication rule");
    p.check(args.latencyThresholdSeconds > 0, `latencyThresholdSeconds must be positive, got ${args.latencyThresholdSeconds}`);
    return p;
}
