import { describe, expect, it } from "vitest";
import { EnvironmentBudgets } from "../../../components/billing/EnvironmentBudgets";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf } from "../../helpers/plan";

const args = { namePrefix: "intelgraph-prod", accountId: "123456789012", subscribers: ["oncall@example.com"], warnAtPercent: 80, infra: { monthlyUsd: 18000 }, llm: { monthlyUsd: 5000, services: ["Amazon Bedrock"] } };

describe("EnvironmentBudgets", () => {
    it("budgets the account's monthly cost at each cap, the LLM one over its services, notifying at 80 % forecasted and past 100 % actual", async () => {
        const plan = await planComponent((p) => new EnvironmentBudgets("budgets", args, { provider: p.aws }));
        const budgets = plan.ofType("aws:budgets/budget:Budget").map(inputsOf);
        expect(budgets.map((b) => [b.name, b.budgetType, b.timeUnit, b.limitAmount, b.limitUnit, b.accountId])).toEqual([
            ["intelgraph-prod-infra", "COST", "MONTHLY", "18000.00", "USD", "123456789012"],
            ["intelgraph-prod-llm", "COST", "MONTHLY", "5000.00", "USD", "123456789012"],
        ]);
        expect(budgets[0].costFilters).toBeUndefined();
        expect(budgets[1].costFilters).toEqual([{ name: "Service", values: ["Amazon Bedrock"] }]);
        for (const b of budgets) {
            expect(b.notifications).toEqual([
                { comparisonOperator: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", subscriberEmailAddresses: ["oncall@example.com"] },
                { comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", notificationType: "ACTUAL", subscriberEmailAddresses: ["oncall@example.com"] },
            ]);
        }
    });

    it("refuses a budget nobody hears", async () => {
        const plan = await planComponent((p) => new EnvironmentBudgets("budgets", { ...args, subscribers: [] }, { provider: p.aws }));
        expectRefused(plan, EnvironmentBudgets, "EnvironmentBudgets: at least one subscriber (a budget nobody hears is no alert)");
    });
});
