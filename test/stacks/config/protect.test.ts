import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config/schema";
import { loadProject, loadStackFile } from "../../../tools/offline/project";
import { problemsOf } from "../../helpers/config";
import { PROJECT_DIR } from "../../helpers/plan";

const project = loadProject(PROJECT_DIR);

function withWaf(stack: string, change: (waf: Record<string, unknown>) => Record<string, unknown>) {
    const config = { ...loadStackFile(project, stack).config };
    config["intelgraph:waf"] = JSON.stringify(change(JSON.parse(config["intelgraph:waf"]) as Record<string, unknown>));
    return () => parseStackConfig(stack, config);
}

const WINDOWS = "one of 60, 120, 300, 600 (the evaluation windows WAF allows, in seconds)";

describe("intelgraph:waf", () => {
    it.each(["us-west-2", "us-east-1"])("parses the committed limits of %s (the secondary's equal the primary's: it takes all traffic after a failover)", (stack) => {
        expect(parseStackConfig(stack, loadStackFile(project, stack).config).waf).toEqual({
            perIp: { limit: 2000, windowSeconds: 300 },
            perTenant: { header: "x-tenant-id", limit: 20000, windowSeconds: 300 },
            blockOutsideZone: false,
            logRetentionDays: 365,
        });
    });

    it.each<[string, (w: Record<string, unknown>) => Record<string, unknown>, string, unknown, string]>([
        ["a 90 s window", (w) => ({ ...w, perIp: { limit: 2000, windowSeconds: 90 } }), "intelgraph:waf.perIp.windowSeconds", 90, WINDOWS],
        ["a limit under WAF's minimum", (w) => ({ ...w, perIp: { limit: 9, windowSeconds: 60 } }), "intelgraph:waf.perIp.limit", 9, "at least 10 requests (WAF's lowest rate limit)"],
        [
            "a tenant header with capitals",
            (w) => ({ ...w, perTenant: { header: "X-Tenant-Id", limit: 100, windowSeconds: 300 } }),
            "intelgraph:waf.perTenant.header",
            "X-Tenant-Id",
            "a lowercase HTTP header name such as x-tenant-id",
        ],
        ["a tenant window of 0", (w) => ({ ...w, perTenant: { header: "x-tenant-id", limit: 100, windowSeconds: 0 } }), "intelgraph:waf.perTenant.windowSeconds", 0, WINDOWS],
        ["a retention CloudWatch Logs does not offer", (w) => ({ ...w, logRetentionDays: 100 }), "intelgraph:waf.logRetentionDays", 100, "one of 30, 60, 90, 120, 150, 180, 365, 400, 545, 731 days (CloudWatch Logs retention values)"],
    ])("rejects %s, naming the file, key and what is allowed", (_, change, key, value, allowed) => {
        expect(problemsOf(withWaf("us-west-2", change))).toEqual([{ file: "Pulumi.us-west-2.yaml", key, value, allowed }]);
    });

    it("rejects an unknown field and a missing key", () => {
        expect(problemsOf(withWaf("us-east-1", (w) => ({ ...w, perCountry: 5 })))).toEqual([
            {
                file: "Pulumi.us-east-1.yaml",
                key: "intelgraph:waf.perCountry",
                value: 5,
                allowed: "no such key in intelgraph:waf; its keys are perIp, perTenant, blockOutsideZone, logRetentionDays",
            },
        ]);
        const config = { ...loadStackFile(project, "us-west-2").config };
        delete config["intelgraph:waf"];
        expect(problemsOf(() => parseStackConfig("us-west-2", config))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:waf", value: undefined, allowed: "an object { perIp, perTenant, blockOutsideZone, logRetentionDays }" },
        ]);
    });
});

function withBackup(stack: string, change: (b: Record<string, unknown>) => Record<string, unknown>, environment?: string) {
    const config = { ...loadStackFile(project, stack).config };
    const backup = change(JSON.parse(config["intelgraph:backup"]) as Record<string, unknown>);
    if (environment) {
        // Another environment's stack is named after it, and so is the vault it copies to.
        config["intelgraph:environment"] = environment;
        backup.copyToVaultArn = String(backup.copyToVaultArn).replace("backup-vault:intelgraph-", `backup-vault:intelgraph-${environment}-`);
    }
    config["intelgraph:backup"] = JSON.stringify(backup);
    const name = environment ? `${environment}-${stack}` : stack;
    return () => parseStackConfig(name, config);
}
const LOCK = { mode: "compliance", minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 14 };
const BUCKET_LOCK = { mode: "COMPLIANCE", days: 42 };
const RESTORE_TESTING = { schedule: "cron(0 14 1 * ? *)", startWindowHours: 8, selectionWindowDays: 7, validationWindowHours: 4 };
const VERIFICATION = { schedule: "0 16 2 * *", awsCliImage: `public.ecr.aws/aws-cli/aws-cli:2.27.0@sha256:${"0".repeat(64)}` };

describe("intelgraph:backup", () => {
    it("parses the committed files: each region copies to the other's vault, compliance lock in prod", () => {
        expect(parseStackConfig("us-west-2", loadStackFile(project, "us-west-2").config).backup).toEqual({
            copyToVaultArn: "arn:aws:backup:us-east-1:123456789012:backup-vault:intelgraph-us-east-1",
            retentionDays: 35,
            continuousRetentionDays: 35,
            lock: LOCK,
            neo4jBucketLock: BUCKET_LOCK,
            restoreTesting: RESTORE_TESTING,
            neo4jVerification: VERIFICATION,
        });
        expect(parseStackConfig("us-east-1", loadStackFile(project, "us-east-1").config).backup.copyToVaultArn).toBe("arn:aws:backup:us-west-2:123456789012:backup-vault:intelgraph-us-west-2");
    });

    it("rejects a copy outside the zone, to its own region, or to a vault that region does not create", () => {
        const allowed = "the vault intelgraph-<region> of this environment's account in another region of zone us (us-east-1, us-east-2, us-west-1): copies never leave the zone";
        for (const arn of [
            "arn:aws:backup:eu-west-1:123456789012:backup-vault:intelgraph-eu-west-1",
            "arn:aws:backup:us-west-2:123456789012:backup-vault:intelgraph-us-west-2",
            "arn:aws:backup:us-east-1:123456789012:backup-vault:other",
            // another account's vault: environments are separate accounts
            "arn:aws:backup:us-east-1:210987654321:backup-vault:intelgraph-us-east-1",
        ]) {
            expect(problemsOf(withBackup("us-west-2", (b) => ({ ...b, copyToVaultArn: arn })))).toEqual([{ file: "Pulumi.us-west-2.yaml", key: "intelgraph:backup.copyToVaultArn", value: arn, allowed }]);
        }
    });

    it("rejects a retention outside the lock bounds and continuous backups beyond 35 days", () => {
        expect(problemsOf(withBackup("us-west-2", (b) => ({ ...b, retentionDays: 500 })))).toEqual([
            {
                file: "Pulumi.us-west-2.yaml",
                key: "intelgraph:backup",
                value: {
                    copyToVaultArn: "arn:aws:backup:us-east-1:123456789012:backup-vault:intelgraph-us-east-1",
                    retentionDays: 500,
                    continuousRetentionDays: 35,
                    lock: LOCK,
                    neo4jBucketLock: BUCKET_LOCK,
                    restoreTesting: RESTORE_TESTING,
                    neo4jVerification: VERIFICATION,
                },
                allowed: "retentionDays and continuousRetentionDays within lock.minRetentionDays..lock.maxRetentionDays (a job outside the vault's lock bounds fails)",
            },
        ]);
        expect(problemsOf(withBackup("us-west-2", (b) => ({ ...b, continuousRetentionDays: 36 })))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:backup.continuousRetentionDays", value: 36, allowed: "at most 35 days (point-in-time recovery of Aurora and S3)" },
        ]);
    });

    it("requires compliance mode with a grace period of at least 3 days in prod, and none with governance", () => {
        const governance = { mode: "governance", minRetentionDays: 7, maxRetentionDays: 400 };
        expect(problemsOf(withBackup("us-east-1", (b) => ({ ...b, lock: governance })))).toEqual([
            { file: "Pulumi.us-east-1.yaml", key: "intelgraph:backup.lock.mode", value: "governance", allowed: "compliance in prod (a governance lock can be removed; compliance is permanent after changeableForDays)" },
        ]);
        expect(() => withBackup("us-east-1", (b) => ({ ...b, lock: governance }), "staging")()).not.toThrow();
        expect(problemsOf(withBackup("us-east-1", (b) => ({ ...b, lock: { ...LOCK, changeableForDays: 2 } })))).toEqual([
            { file: "Pulumi.us-east-1.yaml", key: "intelgraph:backup.lock.changeableForDays", value: 2, allowed: "at least 3 days (the grace period before a compliance lock is permanent)" },
        ]);
        expect(problemsOf(withBackup("us-east-1", (b) => ({ ...b, lock: { ...governance, changeableForDays: 3 } }), "dev")).map((p) => p.key)).toEqual(["intelgraph:backup.lock"]);
    });

    it("locks the Neo4j backup bucket for a whole chain: compliance in prod, governance in staging, never past the bucket's lifecycle", () => {
        expect(parseStackConfig("us-east-1", loadStackFile(project, "us-east-1").config).backup.neo4jBucketLock).toEqual(BUCKET_LOCK);
        expect(parseStackConfig("staging-us-west-2", loadStackFile(project, "staging-us-west-2").config).backup.neo4jBucketLock).toEqual({ mode: "GOVERNANCE", days: 21 });
        expect(problemsOf(withBackup("us-west-2", (b) => ({ ...b, neo4jBucketLock: { mode: "COMPLIANCE", days: 43 } })))).toEqual([
            {
                file: "Pulumi.us-west-2.yaml",
                key: "intelgraph:backup.neo4jBucketLock.days",
                value: 43,
                allowed: "at most 42 (intelgraph:neo4j.backupRetentionDays + fullBackupEveryDays, the backup bucket's lifecycle): a version locked past its expiration is kept and billed until the lock ends",
            },
        ]);
        expect(problemsOf(withBackup("us-west-2", (b) => ({ ...b, neo4jBucketLock: { mode: "compliance", days: 42 } })))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:backup.neo4jBucketLock.mode", value: "compliance", allowed: "one of COMPLIANCE, GOVERNANCE (S3 Object Lock; COMPLIANCE: no one deletes a version before its days pass)" },
        ]);
    });

    it("tests restores monthly at least, with windows AWS Backup accepts", () => {
        const problems = (restoreTesting: Record<string, unknown>) => problemsOf(withBackup("us-east-1", (b) => ({ ...b, restoreTesting: { ...RESTORE_TESTING, ...restoreTesting } })));
        expect(problems({ schedule: "cron(0 14 1 1 ? *)" })).toEqual([
            { file: "Pulumi.us-east-1.yaml", key: "intelgraph:backup.restoreTesting.schedule", value: "cron(0 14 1 1 ? *)", allowed: "a schedule that runs every month (its month field is *): the seed asks for monthly restore tests" },
        ]);
        expect(problems({ schedule: "0 14 1 * *" })).toEqual([
            { file: "Pulumi.us-east-1.yaml", key: "intelgraph:backup.restoreTesting.schedule", value: "0 14 1 * *", allowed: "an AWS Backup cron expression of six fields, such as cron(0 14 1 * ? *) (UTC)" },
        ]);
        expect(problems({ validationWindowHours: 169 })).toEqual([
            { file: "Pulumi.us-east-1.yaml", key: "intelgraph:backup.restoreTesting.validationWindowHours", value: 169, allowed: "at most 168 hours the restored copy is kept for validation before AWS Backup deletes it" },
        ]);
        expect(problems({ startWindowHours: 0 }).map((p) => p.key)).toEqual(["intelgraph:backup.restoreTesting.startWindowHours"]);
        expect(problems({ extra: 1 }).map((p) => [p.key, p.allowed])).toEqual([
            ["intelgraph:backup.restoreTesting.extra", "no such key in intelgraph:backup.restoreTesting; its keys are schedule, startWindowHours, selectionWindowDays, validationWindowHours"],
        ]);
    });
});

describe("image references and the registry cache", () => {
    const config = (stack: string) => ({ ...loadStackFile(project, stack).config });
    const digest = `sha256:${"0".repeat(64)}`;

    it("parses the committed references: every image pinned by digest, the Docker Hub secret of the stack's own region", () => {
        const c = parseStackConfig("us-east-1", config("us-east-1"));
        expect(c.neo4j.image).toBe(`neo4j:5.26.1-enterprise@${digest}`);
        expect(c.eks.loadBalancerController.image).toBe(`public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1@${digest}`);
        expect(c.registry).toEqual({ dockerHubCredentialArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:ecr-pullthroughcache/docker-hub-IntLgr" });
    });

    it("refuses a tag-only Neo4j image, naming the file and key", () => {
        const c = config("us-west-2");
        c["intelgraph:neo4j"] = JSON.stringify({ ...JSON.parse(c["intelgraph:neo4j"]), image: "neo4j:5.26.1-enterprise" });
        expect(problemsOf(() => parseStackConfig("us-west-2", c))).toEqual([
            {
                file: "Pulumi.us-west-2.yaml",
                key: "intelgraph:neo4j.image",
                value: "neo4j:5.26.1-enterprise",
                allowed: "a Neo4j 5 Enterprise image pinned by digest, such as neo4j:5.26.1-enterprise@sha256:<64 hex digits> (a tag alone can be moved to other content)",
            },
        ]);
    });

    it("refuses a tag-only controller image, naming the file and key", () => {
        const c = config("staging-us-east-1");
        const eks = JSON.parse(c["intelgraph:eks"]) as { loadBalancerController: Record<string, unknown> };
        c["intelgraph:eks"] = JSON.stringify({ ...eks, loadBalancerController: { ...eks.loadBalancerController, image: "public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1" } });
        expect(problemsOf(() => parseStackConfig("staging-us-east-1", c))).toEqual([
            {
                file: "Pulumi.staging-us-east-1.yaml",
                key: "intelgraph:eks.loadBalancerController.image",
                value: "public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1",
                allowed: "public.ecr.aws/eks/aws-load-balancer-controller:<tag>@sha256:<64 hex digits>: the controller's image pinned by digest (a tag alone can be moved to other content)",
            },
        ]);
    });

    it("refuses a Docker Hub secret of another region or account, or without the ecr-pullthroughcache/ prefix, and a missing key", () => {
        const withRegistry = (arn: string | undefined) => {
            const c = config("us-east-1");
            if (arn === undefined) delete c["intelgraph:registry"];
            else c["intelgraph:registry"] = JSON.stringify({ dockerHubCredentialArn: arn });
            return problemsOf(() => parseStackConfig("us-east-1", c));
        };
        const west = "arn:aws:secretsmanager:us-west-2:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf";
        expect(withRegistry(west)).toEqual([
            {
                file: "Pulumi.us-east-1.yaml",
                key: "intelgraph:registry.dockerHubCredentialArn",
                value: west,
                allowed: "a secret in us-east-1 of account 123456789012: ECR reads a pull-through cache rule's credentials only from its own account and region",
            },
        ]);
        expect(withRegistry("arn:aws:secretsmanager:us-east-1:210987654321:secret:ecr-pullthroughcache/docker-hub-AbCdEf").map((p) => p.key)).toEqual(["intelgraph:registry.dockerHubCredentialArn"]);
        expect(withRegistry("arn:aws:secretsmanager:us-east-1:123456789012:secret:docker-hub-AbCdEf")).toEqual([
            {
                file: "Pulumi.us-east-1.yaml",
                key: "intelgraph:registry.dockerHubCredentialArn",
                value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:docker-hub-AbCdEf",
                allowed: "the ARN of a Secrets Manager secret named ecr-pullthroughcache/..., such as arn:aws:secretsmanager:us-west-2:123456789012:secret:ecr-pullthroughcache/docker-hub-AbCdEf",
            },
        ]);
        expect(withRegistry(undefined)).toEqual([{ file: "Pulumi.us-east-1.yaml", key: "intelgraph:registry", value: undefined, allowed: "an object { dockerHubCredentialArn }" }]);
    });
});

describe("intelgraph:backup.neo4jVerification", () => {
    const problems = (neo4jVerification: Record<string, unknown>) => problemsOf(withBackup("us-west-2", (b) => ({ ...b, neo4jVerification: { ...VERIFICATION, ...neo4jVerification } })));
    it("runs monthly at least, and its AWS CLI image is pinned by digest", () => {
        expect(problems({ schedule: "0 16 2 6 *" })).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:backup.neo4jVerification.schedule", value: "0 16 2 6 *", allowed: "a schedule that runs every month (its month field is *): the seed asks for monthly restore tests" },
        ]);
        expect(problems({ awsCliImage: "public.ecr.aws/aws-cli/aws-cli:2.27.0" })).toEqual([
            {
                file: "Pulumi.us-west-2.yaml",
                key: "intelgraph:backup.neo4jVerification.awsCliImage",
                value: "public.ecr.aws/aws-cli/aws-cli:2.27.0",
                allowed: "public.ecr.aws/aws-cli/aws-cli:<tag>@sha256:<64 hex digits>: the AWS CLI image pinned by digest (a tag alone can be moved to other content)",
            },
        ]);
    });
});
