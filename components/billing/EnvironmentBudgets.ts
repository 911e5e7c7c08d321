import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface BudgetCap {
    readonly monthlyUsd: number;
    /** Cost Explorer SERVICE values the budget counts; all of the account's spend when absent. */
    readonly services?: readonly string[];
}

export interface EnvironmentBudgetsArgs {
    /** Budget names start with it: `intelgraph-<env>-infra`. */
    readonly namePrefix: string;
    readonly accountId: string;
    readonly subscribers: readonly string[];
    readonly warnAtPercent: number;
    readonly infra: BudgetCap;
    readonly llm?: BudgetCap;
}

/**
 * The environment's AWS Budgets: a monthly cost budget per cap, each notifying its subscribers when the
 * forecast reaches `warnAtPercent` of the cap and when actual spend passes it. A budget filtered by a tag sees
 * spend only once that tag is an activated cost-allocation tag of the paying account, and activation refuses a
 * tag AWS has not yet seen on a billed resource (Billing User Guide, "Activating user-defined cost allocation
 * tags"): a first `pulumi up` in a fresh account would fail. The LLM budget filters by service instead.
 */
export class EnvironmentBudgets extends pulumi.ComponentResource {
    readonly budgetNames: pulumi.Output<string>[];

    constructor(name: string, args: EnvironmentBudgetsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:billing:EnvironmentBudgets", name, {}, opts);
        if (!args.subscribers.length) throw new pulumi.ResourceError("EnvironmentBudgets: at least one subscriber (a budget nobody hears is no alert)", this);
        const notifications = [
            // Forecasted: warns while there is still time to act; actual past 100 %: the cap is exceeded.
            { comparisonOperator: "GREATER_THAN", threshold: args.warnAtPercent, thresholdType: "PERCENTAGE", notificationType: "FORECASTED", subscriberEmailAddresses: [...args.subscribers] },
            { comparisonOperator: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", notificationType: "ACTUAL", subscriberEmailAddresses: [...args.subscribers] },
        ];
        const budget = (kind: string, cap: BudgetCap) =>
            new aws.budgets.Budget(
                `${name}-${kind}`,
                {
                    name: `${args.namePrefix}-${kind}`,
                    accountId: args.accountId,
                    budgetType: "COST",
                    timeUnit: "MONTHLY",
                    limitAmount: cap.monthlyUsd.toFixed(2),
                    limitUnit: "USD",
                    ...(cap.services ? { costFilters: [{ name: "Service", values: [...cap.services] }] } : {}),
                    notifications,
                },
                { parent: this },
            );
        const budgets = [budget("infra", args.infra), ...(args.llm ? [budget("llm", args.llm)] : [])];
        this.budgetNames = budgets.map((b) => b.name);
        this.registerOutputs({ budgetNames: this.budgetNames });
    }
}
