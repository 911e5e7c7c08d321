import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn } from "../boundary";
import { GRAPH_LAG_METRIC } from "../../policy-pack/contracts/neo4jLabels";
import { description, notifying } from "./alarm";
import { LAG_EVALUATION_PERIODS, LAG_PERIOD_SECONDS } from "./DataTierAlarms";

export interface GraphLagAlarmArgs {
    readonly namePrefix: string;
    readonly topicArn: pulumi.Input<string>;
    /** The cluster's app.kubernetes.io/instance: the metric's Cluster dimension. */
    readonly clusterName: string;
    readonly thresholdTransactions: number;
    /**
     * Whether this region hosts the cluster's secondaries. Here no point (the exporter failed, no secondary is
     * online, or the region's servers cannot be queried) is breaching: the measurement the RPO bound relies on is gone.
     * Elsewhere it is not: the writing region's exporter sees the other region's secondaries too, but while that
     * region is down its rows have no lag, and the region's loss is the interconnect probes' alarm, not a lag.
     */
    readonly secondariesHere: boolean;
}

/**
 * The Neo4j secondaries' replication lag in transactions (components/graph/lagExporter.ts publishes the largest over
 * the secondaries every minute): Maximum over 60 s, three points of three above the threshold, like the data tier's
 * lag alarms. A transaction count is not time: the RPO model keeps its configured seconds bound
 * (`intelgraph:neo4j.replicationLag`); this alarm is the measurement that bound relies on, and its threshold
 * (`intelgraph:alerts.graphLagTransactions`) is a number of transactions.
 */
export class GraphLagAlarm extends pulumi.ComponentResource {
    readonly alarmArn: pulumi.Output<string>;

    constructor(name: string, args: GraphLagAlarmArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:GraphLagAlarm", name, {}, opts);
        validateArgs(args).throwIfAny(this, "GraphLagAlarm", name);
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-alarm`,
            {
                name: `${args.namePrefix}-neo4j-secondary-lag`,
                alarmDescription: description(
                    `A Neo4j secondary of ${args.clusterName} is more than ${args.thresholdTransactions} transactions behind the writer${args.secondariesHere ? ", or its lag is no longer measured" : ""}.`,
                    "graph-replication-lag",
                ),
                namespace: GRAPH_LAG_METRIC.namespace,
                metricName: GRAPH_LAG_METRIC.name,
                dimensions: { [GRAPH_LAG_METRIC.dimension]: args.clusterName },
                statistic: "Maximum",
                unit: "Count",
                period: LAG_PERIOD_SECONDS,
                evaluationPeriods: LAG_EVALUATION_PERIODS,
                datapointsToAlarm: LAG_EVALUATION_PERIODS,
                comparisonOperator: "GreaterThanThreshold",
                threshold: args.thresholdTransactions,
                treatMissingData: args.secondariesHere ? "breaching" : "notBreaching",
                ...notifying(args.topicArn),
            },
            { parent: this },
        );
        this.alarmArn = alarm.arn;
        this.registerOutputs({ alarmArn: this.alarmArn });
    }
}

function validateArgs(args: GraphLagAlarmArgs): Problems {
    const p = new Problems();
    p.check(isIntIn(args.thresholdTransactions, 1), `thresholdTransactions must be a whole number of at least 1, got ${args.thresholdTransactions}`);
    p.check(args.clusterName.length > 0, "clusterName must name the cluster (the metric's Cluster dimension)");
    return p;
}
