/**
 * Schemas of the protection keys (intelgraph:waf). The limits WAF accepts come from the component
 * (components/edge/wafRules.ts), so the stack file and the component refuse the same values.
 */
import { z } from "zod";
import { WAF_EVALUATION_WINDOWS, WAF_MAX_RATE_LIMIT, WAF_MIN_RATE_LIMIT, type WafEvaluationWindow, isHeaderName } from "../../components/edge/wafRules";

const limit = z
    .number({ error: `a whole number of requests from ${WAF_MIN_RATE_LIMIT} to ${WAF_MAX_RATE_LIMIT} (WAF's lowest rate limit is ${WAF_MIN_RATE_LIMIT})` })
    .int({ error: `a whole number of requests from ${WAF_MIN_RATE_LIMIT} to ${WAF_MAX_RATE_LIMIT}` })
    .min(WAF_MIN_RATE_LIMIT, { error: `at least ${WAF_MIN_RATE_LIMIT} requests (WAF's lowest rate limit)` })
    .max(WAF_MAX_RATE_LIMIT, { error: `at most ${WAF_MAX_RATE_LIMIT} requests` });
const windowSeconds = z
    .number({ error: `one of ${WAF_EVALUATION_WINDOWS.join(", ")} (the evaluation windows WAF allows, in seconds)` })
    .refine((v): v is WafEvaluationWindow => (WAF_EVALUATION_WINDOWS as readonly number[]).includes(v), {
        error: `one of ${WAF_EVALUATION_WINDOWS.join(", ")} (the evaluation windows WAF allows, in seconds)`,
    })
    .transform((v) => v as WafEvaluationWindow);

const rate = z.object({ limit, windowSeconds }, { error: "an object { limit, windowSeconds }" }).strict();

export const wafSchema = z
    .object(
        {
            perIp: rate,
            perTenant: z
                .object(
                    {
                        header: z.string({ error: "a lowercase HTTP header name such as x-tenant-id" }).refine(isHeaderName, { error: "a lowercase HTTP header name such as x-tenant-id" }),
                        limit,
                        windowSeconds,
                    },
                    { error: "an object { header, limit, windowSeconds }" },
                )
                .strict(),
            /** Block clients outside the residency zone's countries (policy-pack/contracts/residency.ts). */
            blockOutsideZone: z.boolean({ error: "true or false" }),
            logRetentionDays: z
                .number({ error: "a CloudWatch Logs retention such as 90, 365 or 400 days" })
                .refine((v) => [30, 60, 90, 120, 150, 180, 365, 400, 545, 731].includes(v), { error: "one of 30, 60, 90, 120, 150, 180, 365, 400, 545, 731 days (CloudWatch Logs retention values)" }),
        },
        { error: "an object { perIp, perTenant, blockOutsideZone, logRetentionDays }" },
    )
    .strict();

export type WafConfig = z.infer<typeof wafSchema>;
