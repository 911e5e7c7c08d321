import type { StackValidationPolicy } from "@pulumi/policy";
import { stackSubject, violationMessage } from "../lib/message";
import { stackCost } from "../lib/stackCost";

const REMEDIATION = "Right-size node groups, instance classes and node types in the stack file, or raise the stack's budget share in a reviewed policy-config change";

export const costBudget: StackValidationPolicy = {
    name: "intelgraph-cost-budget",
    description:
        "Cost: the stack's estimated monthly infrastructure cost (planned resources x the price table in policy-pack/data, steady state) stays within its share of the environment's budget (seed: prod <= $18k/month for all regions).",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { monthlyBudgetUsd: { type: "number", minimum: 0 } }, required: ["monthlyBudgetUsd"] },
    validateStack: (args, reportViolation) => {
        const { monthlyBudgetUsd } = args.getConfig<{ monthlyBudgetUsd: number }>();
        const cost = stackCost(args.resources);
        const { subject, urn } = stackSubject(args.resources);
        if (cost.unpriced.length) {
            // An estimate with a hole would pass any budget: a missing price blocks until the table has it.
            const why = cost.error ?? `no ${cost.priceTable.region} price for ${cost.unpriced.join(", ")}`;
            reportViolation(violationMessage(subject, "priced items", `${cost.unpriced.length} unpriced`, `every item priced for the stack's region (${why})`, "Add the region's dated, sourced prices to policy-pack/data/aws-prices.json"), urn);
            return;
        }
        if (cost.monthlyUsd > monthlyBudgetUsd) {
            reportViolation(violationMessage(subject, "estimated monthly cost (USD)", cost.monthlyUsd, `at most ${monthlyBudgetUsd} (the stack's budget share)`, REMEDIATION), urn);
        }
    },
};
