import { beforeAll, describe, expect, it } from "vitest";
import { BackupPlan } from "../../../components/storage/BackupPlan";
import { BackupVault } from "../../../components/storage/BackupVault";
import type { PlannedStack } from "../../../tools/offline/engine";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each([
    ["us-west-2", "us-east-1"],
    ["us-east-1", "us-west-2"],
] as const)("AWS Backup in %s", (region, peer) => {
    const s = () => mustGet(stacks, region);
    const plans = () => new Map(ofType(s(), "aws:backup/plan:Plan").map((p) => [p.name, p]));

    it("has a protected vault under the regional key with a compliance lock of 7-400 days, permanent after 14", () => {
        const vault = one(s(), "aws:backup/vault:Vault");
        expect(providerRegion(s(), vault)).toBe(region);
        expect(vault.protect).toBe(true);
        expect(inputsOf(vault)).toMatchObject({ name: `intelgraph-${region}`, forceDestroy: false, kmsKeyArn: outputsOf(one(s(), "aws:kms/key:Key")).arn });
        const lock = one(s(), "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
        expect(lock.protect).toBe(true);
        expect(inputsOf(lock)).toEqual({ backupVaultName: outputsOf(vault).name, minRetentionDays: 7, maxRetentionDays: 400, changeableForDays: 14 });
    });

    it("backs up daily into its vault for 35 days and copies each point to the other region's vault of the zone", () => {
        const daily = inputsOf(mustGet(plans(), "backup-plan-daily"));
        expect(providerRegion(s(), mustGet(plans(), "backup-plan-daily"))).toBe(region);
        expect(daily.rules).toEqual([
            {
                ruleName: "daily",
                targetVaultName: `intelgraph-${region}`,
                schedule: "cron(0 5 ? * * *)",
                startWindow: 60,
                completionWindow: 480,
                lifecycle: { deleteAfter: 35 },
                copyActions: [{ destinationVaultArn: `arn:aws:backup:${peer}:123456789012:backup-vault:intelgraph-${peer}`, lifecycle: { deleteAfter: 35 } }],
            },
        ]);
    });

    it("keeps continuous (point-in-time) backups of Aurora and the backup bucket for 35 days", () => {
        expect(inputsOf(mustGet(plans(), "backup-plan-continuous")).rules).toEqual([
            { ruleName: "continuous", targetVaultName: `intelgraph-${region}`, schedule: "cron(0 5 ? * * *)", enableContinuousBackup: true, lifecycle: { deleteAfter: 35 } },
        ]);
    });

    it("selects the Aurora cluster, the Neo4j backup bucket and the evidence bucket by ARN in both plans, and the Neo4j volumes by the tag their StorageClass gives them", () => {
        const selections = new Map(ofType(s(), "aws:backup/selection:Selection").map((x) => [x.name, inputsOf(x)]));
        const arns = [outputsOf(one(s(), "aws:rds/cluster:Cluster")).arn, s().outputs.neo4jBackupBucketArn, outputsOf(one(s(), "aws:s3/bucket:Bucket", "dr-evidence-bucket")).arn];
        const role = outputsOf(one(s(), "aws:iam/role:Role", "backup-plan-role")).arn;
        expect(selections.get("backup-plan-daily-resources")).toMatchObject({ planId: mustGet(plans(), "backup-plan-daily").id, resources: arns, iamRoleArn: role });
        expect(selections.get("backup-plan-continuous-resources")).toMatchObject({ planId: mustGet(plans(), "backup-plan-continuous").id, resources: arns, iamRoleArn: role });
        expect(selections.get("backup-plan-daily-volumes")).toMatchObject({ planId: mustGet(plans(), "backup-plan-daily").id, selectionTags: [{ type: "STRINGEQUALS", key: "intelgraph-backup", value: "daily" }] });
        const storageClass = inputsOf(one(s(), "kubernetes:storage.k8s.io/v1:StorageClass", "eks-gp3-encrypted"));
        expect((storageClass.parameters as Record<string, string>).tagSpecification_1).toBe("intelgraph-backup=daily");
    });

    it("gives AWS Backup a role with the managed backup and restore policies (S3 included)", () => {
        const role = inputsOf(one(s(), "aws:iam/role:Role", "backup-plan-role"));
        expect(JSON.parse(String(role.assumeRolePolicy))).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }] });
        const attached = ofType(s(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => String(inputsOf(a).policyArn)).filter((a) => a.includes("AWSBackup")).sort();
        expect(attached).toEqual([
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        ]);
    });
});

describe("boundaries", () => {
    it("BackupVault refuses a compliance lock without its 3-day grace period", async () => {
        const p = await planComponent(({ onRegion }) => new BackupVault("v", { vaultName: "v1", kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/k", lock: { mode: "compliance", minRetentionDays: 7, maxRetentionDays: 30, changeableForDays: 2 } }, onRegion));
        expectRefused(p, BackupVault, "BackupVault 'v': a compliance lock needs changeableForDays of at least 3, got 2");
    });

    it("BackupPlan refuses continuous backups beyond 35 days and a destination that is no vault ARN", async () => {
        const p = await planComponent(({ onRegion }) =>
            new BackupPlan(
                "p",
                { namePrefix: "x", vaultName: "v", copyDestinationVaultArn: "intelgraph-us-east-1", resourceArns: ["arn:a"], selectionTag: { key: "k", value: "v" }, retentionDays: 35, continuousRetentionDays: 36, partition: "aws" },
                onRegion,
            ),
        );
        expectRefused(p, BackupPlan, 'BackupPlan \'p\': copyDestinationVaultArn must be a backup vault ARN, got "intelgraph-us-east-1"; continuousRetentionDays must be 1 to 35 (continuous backups keep at most 35 days), got 36');
    });
});
