import * as aws from "@pulumi/aws";
import { EnvironmentBudgets } from "../components/billing/EnvironmentBudgets";
import { BUDGETS_REGION, type BillingStackConfig } from "./config/billing";
import type { BillingStackOutputs, ProgramOutputs } from "./outputs";

/**
 * The environment's budgets. AWS Budgets is a global service whose API is served from us-east-1 (AWS General
 * Reference, "AWS Budgets endpoints"), so its one provider is there, pinned to the environment's account. It is
 * not in any failover path: while us-east-1 is down the budgets cannot change, and nothing else waits on them.
 */
export async function billingStack(config: BillingStackConfig): Promise<ProgramOutputs<BillingStackOutputs>> {
    const provider = new aws.Provider(`aws-${BUDGETS_REGION}`, {
        region: BUDGETS_REGION,
        allowedAccountIds: [config.accountId],
        // No residency tags: budgets hold no data and belong to no zone; the ownership tags still apply.
        defaultTags: { tags: { owner: config.residency.owner, environment: config.residency.environment, "cost-centre": config.residency.costCentre, "managed-by": "pulumi", "pulumi-stack": config.stack } },
    });
    const { budgets } = config;
    const envBudgets = new EnvironmentBudgets(
        "budgets",
        {
            namePrefix: `intelgraph-${config.residency.environment}`,
            accountId: config.accountId,
            subscribers: budgets.subscribers,
            warnAtPercent: budgets.warnAtPercent,
            infra: { monthlyUsd: budgets.infraMonthlyUsd },
            ...(budgets.llm ? { llm: { monthlyUsd: budgets.llm.monthlyUsd, services: budgets.llm.services } } : {}),
        },
        { providers: [provider] },
    );
    return { environment: config.residency.environment, budgetNames: envBudgets.budgetNames };
}
