import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-detect-budget-notifications";
const BUDGET = "aws:budgets/budget:Budget";
const FIX = "Give the budget a FORECASTED notification at the warning threshold and an ACTUAL one at 100 %, each with at least one subscriber (components/billing/EnvironmentBudgets.ts).";

describe(RULE, () => {
    it.each([
        ["billing", false],
        ["billing", true],
        ["staging-billing", false],
    ] as const)("passes the compliant %s stack (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("flags a budget that only speaks once the cap is spent (no forecast notification at 80 %)", async () => {
        const resources = await stackResources("billing");
        const actualOnly = [{ comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", notificationType: "ACTUAL", subscriberEmailAddresses: ["a@example.com"] }];
        setProp(byName(resources, "budgets-infra", BUDGET), "notifications", actualOnly);
        expect(await messages(resources, "billing", RULE)).toEqual([
            `${BUDGET} 'budgets-infra' (us-east-1): notifications is ${JSON.stringify(JSON.stringify(actualOnly))}; required: a FORECASTED notification at 80 % or less, each with a subscriber. ${FIX}`,
        ]);
    });

    it("flags a budget nobody hears", async () => {
        const resources = await stackResources("billing");
        const silent = [
            { comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", subscriberEmailAddresses: [] },
            { comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", notificationType: "ACTUAL", subscriberEmailAddresses: [] },
        ];
        setProp(byName(resources, "budgets-llm", BUDGET), "notifications", silent);
        const [m] = await messages(resources, "billing", RULE);
        expect(m).toMatch(/^aws:budgets\/budget:Budget 'budgets-llm' \(us-east-1\): notifications is .*; required: a FORECASTED notification at 80 % or less and an ACTUAL notification at 100 % or less, each with a subscriber\. /);
    });
});
