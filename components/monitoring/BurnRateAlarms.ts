import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import { description, notifying } from "./alarm";

/**
 * The multi-window, multi-burn-rate pairs of the Google SRE Workbook ("Alerting on SLOs", recommendation 6),
 * rather than the seed's 2x/6x: against a 30-day budget, 14.4x over 1 h spends 2 % of the budget and pages,
 * 6x over 6 h spends 5 % and opens a ticket, each confirmed by a short window of 1/12 of the long one so the
 * alarm clears soon after the burn stops. A 2x burn spends the budget only in 15 days: no page deserves that.
 *
 * CloudWatch limits: a period is 10, 30 or a multiple of 60 s, and period x evaluation periods is at most one
 * day for periods under an hour, seven days otherwise (CloudWatch User Guide, "Using Amazon CloudWatch alarms",
 * and PutMetricAlarm): each window is one point of its own length (300, 1 800, 3 600, 21 600 s), all within.
 */
export const BURN_WINDOWS = {
    page: { burnRate: 14.4, longSeconds: 3_600, shortSeconds: 300 },
    ticket: { burnRate: 6, longSeconds: 21_600, shortSeconds: 1_800 },
} as const;

export type BurnSeverity = keyof typeof BURN_WINDOWS;

/** The error ratio a window must exceed: burn rate x error budget (1 - SLO). */
export function burnThreshold(availabilitySloPercent: number, burnRate: number): number {
    return Number(((burnRate * (100 - availabilitySloPercent)) / 100).toPrecision(6));
}

export interface BurnRateAlarmsArgs {
    readonly namePrefix: string;
    readonly topicArn: pulumi.Input<string>;
    readonly loadBalancerArnSuffix: pulumi.Input<string>;
    readonly availabilitySloPercent: number;
}

/**
 * The API's availability SLO burn in this region, measured at its ALB (5xx from the ALB or the pods over all
 * requests, AWS/ApplicationELB, dimension LoadBalancer). Each severity is a composite alarm `ALARM(long) AND
 * ALARM(short)` (CloudWatch User Guide, "Create a composite alarm"): only the composites notify; the window
 * alarms have no actions of their own. The page composite is what a release gate reads (DescribeAlarms on its
 * name: ALARM halts the rollout).
 */
export class BurnRateAlarms extends pulumi.ComponentResource {
    readonly pageAlarmName: pulumi.Output<string>;
    /** The page composite's ARN: the chaos drills' stop condition (stacks/drillTier.ts). */
    readonly pageAlarmArn: pulumi.Output<string>;
    readonly ticketAlarmName: pulumi.Output<string>;
    readonly alarmArns: pulumi.Output<string>[];

    constructor(name: string, args: BurnRateAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:BurnRateAlarms", name, {}, opts);
        validateArgs(args).throwIfAny(this, "BurnRateAlarms", name);

        const window = (severity: BurnSeverity, which: "long" | "short", seconds: number) => {
            const burn = BURN_WINDOWS[severity].burnRate;
            const metric = (metricName: string, id: string) => ({
                id,
                returnData: false,
                metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: args.loadBalancerArnSuffix }, stat: "Sum", unit: "Count", period: seconds },
            });
            return new aws.cloudwatch.MetricAlarm(
                `${name}-${severity}-${which}`,
                {
                    name: `${args.namePrefix}-api-burn-${severity}-${seconds / 60}m`,
                    alarmDescription: description(`API error ratio over ${seconds / 60} min above ${burn}x the error budget of ${args.availabilitySloPercent} % (one window of the ${severity} burn-rate composite).`, "api-error-budget-burn"),
                    metricQueries: [
                        metric("HTTPCode_ELB_5XX_Count", "elb5xx"),
                        metric("HTTPCode_Target_5XX_Count", "target5xx"),
                        metric("RequestCount", "requests"),
                        { id: "ratio", label: "error ratio", expression: "(FILL(elb5xx, 0) + FILL(target5xx, 0)) / FILL(requests, 1)", returnData: true },
                    ],
                    evaluationPeriods: 1,
                    comparisonOperator: "GreaterThanThreshold",
                    threshold: burnThreshold(args.availabilitySloPercent, burn),
                    treatMissingData: "notBreaching",
                    // Read by the composite only: notifying here too would page twice and on one window alone.
                    actionsEnabled: true,
                    alarmActions: [],
                    okActions: [],
                },
                { parent: this },
            );
        };

        const composite = (severity: BurnSeverity) => {
            const w = BURN_WINDOWS[severity];
            const long = window(severity, "long", w.longSeconds);
            const short = window(severity, "short", w.shortSeconds);
            return new aws.cloudwatch.CompositeAlarm(
                `${name}-${severity}`,
                {
                    alarmName: `${args.namePrefix}-api-burn-${severity}`,
                    alarmDescription: description(
                        `${severity === "page" ? "Page" : "Ticket"}: the API spends its ${args.availabilitySloPercent} % availability budget at over ${w.burnRate}x in both the ${w.longSeconds / 60}-minute and ${w.shortSeconds / 60}-minute windows.`,
                        "api-error-budget-burn",
                    ),
                    alarmRule: pulumi.interpolate`ALARM("${long.name}") AND ALARM("${short.name}")`,
                    ...notifying(args.topicArn),
                },
                { parent: this },
            );
        };

        const page = composite("page");
        const ticket = composite("ticket");
        this.pageAlarmName = page.alarmName;
        this.pageAlarmArn = page.arn;
        this.ticketAlarmName = ticket.alarmName;
        this.alarmArns = [page.arn, ticket.arn];
        this.registerOutputs({ pageAlarmName: this.pageAlarmName, ticketAlarmName: this.ticketAlarmName });
    }
}

function validateArgs(args: BurnRateAlarmsArgs): Problems {
    const p = new Problems();
    // 14.4 x the budget must stay a ratio below 1, or the page window could never fire.
    p.check(args.availabilitySloPercent > 93.1 && args.availabilitySloPercent < 100, `availabilitySloPercent must be above 93.1 and below 100 (14.4x its error budget must be a ratio under 1), got ${args.availabilitySloPercent}`);
    return p;
}
