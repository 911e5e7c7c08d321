import type { StackValidationPolicy } from "@pulumi/policy";
import { withDefaults } from "../lib/config";
import { violationMessage } from "../lib/message";
import { homeRegion } from "../lib/resources";
import { stackCost } from "../lib/stackCost";

export const costBudgetWarning: StackValidationPolicy = {
    name: "intelgraph-cost-budget-warning",
    description: "Cost: warns (advisory) when the stack's estimated monthly cost passes warnAtPercent (80 %) of its budget share, before the mandatory budget rule blocks.",
    enforcementLevel: "advisory",
    remediationSteps: "Review the cost lines of the plan report and plan the right-sizing or the budget change before the mandatory limit is reached.",
    configSchema: { properties: { monthlyBudgetUsd: { type: "number", minimum: 0 }, warnAtPercent: { type: "number", minimum: 1, maximum: 100, default: 80 } }, required: ["monthlyBudgetUsd"] },
    validateStack: (args, reportViolation) => {
        const { monthlyBudgetUsd, warnAtPercent } = withDefaults({ monthlyBudgetUsd: Number.POSITIVE_INFINITY, warnAtPercent: 80 }, args.getConfig());
        const cost = stackCost(args.resources);
        const limit = Math.round(monthlyBudgetUsd * warnAtPercent) / 100;
        const root = args.resources.find((r) => r.type === "pulumi:pulumi:Stack");
        if (cost.monthlyUsd > limit && cost.monthlyUsd <= monthlyBudgetUsd) {
            reportViolation(
                violationMessage({ type: "pulumi:pulumi:Stack", name: root?.name ?? "stack", region: homeRegion(args.resources) }, "estimated monthly cost (USD)", cost.monthlyUsd, `at most ${limit} (${warnAtPercent} % of the ${monthlyBudgetUsd} budget share)`, "Review the cost lines of the plan report"),
                root?.urn,
            );
        }
    },
};
