import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import { description, notifying } from "./alarm";

/** Route 53 publishes health-check metrics to CloudWatch in US East (N. Virginia) only (Route 53 Developer Guide, "Monitoring health check status and getting notifications"). */
export const ROUTE53_METRICS_REGION = "us-east-1";

export interface WatchedHealthCheck {
    /** Whose check it is, for the alarm name: the region it probes. */
    readonly region: string;
    readonly healthCheckId: pulumi.Input<string>;
}

export interface EdgeAlarmsArgs {
    readonly namePrefix: string;
    readonly topicArn: pulumi.Input<string>;
    /** The ALB's and target group's ARN suffixes: the LoadBalancer and TargetGroup dimensions. */
    readonly loadBalancerArnSuffix: pulumi.Input<string>;
    readonly targetGroupArnSuffix: pulumi.Input<string>;
    readonly certificateArn: pulumi.Input<string>;
    readonly errorRatePercent: number;
    readonly certificateExpiryDays: number;
    /** Health checks whose status this region can see: only in ROUTE53_METRICS_REGION, never the region's own loss. */
    readonly healthChecks: readonly WatchedHealthCheck[];
}

/** Five one-minute points in a row: a regional error rate that lasts, not one bad minute. */
export const ERROR_RATE_PERIOD_SECONDS = 60;
export const ERROR_RATE_EVALUATION_PERIODS = 5;
/**
 * RequestCount counts only requests for which the ALB chose a target (ELB User Guide, the metric's entry): a 503
 * with no target at all is an ELB 5xx without a request, so a missing RequestCount is taken as 1, and such a
 * minute reads as a total failure rather than as no traffic.
 */
export const ERROR_RATE_EXPRESSION = "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / FILL(requests, 1)";
/** ACM publishes DaysToExpiry once a day: a one-day period, one point. */
export const CERTIFICATE_PERIOD_SECONDS = 86_400;

/**
 * The region's entry: the ALB's 5xx ratio and unhealthy targets, the API certificate's days to expiry, and the
 * Route 53 health checks this region can watch.
 *
 * - AWS/ApplicationELB `HTTPCode_ELB_5XX_Count`, `HTTPCode_Target_5XX_Count`, `RequestCount` (Sum, Count,
 *   dimension LoadBalancer) and `UnHealthyHostCount` (dimensions TargetGroup and LoadBalancer), emitted in the
 *   ALB's region at one-minute granularity and only when there are requests (ELB User Guide, "CloudWatch
 *   metrics for your Application Load Balancer"): missing points are no traffic, filled with 0.
 * - AWS/CertificateManager `DaysToExpiry` (dimension CertificateArn), published daily (ACM User Guide,
 *   "Supported CloudWatch metrics"). Missing data is `missing`: the day a certificate is issued has no point
 *   yet, and a page on every fresh deploy would teach on-call to ignore it; once points flow, a gap keeps the
 *   last state. ACM stops emitting the metric once a certificate has expired (AWS CDK's ICertificate
 *   metricDaysToExpiry, which reads it over one day as Minimum as this alarm does): by then the alarm has been in
 *   ALARM since the threshold day, and a gap keeps it there.
 * - AWS/Route53 `HealthCheckStatus` (Minimum, dimension HealthCheckId), 1 healthy / 0 unhealthy, us-east-1 only.
 *   A check that stops reporting is `breaching`.
 */
export class EdgeAlarms extends pulumi.ComponentResource {
    readonly errorRateAlarmArn: pulumi.Output<string>;
    readonly alarmArns: pulumi.Output<string>[];

    constructor(name: string, args: EdgeAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:EdgeAlarms", name, {}, opts);
        validateArgs(args).throwIfAny(this, "EdgeAlarms", name);
        const notify = notifying(args.topicArn);
        const alb = (metricName: string, id: string) => ({
            id,
            returnData: false,
            metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: args.loadBalancerArnSuffix }, stat: "Sum", unit: "Count", period: ERROR_RATE_PERIOD_SECONDS },
        });

        const errors = new aws.cloudwatch.MetricAlarm(
            `${name}-api-5xx-rate`,
            {
                name: `${args.namePrefix}-api-5xx-rate`,
                alarmDescription: description(`More than ${args.errorRatePercent} % of this region's API requests answered 5xx (load balancer or targets) for ${ERROR_RATE_EVALUATION_PERIODS} minutes.`, "api-5xx-rate"),
                metricQueries: [
                    alb("HTTPCode_ELB_5XX_Count", "elb5xx"),
                    alb("HTTPCode_Target_5XX_Count", "target5xx"),
                    alb("RequestCount", "requests"),
                    { id: "rate", label: "5xx % of requests", expression: ERROR_RATE_EXPRESSION, returnData: true },
                ],
                evaluationPeriods: ERROR_RATE_EVALUATION_PERIODS,
                datapointsToAlarm: ERROR_RATE_EVALUATION_PERIODS,
                comparisonOperator: "GreaterThanThreshold",
                threshold: args.errorRatePercent,
                treatMissingData: "notBreaching",
                ...notify,
            },
            { parent: this },
        );

        const unhealthy = new aws.cloudwatch.MetricAlarm(
            `${name}-api-unhealthy-targets`,
            {
                name: `${args.namePrefix}-api-unhealthy-targets`,
                alarmDescription: description(`API pods failing the ALB health check for ${ERROR_RATE_EVALUATION_PERIODS} minutes.`, "api-unhealthy-targets"),
                namespace: "AWS/ApplicationELB",
                metricName: "UnHealthyHostCount",
                dimensions: { TargetGroup: args.targetGroupArnSuffix, LoadBalancer: args.loadBalancerArnSuffix },
                statistic: "Maximum",
                period: ERROR_RATE_PERIOD_SECONDS,
                evaluationPeriods: ERROR_RATE_EVALUATION_PERIODS,
                datapointsToAlarm: ERROR_RATE_EVALUATION_PERIODS,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
                treatMissingData: "notBreaching",
                ...notify,
            },
            { parent: this },
        );

        const certificate = new aws.cloudwatch.MetricAlarm(
            `${name}-api-certificate-expiry`,
            {
                name: `${args.namePrefix}-api-certificate-expiry`,
                alarmDescription: description(`The API certificate expires in less than ${args.certificateExpiryDays} days (ACM renewal has not happened).`, "api-certificate-expiry"),
                namespace: "AWS/CertificateManager",
                metricName: "DaysToExpiry",
                dimensions: { CertificateArn: args.certificateArn },
                statistic: "Minimum",
                period: CERTIFICATE_PERIOD_SECONDS,
                evaluationPeriods: 1,
                comparisonOperator: "LessThanThreshold",
                threshold: args.certificateExpiryDays,
                treatMissingData: "missing",
                ...notify,
            },
            { parent: this },
        );

        const checks = args.healthChecks.map(
            (h) =>
                new aws.cloudwatch.MetricAlarm(
                    `${name}-health-check-${h.region}`,
                    {
                        name: `${args.namePrefix}-health-check-${h.region}`,
                        alarmDescription: description(`Route 53 health check of the API in ${h.region} is failing: Route 53 is moving its traffic away.`, "health-check-failing"),
                        namespace: "AWS/Route53",
                        metricName: "HealthCheckStatus",
                        dimensions: { HealthCheckId: h.healthCheckId },
                        statistic: "Minimum",
                        period: 60,
                        evaluationPeriods: 1,
                        comparisonOperator: "LessThanThreshold",
                        threshold: 1,
                        treatMissingData: "breaching",
                        ...notify,
                    },
                    { parent: this },
                ),
        );

        this.errorRateAlarmArn = errors.arn;
        this.alarmArns = [errors.arn, unhealthy.arn, certificate.arn, ...checks.map((c) => c.arn)];
        this.registerOutputs({ alarmArns: this.alarmArns });
    }
}

function validateArgs(args: EdgeAlarmsArgs): Problems {
    const p = new Problems();
    p.check(args.errorRatePercent > 0 && args.errorRatePercent < 100, `errorRatePercent must be between 0 and 100, got ${args.errorRatePercent}`);
    p.check(args.certificateExpiryDays >= 1, `certificateExpiryDays must be at least 1, got ${args.certificateExpiryDays}`);
    const regions = args.healthChecks.map((h) => h.region);
    p.check(new Set(regions).size === regions.length, `healthChecks must name each region once, got ${regions.join(", ")}`);
    return p;
}
