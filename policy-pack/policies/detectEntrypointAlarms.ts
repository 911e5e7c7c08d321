import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { COMPOSITE_ALARM, METRIC_ALARM, actionFacts, alarmsReadBy, longestPeriod, watches } from "../lib/alarms";
import { subjectOf, violationMessage } from "../lib/message";
import { read } from "../lib/read";
import { ofType } from "../lib/stack";

const LB = "aws:lb/loadBalancer:LoadBalancer";
const FIVE_XX = ["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count"];
/**
 * The two burn-rate severities, told apart by their long window: a fast burn (long window of at most an hour)
 * pages, a slow burn (longer) opens a ticket (Google SRE Workbook, "Alerting on SLOs"); both are required.
 */
const SEVERITIES = [
    { label: "fast burn-rate alarm", fits: (seconds: number) => seconds <= 3_600, what: "long window of at most 1 h" },
    { label: "slow burn-rate alarm", fits: (seconds: number) => seconds > 3_600, what: "long window over 1 h" },
] as const;

const REMEDIATION = "Declare the entry's EdgeAlarms and BurnRateAlarms (stacks/monitoring.ts) on this load balancer, notifying the region's NotificationTopic";

/**
 * Detection: an internet-facing load balancer is where users see a region fail. It needs an alarm on its 5xx
 * rate that notifies the region's topic, and a burn-rate composite alarm (two or more 5xx-ratio windows
 * combined, so a page needs both) that notifies it too, which is also what a release gate reads.
 */
export const detectEntrypointAlarms: StackValidationPolicy = {
    name: "intelgraph-detect-entrypoint-alarms",
    description:
        "Detection: every internet-facing load balancer has a 5xx alarm (HTTPCode_ELB_5XX_Count / HTTPCode_Target_5XX_Count on its LoadBalancer dimension) and two burn-rate composite alarms over at least two such windows each (a fast burn, long window up to 1 h, and a slow one), each notifying an SNS topic of its region encrypted with a key of that region.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const lbs = ofType(args.resources, LB).filter((lb) => read(() => lb.props.internal) !== true);
        if (!lbs.length) args.notApplicable("no internet-facing load balancer in this stack");
        const alarms = ofType(args.resources, METRIC_ALARM);
        const composites = ofType(args.resources, COMPOSITE_ALARM);
        for (const lb of lbs) {
            const suffix = read(() => lb.props.arnSuffix);
            const onLb = (a: PolicyResource) => watches(a, lb, FIVE_XX, "LoadBalancer", (v) => v === suffix);
            const subject = subjectOf(lb);
            const where = subject.region ?? "its region";
            const fiveXx = alarms.filter(onLb);
            const notifying = fiveXx.filter((a) => actionFacts(a, args.resources).notifiesRegionalTopic);
            if (!notifying.length) {
                reportViolation(violationMessage(subject, "5xx alarm", fiveXx.length ? "without a notifying action" : undefined, `a CloudWatch alarm on its 5xx counts notifying an SNS topic of ${where} encrypted with a key of that region`, REMEDIATION), lb.urn);
            }
            for (const severity of SEVERITIES) {
                const burn = composites.filter((c) => {
                    const windows = alarmsReadBy(c, alarms).filter(onLb);
                    const longest = Math.max(...windows.map((w) => longestPeriod(w) ?? 0));
                    return windows.length >= 2 && severity.fits(longest);
                });
                if (burn.some((c) => actionFacts(c, args.resources).notifiesRegionalTopic)) continue;
                reportViolation(
                    violationMessage(
                        subject,
                        severity.label,
                        burn.length ? "without a notifying action" : undefined,
                        `a composite alarm over at least two 5xx-ratio windows of it (${severity.what}) notifying an SNS topic of ${where} encrypted with a key of that region`,
                        REMEDIATION,
                    ),
                    lb.urn,
                );
            }
        }
    },
};
