import { describe, expect, it } from "vitest";
import { evaluate, packConfig, stackResources } from "../../helpers/policy";

const withBudget = (stack: string, budget: number) => {
    const config = packConfig(stack);
    config["intelgraph-cost-budget"] = { monthlyBudgetUsd: budget };
    config["intelgraph-cost-budget-warning"] = { monthlyBudgetUsd: budget, warnAtPercent: 80 };
    return config;
};

describe("intelgraph-cost-budget and -warning", () => {
    it("pass the planned stacks within their budget shares", async () => {
        for (const stack of ["us-west-2", "us-east-1"]) {
            const result = await evaluate(await stackResources(stack), stack, "intelgraph-cost-budget");
            expect(result.violations).toEqual([]);
        }
    });

    it("blocks (mandatory) a stack over its budget share", async () => {
        const result = await evaluate(await stackResources("us-west-2"), "us-west-2", "intelgraph-cost-budget", withBudget("us-west-2", 2000));
        expect(result.violations.map((v) => [v.enforcementLevel, v.message])).toEqual([
            ["mandatory", "pulumi:pulumi:Stack 'intelgraph-us-west-2' (us-west-2): estimated monthly cost (USD) is 2943.4; required: at most 2000 (the stack's budget share). Right-size node groups, instance classes and node types in the stack file, or raise the stack's budget share in a reviewed policy-config change."],
        ]);
    });

    it("warns (advisory) past 80 % of the budget share", async () => {
        const result = await evaluate(await stackResources("us-west-2"), "us-west-2", "intelgraph-cost-budget-warning", withBudget("us-west-2", 3000));
        expect(result.violations.map((v) => [v.enforcementLevel, v.message])).toEqual([
            ["advisory", "pulumi:pulumi:Stack 'intelgraph-us-west-2' (us-west-2): estimated monthly cost (USD) is 2943.4; required: at most 2400 (80 % of the 3000 budget share). Review the cost lines of the plan report."],
        ]);
    });
});
