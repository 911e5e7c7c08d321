/** What a deploy of each regional stack creates for restore tests and immutable graph backups (the planned stacks). */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../tools/offline/engine";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each([
    ["us-west-2", "intelgraph_us_west_2_monthly", "COMPLIANCE", 42],
    ["us-east-1", "intelgraph_us_east_1_monthly", "COMPLIANCE", 42],
    ["staging-us-west-2", "intelgraph_staging_us_west_2_monthly", "GOVERNANCE", 21],
    ["staging-us-east-1", "intelgraph_staging_us_east_1_monthly", "GOVERNANCE", 21],
] as const)("%s", (stack, planName, lockMode, lockDays) => {
    const s = () => mustGet(stacks, stack);

    it("restore-tests its vault monthly at 14:00 UTC on the 1st, after the daily backup, in its own region", () => {
        const plan = one(s(), "aws:backup/restoreTestingPlan:RestoreTestingPlan");
        expect(providerRegion(s(), plan)).toBe(s().outputs.region);
        expect(inputsOf(plan)).toEqual({
            name: planName,
            scheduleExpression: "cron(0 14 1 * ? *)",
            startWindowHours: 8,
            recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: [outputsOf(one(s(), "aws:backup/vault:Vault")).arn], recoveryPointTypes: ["SNAPSHOT"], selectionWindowDays: 7 },
        });
    });

    it("restores its Aurora cluster into the cluster's subnet group and security group, and the Neo4j volumes by their backup tag, as the backup role", () => {
        const selections = new Map(ofType(s(), "aws:backup/restoreTestingSelection:RestoreTestingSelection").map((x) => [x.name, inputsOf(x)]));
        const role = outputsOf(one(s(), "aws:iam/role:Role", "backup-plan-role")).arn;
        const cluster = one(s(), "aws:rds/cluster:Cluster");
        expect(selections.get("restore-testing-aurora")).toEqual({
            name: `${planName}_aurora`,
            restoreTestingPlanName: planName,
            protectedResourceType: "Aurora",
            protectedResourceArns: [outputsOf(cluster).arn],
            iamRoleArn: role,
            validationWindowHours: 4,
            restoreMetadataOverrides: { dbSubnetGroupName: inputsOf(cluster).dbSubnetGroupName, vpcSecurityGroupIds: JSON.stringify(inputsOf(cluster).vpcSecurityGroupIds) },
        });
        expect(selections.get("restore-testing-volumes")).toMatchObject({
            protectedResourceType: "EBS",
            protectedResourceArns: ["*"],
            protectedResourceConditions: { stringEquals: [{ key: "aws:ResourceTag/intelgraph-backup", value: "daily" }] },
            iamRoleArn: role,
            validationWindowHours: 4,
        });
    });

    it("reports finished restore jobs and failed copies to its own alert topic", () => {
        expect(inputsOf(one(s(), "aws:backup/vaultNotifications:VaultNotifications"))).toEqual({
            backupVaultName: outputsOf(one(s(), "aws:backup/vault:Vault")).name,
            snsTopicArn: s().outputs.alertTopicArn,
            backupVaultEvents: ["RESTORE_JOB_COMPLETED", "COPY_JOB_FAILED"],
        });
    });

    it(`locks every Neo4j backup version in ${lockMode} mode for ${lockDays} days, inside the bucket's lifecycle, keeping its access logs`, () => {
        const bucket = ofType(s(), "aws:s3/bucket:Bucket").find((b) => outputsOf(b).bucket === s().outputs.neo4jBackupBucketName);
        expect(bucket, "the backup bucket").toBeDefined();
        const lock = one(s(), "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "neo4j-backups-object-lock");
        expect(inputsOf(lock)).toEqual({ bucket: s().outputs.neo4jBackupBucketName, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: lockMode, days: lockDays } } });
        const lifecycle = ofType(s(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((l) => inputsOf(l).bucket === s().outputs.neo4jBackupBucketName);
        expect(inputsOf(lifecycle!).rules).toMatchObject([{ expiration: { days: lockDays }, noncurrentVersionExpiration: { noncurrentDays: lockDays } }]);
        // awsguard's access-logging finding stays resolved: a locked bucket can be a logging source (only a
        // logging destination must not be locked), and the destination is the unlocked ALB log bucket.
        const logging = ofType(s(), "aws:s3/bucketLogging:BucketLogging").find((l) => inputsOf(l).bucket === s().outputs.neo4jBackupBucketName);
        expect(logging, "the backup bucket's access logging").toBeDefined();
        const loggingInputs = inputsOf(logging!);
        expect(loggingInputs.targetBucket).not.toBe(s().outputs.neo4jBackupBucketName);
    });
});

describe.each([
    ["us-west-2", ["us-west-2", "us-east-1"]],
    ["us-east-1", ["us-east-1", "us-west-2"]],
] as const)("the Neo4j backup verification of %s", (stack, chainRegions) => {
    const s = () => mustGet(stacks, stack);

    it("runs monthly on the 2nd at 16:00 UTC, verifying its own chain first, else the one replicated from the zone's other region", () => {
        const job = one(s(), "kubernetes:batch/v1:CronJob", "neo4j-verification-job");
        const spec = inputsOf(job).spec as { schedule: string; jobTemplate: { spec: { template: { spec: { initContainers: { name: string; command: string[] }[] } } } } };
        expect(spec.schedule).toBe("0 16 2 * *");
        const fetch = spec.jobTemplate.spec.template.spec.initContainers.find((c) => c.name === "fetch");
        expect(fetch?.command[2]).toContain(`for region in ${chainRegions.join(" ")}; do`);
        expect(fetch?.command[2]).toContain(`--bucket ${String(s().outputs.neo4jBackupBucketName)} `);
    });

    it("reads the backups and writes only its results and metric (its own IRSA role, not the backup job's)", () => {
        const policy = JSON.parse(String(inputsOf(one(s(), "aws:iam/rolePolicy:RolePolicy", "neo4j-verification-role-inline")).policy)) as { Statement: { Action: string | string[]; Resource: string }[] };
        const bucket = String(s().outputs.neo4jBackupBucketArn);
        expect(policy.Statement.map((st) => [st.Action, st.Resource])).toEqual([
            ["s3:ListBucket", bucket],
            ["s3:GetObject", `${bucket}/neo4j/*`],
            ["s3:PutObject", `${bucket}/verification/*`],
            [["kms:Decrypt", "kms:GenerateDataKey"], outputsOf(one(s(), "aws:kms/key:Key")).arn],
            ["cloudwatch:PutMetricData", "*"],
        ]);
        const trust = JSON.parse(String(inputsOf(one(s(), "aws:iam/role:Role", "neo4j-verification-role")).assumeRolePolicy)) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
        expect(Object.entries(trust.Statement[0].Condition.StringEquals).find(([k]) => k.endsWith(":sub"))?.[1]).toBe("system:serviceaccount:neo4j:neo4j-backup-verification");
    });

    it("alarms on its region's topic when a verification fails", () => {
        expect(inputsOf(one(s(), "aws:cloudwatch/metricAlarm:MetricAlarm", "neo4j-verification-failed"))).toMatchObject({
            metricName: "Neo4jBackupVerificationFailed",
            dimensions: { Region: stack },
            alarmActions: [s().outputs.alertTopicArn],
        });
    });
});

describe("the interconnect's backup replication", () => {
    it("may read each locked object's retention and legal hold, so locked backups replicate into the other region's locked bucket", () => {
        const i = mustGet(stacks, "interconnect-us");
        const policy = JSON.parse(String(inputsOf(one(i, "aws:iam/rolePolicy:RolePolicy", "neo4j-backup-replication-policy")).policy)) as { Statement: { Action: string[]; Resource: string | string[] }[] };
        const source = String(mustGet(stacks, "us-west-2").outputs.neo4jBackupBucketArn);
        const objects = policy.Statement.find((st) => st.Resource === `${source}/*`);
        expect(objects?.Action).toEqual(expect.arrayContaining(["s3:GetObjectRetention", "s3:GetObjectLegalHold", "s3:GetObjectVersionForReplication"]));
    });
});
