import { describe, expect, it } from "vitest";
import { RestoreTesting, type RestoreTestingArgs } from "../../../components/storage/RestoreTesting";
import { expectRefused, planComponent } from "../../helpers/component";

const args: RestoreTestingArgs = {
    planName: "intelgraph_test_monthly",
    vaultArn: "arn:aws:backup:eu-west-1:210987654321:backup-vault:intelgraph-test",
    vaultName: "intelgraph-test",
    roleArn: "arn:aws:iam::210987654321:role/intelgraph-test-backup",
    schedule: "cron(0 14 1 * ? *)",
    startWindowHours: 8,
    selectionWindowDays: 7,
    validationWindowHours: 4,
    aurora: { clusterArn: "arn:aws:rds:eu-west-1:210987654321:cluster:intelgraph-test", subnetGroupName: "intelgraph-test-subnets", securityGroupId: "sg-0123456789abcdef0" },
    volumeTag: { key: "intelgraph-backup", value: "daily" },
    alertTopicArn: "arn:aws:sns:eu-west-1:210987654321:intelgraph-test-alerts",
};
const build = (over: Partial<RestoreTestingArgs> = {}) => planComponent(({ onRegion }) => new RestoreTesting("restore", { ...args, ...over }, onRegion), { region: "eu-west-1" });

describe("RestoreTesting with its own args", () => {
    it("restores the newest snapshot of the vault within the selection window, on the schedule, in the region", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const plan = p.one("aws:backup/restoreTestingPlan:RestoreTestingPlan");
        expect(p.regionOf(plan)).toBe("eu-west-1");
        expect(p.inputs(plan.type)).toEqual({
            name: "intelgraph_test_monthly",
            scheduleExpression: "cron(0 14 1 * ? *)",
            startWindowHours: 8,
            recoveryPointSelection: { algorithm: "LATEST_WITHIN_WINDOW", includeVaults: [args.vaultArn], recoveryPointTypes: ["SNAPSHOT"], selectionWindowDays: 7 },
        });
    });

    it("restores the Aurora cluster into its own subnets and security group (no default VPC), and every tagged volume, each validated for the window", async () => {
        const p = await build();
        const selections = new Map(p.ofType("aws:backup/restoreTestingSelection:RestoreTestingSelection").map((s) => [s.name, p.inputs(s.type, s.name)]));
        expect(selections.get("restore-aurora")).toEqual({
            name: "intelgraph_test_monthly_aurora",
            restoreTestingPlanName: "intelgraph_test_monthly",
            protectedResourceType: "Aurora",
            protectedResourceArns: [args.aurora.clusterArn],
            iamRoleArn: args.roleArn,
            validationWindowHours: 4,
            restoreMetadataOverrides: { dbSubnetGroupName: "intelgraph-test-subnets", vpcSecurityGroupIds: '["sg-0123456789abcdef0"]' },
        });
        expect(selections.get("restore-volumes")).toEqual({
            name: "intelgraph_test_monthly_volumes",
            restoreTestingPlanName: "intelgraph_test_monthly",
            protectedResourceType: "EBS",
            protectedResourceArns: ["*"],
            protectedResourceConditions: { stringEquals: [{ key: "aws:ResourceTag/intelgraph-backup", value: "daily" }] },
            iamRoleArn: args.roleArn,
            validationWindowHours: 4,
        });
    });

    it("reports every finished restore job and every failed copy to the alert topic", async () => {
        const p = await build();
        expect(p.inputs("aws:backup/vaultNotifications:VaultNotifications")).toEqual({
            backupVaultName: "intelgraph-test",
            snsTopicArn: args.alertTopicArn,
            backupVaultEvents: ["RESTORE_JOB_COMPLETED", "COPY_JOB_FAILED"],
        });
    });

    it.each<[string, Partial<RestoreTestingArgs>, string]>([
        ["a name with dashes", { planName: "intelgraph-test" }, 'planName must be 1-41 letters, digits or underscores (selection names add up to 9 and AWS allows 50), got "intelgraph-test"'],
        ["a five-field cron", { schedule: "0 14 1 * *" }, 'schedule must be an AWS Backup cron expression such as cron(0 14 1 * ? *), got "0 14 1 * *"'],
        ["a validation window over a week", { validationWindowHours: 169 }, "validationWindowHours must be a whole number from 1 to 168, got 169"],
        ["a start window of 0", { startWindowHours: 0 }, "startWindowHours must be a whole number from 1 to 168, got 0"],
        ["a selection window over a year", { selectionWindowDays: 366 }, "selectionWindowDays must be a whole number from 1 to 365, got 366"],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), RestoreTesting, `RestoreTesting 'restore': ${problem}`);
    });
});
