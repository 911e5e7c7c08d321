import type { ResourceValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { isUnknown, read, show } from "../lib/read";

const BUDGET = "aws:budgets/budget:Budget";
const REMEDIATION = "Give the budget a FORECASTED notification at the warning threshold and an ACTUAL one at 100 %, each with at least one subscriber (components/billing/EnvironmentBudgets.ts)";

interface Notification {
    readonly comparisonOperator?: string;
    readonly threshold?: number;
    readonly thresholdType?: string;
    readonly notificationType?: string;
    readonly subscriberEmailAddresses?: readonly string[];
    readonly subscriberSnsTopicArns?: readonly string[];
}

const heard = (n: Notification) => (n.subscriberEmailAddresses?.length ?? 0) + (n.subscriberSnsTopicArns?.length ?? 0) > 0;
const percentOver = (n: Notification, type: string, atMost: number) =>
    n.notificationType === type && n.thresholdType === "PERCENTAGE" && (n.comparisonOperator === "GREATER_THAN" || n.comparisonOperator === "EQUAL_TO") && typeof n.threshold === "number" && n.threshold <= atMost;

/**
 * Detection of spend: a budget nobody hears, or that speaks only once the money is spent, is no guardrail. The
 * seeds ask for an alert at 80 % of each environment's cap: a forecast notification at or under that share, and
 * an actual one by 100 %.
 */
export const detectBudgetNotifications: ResourceValidationPolicy = {
    name: "intelgraph-detect-budget-notifications",
    description:
        "Detection: every AWS Budgets budget notifies at least one subscriber when forecasted spend reaches the warning share of its limit (seed: 80 %) and when actual spend passes 100 %.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { warnAtPercent: { type: "number", minimum: 1, maximum: 100, default: 80 } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== BUDGET) {
            args.notApplicable("not an AWS Budgets budget");
            return;
        }
        const { warnAtPercent } = args.getConfig<{ warnAtPercent: number }>();
        const value = read(() => JSON.parse(JSON.stringify(args.props.notifications ?? [])) as Notification[]);
        if (isUnknown(value)) return; // inputs of a budget are known at preview; an unknown list is a computed input
        const notifications = value ?? [];
        const subject = subjectOf(args);
        const missing = [
            ...(notifications.some((n) => heard(n) && percentOver(n, "FORECASTED", warnAtPercent)) ? [] : [`a FORECASTED notification at ${warnAtPercent} % or less`]),
            ...(notifications.some((n) => heard(n) && percentOver(n, "ACTUAL", 100)) ? [] : ["an ACTUAL notification at 100 % or less"]),
        ];
        if (missing.length) reportViolation(violationMessage(subject, "notifications", show(notifications), `${missing.join(" and ")}, each with a subscriber`, REMEDIATION));
    },
};
