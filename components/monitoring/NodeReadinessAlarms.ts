import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import { CONTAINER_INSIGHTS_NAMESPACE } from "../compute/ContainerInsights";
import { description, notifying } from "./alarm";

export interface NodeReadinessAlarmsArgs {
    readonly namePrefix: string;
    readonly topicArn: pulumi.Input<string>;
    readonly clusterName: pulumi.Input<string>;
    /** The sum of the node groups' minimum sizes: fewer nodes than that is lost capacity. */
    readonly minimumNodes: number;
    /** Minutes a node may stay failed (or the cluster short of nodes) before on-call is told. */
    readonly notReadyMinutes: number;
}

/** Container Insights publishes its cluster metrics every 60 s (the agent's default metrics_collection_interval). */
export const NODE_METRIC_PERIOD_SECONDS = 60;

/**
 * Node readiness of the region's cluster, from Container Insights (components/compute/ContainerInsights.ts):
 * a node with a failing condition (NotReady, memory or disk pressure) and a cluster with fewer nodes than its
 * node groups' minimum. The count alarm treats missing data as breaching: no data means the agent (or every node)
 * is gone, which is exactly what it is for; the failed-node alarm does not, so a quiet agent pages once, not twice.
 */
export class NodeReadinessAlarms extends pulumi.ComponentResource {
    readonly alarmArns: pulumi.Output<string>[];

    constructor(name: string, args: NodeReadinessAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:NodeReadinessAlarms", name, {}, opts);
        validateArgs(args).throwIfAny(this, "NodeReadinessAlarms", name);
        const notify = notifying(args.topicArn);
        const common = {
            namespace: CONTAINER_INSIGHTS_NAMESPACE,
            dimensions: { ClusterName: args.clusterName },
            period: NODE_METRIC_PERIOD_SECONDS,
            evaluationPeriods: args.notReadyMinutes,
            datapointsToAlarm: args.notReadyMinutes,
            ...notify,
        };
        const failed = new aws.cloudwatch.MetricAlarm(
            `${name}-failed`,
            {
                name: `${args.namePrefix}-eks-nodes-failed`,
                alarmDescription: description(`A node of the cluster has reported a failing condition (NotReady or pressure) for ${args.notReadyMinutes} min: its pods are being evicted or not scheduled.`, "eks-nodes"),
                metricName: "cluster_failed_node_count",
                statistic: "Maximum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
                treatMissingData: "notBreaching",
                ...common,
            },
            { parent: this },
        );
        const count = new aws.cloudwatch.MetricAlarm(
            `${name}-count`,
            {
                name: `${args.namePrefix}-eks-nodes-below-minimum`,
                alarmDescription: description(`The cluster has had fewer than ${args.minimumNodes} nodes (the node groups' minimum) for ${args.notReadyMinutes} min, or Container Insights stopped reporting.`, "eks-nodes"),
                metricName: "cluster_node_count",
                statistic: "Minimum",
                comparisonOperator: "LessThanThreshold",
                threshold: args.minimumNodes,
                treatMissingData: "breaching",
                ...common,
            },
            { parent: this },
        );
        this.alarmArns = [failed.arn, count.arn];
        this.registerOutputs({ alarmArns: this.alarmArns });
    }
}

function validateArgs(args: NodeReadinessAlarmsArgs): Problems {
    const p = new Problems();
    p.check(Number.isInteger(args.minimumNodes) && args.minimumNodes >= 1, `minimumNodes must be a whole number of at least 1, got ${args.minimumNodes}`);
    // At a 60 s period CloudWatch allows evaluation windows up to one day (period x evaluationPeriods <= 86,400 s).
    p.check(Number.isInteger(args.notReadyMinutes) && args.notReadyMinutes >= 1 && args.notReadyMinutes <= 60, `notReadyMinutes must be a whole number from 1 to 60, got ${args.notReadyMinutes}`);
    return p;
}
