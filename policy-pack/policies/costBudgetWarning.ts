import type { StackValidationPolicy } from "@pulumi/policy";
import { stackSubject, violationMessage } from "../lib/message";
import { stackCost } from "../lib/stackCost";

export const costBudgetWarning: StackValidationPolicy = {
    name: "intelgraph-cost-budget-warning",
    description: "Cost: warns (advisory) when the stack's estimated monthly cost passes warnAtPercent (80 %) of its budget share, before the mandatory budget rule blocks.",
    enforcementLevel: "advisory",
    remediationSteps: "Review the cost lines of the plan report and plan the right-sizing or the budget change before the mandatory limit is reached.",
    configSchema: { properties: { monthlyBudgetUsd: { type: "number", minimum: 0 }, warnAtPercent: { type: "number", minimum: 1, maximum: 100, default: 80 } }, required: ["monthlyBudgetUsd"] },
    validateStack: (args, reportViolation) => {
        const { monthlyBudgetUsd, warnAtPercent } = args.getConfig<{ monthlyBudgetUsd: number; warnAtPercent: number }>();
        const cost = stackCost(args.resources);
        const limit = Math.round(monthlyBudgetUsd * warnAtPercent) / 100;
        if (cost.monthlyUsd > limit && cost.monthlyUsd <= monthlyBudgetUsd) {
            const { subject, urn } = stackSubject(args.resources);
            reportViolation(violationMessage(subject, "estimated monthly cost (USD)", cost.monthlyUsd, `at most ${limit} (${warnAtPercent} % of the ${monthlyBudgetUsd} budget share)`, "Review the cost lines of the plan report"), urn);
        }
    },
};
