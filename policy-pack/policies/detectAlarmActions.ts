import type { StackValidationPolicy } from "@pulumi/policy";
import { COMPOSITE_ALARM, METRIC_ALARM, actionFacts, alarmsReadBy } from "../lib/alarms";
import { subjectOf, violationMessage } from "../lib/message";
import { ofType } from "../lib/stack";

const REMEDIATION = "Give the alarm the region's NotificationTopic as its alarm action (components/monitoring/alarm.ts notifying), or read it from a composite alarm that has one";

/**
 * Detection: an alarm that notifies nobody detects nothing. Every alarm notifies an SNS topic of its own region
 * encrypted with that region's key, except the windows a composite alarm reads, when that composite notifies
 * (one page for both windows, not one per window).
 */
export const detectAlarmActions: StackValidationPolicy = {
    name: "intelgraph-detect-alarm-actions",
    description:
        "Detection: every CloudWatch alarm has actions enabled and an alarm action that is an SNS topic of its own region encrypted with a key of that region, unless a composite alarm that has one reads it.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const alarms = ofType(args.resources, METRIC_ALARM);
        const composites = ofType(args.resources, COMPOSITE_ALARM);
        if (!alarms.length && !composites.length) args.notApplicable("no CloudWatch alarm in this stack");
        const notifyingComposites = composites.filter((c) => actionFacts(c, args.resources).notifiesRegionalTopic);
        const readByNotifying = new Set(notifyingComposites.flatMap((c) => alarmsReadBy(c, alarms)));
        for (const a of [...alarms, ...composites]) {
            if (readByNotifying.has(a)) continue;
            const facts = actionFacts(a, args.resources);
            if (facts.notifiesRegionalTopic) continue;
            const subject = subjectOf(a);
            reportViolation(violationMessage(subject, "alarmActions", facts.observed, `an SNS topic of ${subject.region ?? "its region"} encrypted with a key of that region (or a notifying composite alarm reading this one)`, REMEDIATION), a.urn);
        }
    },
};
