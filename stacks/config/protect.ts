/**
 * Schemas of the protection keys (intelgraph:waf, intelgraph:backup). The limits WAF accepts come from the component
 * (components/edge/wafRules.ts), so the stack file and the component refuse the same values.
 */
import { z } from "zod";
import { LOCK_MODES, MAX_CONTINUOUS_RETENTION_DAYS, MIN_CHANGEABLE_FOR_DAYS, withinLock } from "../../components/storage/backupRules";
import { OBJECT_LOCK_MODES } from "../../components/storage/SecureBucket";
import { AWS_CRON } from "../../components/storage/RestoreTesting";
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

const days = (what: string, min: number, max: number) =>
    z.number({ error: `a whole number of days (${what}) from ${min} to ${max}` }).int({ error: `a whole number of days (${what}) from ${min} to ${max}` }).min(min, { error: `at least ${min} days (${what})` }).max(max, { error: `at most ${max} days (${what})` });

const count = (what: string, min: number, max: number) =>
    z.number({ error: `a whole number of ${what} from ${min} to ${max}` }).int({ error: `a whole number of ${what} from ${min} to ${max}` }).min(min, { error: `at least ${min} ${what}` }).max(max, { error: `at most ${max} ${what}` });

const lock = z
    .object(
        {
            mode: z.enum(LOCK_MODES, { error: `one of ${LOCK_MODES.join(", ")} (compliance becomes immutable after changeableForDays)` }),
            minRetentionDays: days("the shortest retention the vault accepts", 1, 36500),
            maxRetentionDays: days("the longest retention the vault accepts", 1, 36500),
            changeableForDays: days("the grace period before a compliance lock is permanent", MIN_CHANGEABLE_FOR_DAYS, 365).optional(),
        },
        { error: "an object { mode, minRetentionDays, maxRetentionDays, changeableForDays? }" },
    )
    .strict()
    .refine((l) => l.minRetentionDays <= l.maxRetentionDays, { error: "minRetentionDays <= maxRetentionDays" })
    .refine((l) => (l.mode === "compliance") === (l.changeableForDays !== undefined), {
        error: `changeableForDays (at least ${MIN_CHANGEABLE_FOR_DAYS}) with mode compliance, and none with governance (AWS Backup locks in compliance mode only with ChangeableForDays)`,
    });

const VAULT_ARN = "a backup vault ARN such as arn:aws:backup:us-east-1:123456789012:backup-vault:intelgraph-us-east-1";
export const VAULT_ARN_PATTERN = /^arn:aws[a-z-]*:backup:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):backup-vault:([A-Za-z0-9_-]{2,50})$/;

export const backupSchema = z
    .object(
        {
            /**
             * The vault of the zone's other region that receives this region's copies, by ARN: the plan names it
             * without any call to that region (a region-down deploy still plans), and the stack file says where
             * copies go in words an auditor reads.
             */
            copyToVaultArn: z
                .string({ error: VAULT_ARN })
                .regex(VAULT_ARN_PATTERN, { error: VAULT_ARN }),
            retentionDays: days("daily recovery points, here and in the copy", 1, 36500),
            continuousRetentionDays: days("point-in-time recovery of Aurora and S3", 1, MAX_CONTINUOUS_RETENTION_DAYS),
            lock,
            /**
             * S3 Object Lock default retention of the Neo4j backup bucket (and so of its replica: S3 replicates a
             * locked object only into a locked bucket, and every region's bucket is built the same way). Days at most
             * the bucket's lifecycle (neo4j.backupRetentionDays + neo4j.fullBackupEveryDays), checked in schema.ts.
             */
            neo4jBucketLock: z
                .object(
                    {
                        mode: z.enum(OBJECT_LOCK_MODES, { error: `one of ${OBJECT_LOCK_MODES.join(", ")} (S3 Object Lock; COMPLIANCE: no one deletes a version before its days pass)` }),
                        days: days("every new backup object version is write-once", 1, 36500),
                    },
                    { error: "an object { mode, days }" },
                )
                .strict(),
            /** AWS Backup restore testing of the Aurora cluster and the Neo4j volumes (components/storage/RestoreTesting.ts). */
            restoreTesting: z
                .object(
                    {
                        // Monthly at least (the seed's monthly restore tests): the month field must be "*".
                        schedule: z
                            .string({ error: "an AWS Backup cron running every month, such as cron(0 14 1 * ? *)" })
                            .regex(AWS_CRON, { error: "an AWS Backup cron expression of six fields, such as cron(0 14 1 * ? *) (UTC)" })
                            .refine((c) => c.slice(5, -1).trim().split(/\s+/)[3] === "*", { error: "a schedule that runs every month (its month field is *): the seed asks for monthly restore tests" }),
                        startWindowHours: count("hours AWS Backup may wait to start the restores", 1, 168),
                        selectionWindowDays: days("the newest recovery point of this window is restored", 1, 365),
                        validationWindowHours: count("hours the restored copy is kept for validation before AWS Backup deletes it", 1, 168),
                    },
                    { error: "an object { schedule, startWindowHours, selectionWindowDays, validationWindowHours }" },
                )
                .strict(),
            /** The Neo4j backup verification job (components/graph/backupVerification.ts). */
            neo4jVerification: z
                .object(
                    {
                        // Kubernetes cron, UTC; monthly at least: its month field must be "*".
                        schedule: z
                            .string({ error: "a five-field cron schedule running every month, such as \"0 16 2 * *\"" })
                            .regex(/^(\S+\s+){4}\S+$/, { error: "a five-field cron schedule such as \"0 16 2 * *\" (UTC)" })
                            .refine((c) => c.trim().split(/\s+/)[3] === "*", { error: "a schedule that runs every month (its month field is *): the seed asks for monthly restore tests" }),
                        awsCliImage: z
                            .string({ error: "public.ecr.aws/aws-cli/aws-cli:<tag>@sha256:<64 hex digits>" })
                            .regex(/^public\.ecr\.aws\/aws-cli\/aws-cli:[\w][\w.-]*@sha256:[0-9a-f]{64}$/, {
                                error: "public.ecr.aws/aws-cli/aws-cli:<tag>@sha256:<64 hex digits>: the AWS CLI image pinned by digest (a tag alone can be moved to other content)",
                            }),
                    },
                    { error: "an object { schedule, awsCliImage }" },
                )
                .strict(),
        },
        { error: "an object { copyToVaultArn, retentionDays, continuousRetentionDays, lock, neo4jBucketLock, restoreTesting, neo4jVerification }" },
    )
    .strict()
    .refine((b) => withinLock(b.retentionDays, b.lock) && withinLock(b.continuousRetentionDays, b.lock), {
        error: "retentionDays and continuousRetentionDays within lock.minRetentionDays..lock.maxRetentionDays (a job outside the vault's lock bounds fails)",
    });

export type BackupConfig = z.infer<typeof backupSchema>;

const SECRET_ARN = "the ARN of a Secrets Manager secret named ecr-pullthroughcache/..., such as arn:aws:secretsmanager:us-west-2:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf";

/**
 * The region's ECR pull-through cache (components/registry/RegistryCache.ts). Docker Hub requires credentials: a
 * Secrets Manager secret { username, accessToken } named ecr-pullthroughcache/... in this stack's account and
 * region, created before the first deploy and never in the stack file (README, "A real deploy").
 */
export const registrySchema = z
    .object(
        {
            dockerHubCredentialArn: z
                .string({ error: SECRET_ARN })
                .regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache\/[A-Za-z0-9/_+=.@-]+$/, { error: SECRET_ARN }),
        },
        { error: "an object { dockerHubCredentialArn }" },
    )
    .strict();

export type RegistryConfig = z.infer<typeof registrySchema>;
