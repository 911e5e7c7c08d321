import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ROUTE53_METRICS_REGION, type WatchedHealthCheck } from "./EdgeAlarms";
import { redisMemberClusterIds } from "./DataTierAlarms";

export interface DashboardArgs {
    readonly dashboardName: string;
    readonly region: string;
    readonly loadBalancerArnSuffix: pulumi.Input<string>;
    readonly auroraClusterIdentifier: pulumi.Input<string>;
    readonly redisReplicationGroupId: string;
    readonly redisNodes: number;
    readonly healthChecks: readonly WatchedHealthCheck[];
    /** Every alarm of the region, shown with its state. */
    readonly alarmArns: readonly pulumi.Input<string>[];
}

type Metric = (string | { readonly stat?: string; readonly region?: string; readonly label?: string })[];

const widget = (title: string, x: number, y: number, metrics: Metric[], region: string, extra: Record<string, unknown> = {}) => ({
    type: "metric",
    x,
    y,
    width: 12,
    height: 6,
    properties: { title, region, view: "timeSeries", period: 60, metrics, ...extra },
});

/**
 * The region's dashboard, from the resources this stack planned: the API's golden signals at its ALB (traffic,
 * errors, p95 latency against the seed's 400 ms), the replication lag of every tier the region receives, the
 * Route 53 health checks it can see, and the state of every alarm. Dashboard bodies: CloudWatch API Reference,
 * "Dashboard Body Structure and Syntax" (metric arrays `[namespace, name, dimName, dimValue, {options}]`, the
 * `alarm` widget takes alarm ARNs). Dashboards are global to the account, not regional (CloudWatch API Reference,
 * PutDashboard): each is named after its region so the two regions' stacks never write the same one.
 */
export class Dashboard extends pulumi.ComponentResource {
    readonly dashboardName: pulumi.Output<string>;

    constructor(name: string, args: DashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:Dashboard", name, {}, opts);
        const body = pulumi
            .all([pulumi.output(args.loadBalancerArnSuffix), pulumi.output(args.auroraClusterIdentifier), pulumi.all(args.healthChecks.map((h) => h.healthCheckId)), pulumi.all([...args.alarmArns])])
            .apply(([lb, cluster, checkIds, alarms]) => {
                const r = args.region;
                const alb = (metric: string, stat: string, label: string): Metric => ["AWS/ApplicationELB", metric, "LoadBalancer", lb, { stat, label }];
                return JSON.stringify({
                    widgets: [
                        widget("API traffic and errors", 0, 0, [alb("RequestCount", "Sum", "requests"), alb("HTTPCode_ELB_5XX_Count", "Sum", "ALB 5xx"), alb("HTTPCode_Target_5XX_Count", "Sum", "pod 5xx")], r),
                        widget("API latency p95 (seed: 400 ms)", 12, 0, [alb("TargetResponseTime", "p95", "p95 s")], r, { annotations: { horizontal: [{ label: "400 ms", value: 0.4 }] } }),
                        widget(
                            "Replication lag received by this region",
                            0,
                            6,
                            [
                                ["AWS/RDS", "AuroraGlobalDBReplicationLag", "DBClusterIdentifier", cluster, { stat: "Maximum", label: "Aurora lag ms" }],
                                ["AWS/RDS", "AuroraGlobalDBRPOLag", "DBClusterIdentifier", cluster, { stat: "Maximum", label: "Aurora RPO lag ms" }],
                                ...redisMemberClusterIds(args.redisReplicationGroupId, args.redisNodes).map((id): Metric => ["AWS/ElastiCache", "GlobalDatastoreReplicationLag", "CacheClusterId", id, { stat: "Maximum", label: `Redis ${id} s` }]),
                            ],
                            r,
                        ),
                        // Only where the health checks' metrics exist: a metric widget needs at least one metric.
                        ...(checkIds.length
                            ? [
                                  widget(
                                      "Route 53 health checks (us-east-1 metrics)",
                                      12,
                                      6,
                                      checkIds.map((id, i): Metric => ["AWS/Route53", "HealthCheckStatus", "HealthCheckId", id, { stat: "Minimum", region: ROUTE53_METRICS_REGION, label: args.healthChecks[i].region }]),
                                      ROUTE53_METRICS_REGION,
                                  ),
                              ]
                            : []),
                        { type: "alarm", x: 0, y: 12, width: 24, height: 6, properties: { title: "Alarms", alarms } },
                    ],
                });
            });
        const dashboard = new aws.cloudwatch.Dashboard(`${name}-dashboard`, { dashboardName: args.dashboardName, dashboardBody: body }, { parent: this });
        this.dashboardName = dashboard.dashboardName;
        this.registerOutputs({ dashboardName: this.dashboardName });
    }
}
