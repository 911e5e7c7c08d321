/**
 * The billing stack of an environment (its AWS account): the AWS Budgets of the seeds' cost caps. Budgets are
 * account-wide, so they live in a stack of their own, never in a regional one (a regional stack's resources stay
 * in its region) nor in an interconnect (one per zone: two zones would budget the account twice).
 */
import { z } from "zod";
import { type Residency, billingStackNames, zoneAllowsRegion } from "./residency";

/** AWS Budgets is served from us-east-1 (AWS General Reference, "AWS Budgets endpoints"). */
export const BUDGETS_REGION = "us-east-1";
import { parseKeyed } from "./keyed";
import { ConfigError, keySchemas } from "./schema";

export interface BudgetsConfig {
    /** Who is told; at least one (AWS Budgets allows up to 10 email subscribers per notification). */
    readonly subscribers: readonly string[];
    /** The environment's monthly infrastructure cap (seed: dev $1k, staging $3k, prod $18k). */
    readonly infraMonthlyUsd: number;
    /** The LLM cap (seed: $5k in prod), over the AWS services that bill LLM use. */
    readonly llm?: { readonly monthlyUsd: number; readonly services: readonly string[] };
    /** Forecasted spend at this share of a cap notifies (seed: 80 %); actual spend past 100 % always does. */
    readonly warnAtPercent: number;
}

export interface BillingStackConfig {
    readonly role: "billing";
    readonly stack: string;
    readonly file: string;
    readonly accountId: string;
    readonly residency: Residency;
    /** The environment's primary regional stack: its runner and identities preview and deploy this one. */
    readonly primaryStack: string;
    readonly budgets: BudgetsConfig;
}

const usd = (what: string) => z.number({ error: `a monthly amount in USD (${what})` }).positive({ error: `a positive monthly amount in USD (${what})` });

export const budgetsSchema = z
    .object(
        {
            // AWS Budgets: "You can have up to 10 email subscribers" per notification (Budgets API, Subscriber / quotas).
            subscribers: z
                .array(z.string().regex(/^[^@\s]+@[^@\s]+\.[^@\s]+$/, { error: "email addresses" }), { error: "a list of email addresses" })
                .min(1, { error: "at least one email address" })
                .max(10, { error: "at most 10 email addresses (AWS Budgets' limit per notification)" }),
            infraMonthlyUsd: usd("the environment's infrastructure cap"),
            llm: z
                .object(
                    {
                        monthlyUsd: usd("the LLM cap"),
                        // Cost Explorer's SERVICE dimension values (`aws ce get-dimension-values --dimension SERVICE`).
                        services: z.array(z.string().min(1), { error: "Cost Explorer service names such as Amazon Bedrock" }).min(1, { error: "at least one service" }).default(["Amazon Bedrock"]),
                    },
                    { error: "an object { monthlyUsd, services? }" },
                )
                .strict()
                .optional(),
            warnAtPercent: z.number({ error: "a percentage from 1 to 100" }).min(1, { error: "a percentage from 1 to 100" }).max(100, { error: "a percentage from 1 to 100" }).default(80),
        },
        { error: "an object { subscribers, infraMonthlyUsd, llm?, warnAtPercent? }" },
    )
    .strict();

const stackName = z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)?$/, { error: "a stack name or org/project/stack" });

const BILLING_KEYS = {
    "pulumi:disable-default-providers": keySchemas["pulumi:disable-default-providers"],
    "intelgraph:role": z.literal("billing"),
    // Pulumi.yaml requires every stack to set it (the CLI refuses a stack without it): here the zone of the
    // stack's only region, us-east-1, where AWS Budgets is served.
    "intelgraph:residencyZone": keySchemas["intelgraph:residencyZone"].refine((z) => zoneAllowsRegion(z, BUDGETS_REGION), { error: `the zone of ${BUDGETS_REGION}, AWS Budgets' endpoint: us` }),
    "intelgraph:owner": keySchemas["intelgraph:owner"],
    "intelgraph:environment": keySchemas["intelgraph:environment"],
    "intelgraph:costCentre": keySchemas["intelgraph:costCentre"],
    "intelgraph:accountId": keySchemas["intelgraph:accountId"],
    "intelgraph:primaryStack": stackName.refine((s) => s !== "", { error: "the environment's primary regional stack (e.g. us-west-2), whose runner deploys this one" }),
    "intelgraph:budgets": budgetsSchema,
} as const;
type BillingKey = keyof typeof BILLING_KEYS;
const JSON_KEYS: readonly BillingKey[] = ["pulumi:disable-default-providers", "intelgraph:budgets"];

/** Parses a billing stack file; every problem at once, unknown keys (a region's among them) included. */
export function parseBillingConfig(stack: string, config: Readonly<Record<string, string | undefined>>): BillingStackConfig {
    const { file, data: c, problems } = parseKeyed(stack, config, BILLING_KEYS, JSON_KEYS, "unset: AWS Budgets is account-wide (its API is served from us-east-1)");
    if (!c) throw new ConfigError(problems);
    const names = billingStackNames(c["intelgraph:environment"]);
    if (!names.includes(stack)) {
        problems.push({ file, key: "intelgraph:environment", value: c["intelgraph:environment"], allowed: `the environment the stack "${stack}" is named after: the ${c["intelgraph:environment"]} billing stack is named ${names.join(" or ")}` });
    }
    if (problems.length) throw new ConfigError(problems);
    return {
        role: "billing",
        stack,
        file,
        accountId: c["intelgraph:accountId"],
        residency: { zone: c["intelgraph:residencyZone"], owner: c["intelgraph:owner"], environment: c["intelgraph:environment"], costCentre: c["intelgraph:costCentre"] },
        primaryStack: c["intelgraph:primaryStack"],
        budgets: c["intelgraph:budgets"],
    };
}
