import { describe, expect, it } from "vitest";
import { evaluate, stackResources } from "../helpers/policy";

describe("the whole pack on the planned stacks", () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", false],
        ["us-west-2", true],
        ["us-east-1", true],
        ["interconnect-us", false],
        ["interconnect-us", true],
        ["billing", false],
        ["billing", true],
    ] as const)("%s (preview %s): 0 violations of any level and 0 can't-run-during-preview", async (stack, preview) => {
        const result = await evaluate(await stackResources(stack, preview), stack);
        expect(result.violations).toEqual([]);
        expect(result.summary).toMatchObject({ rulesRun: 30, violations: { mandatory: 0, advisory: 0 }, cantRunDuringPreview: 0 });
        // A regional stack has something for every rule but the budgets' (the billing stack's); the others say what they lack.
        // A secondary stack's servers are secondaries: the primaries' capacity rule has nothing to check there.
        const secondaryOnly = stack === "us-east-1" ? [{ policy: "intelgraph-capacity-neo4j", reason: "no Neo4j primary StatefulSets in this stack" }] : [];
        if (stack !== "interconnect-us" && stack !== "billing") expect(result.summary.notApplicable).toEqual([...secondaryOnly, { policy: "intelgraph-detect-budget-notifications", reason: "not an AWS Budgets budget" }]);
        if (stack === "billing") expect(result.summary.notApplicable.map((n) => n.policy)).not.toContain("intelgraph-detect-budget-notifications");
    });
});
