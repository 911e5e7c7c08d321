import type * as pulumi from "@pulumi/pulumi";
import type { AuroraGlobal } from "../components/data/AuroraGlobal";
import { BackupPlan } from "../components/storage/BackupPlan";
import { BackupVault } from "../components/storage/BackupVault";
import { RestoreTesting } from "../components/storage/RestoreTesting";
import { BACKUP_TAG, regionalVaultName } from "../components/storage/backupRules";
import type { RegionalBase } from "./regional";

/**
 * The region's AWS Backup vault and plans over its stateful resources, whatever its role: both regions keep
 * their own Aurora cluster's recovery points (the writer may be either after a failover) and copy them to the
 * zone's other vault, named by the ARN in the stack file (intelgraph:backup.copyToVaultArn), never read. A
 * monthly restore test restores the newest points of the vault (its own and the copies it received) and reports
 * every restore job to the region's alert topic.
 */
export function protectTier(base: RegionalBase, aurora: AuroraGlobal, alertTopicArn: pulumi.Input<string>) {
    const { config, prefix, kms, backups, onRegion, partition } = base;
    const vault = new BackupVault("backup-vault", { vaultName: regionalVaultName(config.stack), kmsKeyArn: kms.keyArn, lock: config.backup.lock }, onRegion);
    const plan = new BackupPlan(
        "backup-plan",
        {
            namePrefix: prefix,
            vaultName: vault.vaultName,
            copyDestinationVaultArn: config.backup.copyToVaultArn,
            resourceArns: [aurora.clusterArn, backups.bucketArn],
            selectionTag: BACKUP_TAG,
            retentionDays: config.backup.retentionDays,
            continuousRetentionDays: config.backup.continuousRetentionDays,
            partition,
        },
        onRegion,
    );
    const { restoreTesting } = config.backup;
    const restore = new RestoreTesting(
        "restore-testing",
        {
            // Restore testing names allow letters, digits and underscores only.
            planName: `intelgraph_${config.stack.replace(/-/g, "_")}_monthly`,
            vaultArn: vault.vaultArn,
            vaultName: vault.vaultName,
            roleArn: plan.roleArn,
            schedule: restoreTesting.schedule,
            startWindowHours: restoreTesting.startWindowHours,
            selectionWindowDays: restoreTesting.selectionWindowDays,
            validationWindowHours: restoreTesting.validationWindowHours,
            aurora: { clusterArn: aurora.clusterArn, subnetGroupName: aurora.subnetGroupName, securityGroupId: aurora.securityGroupId },
            volumeTag: BACKUP_TAG,
            alertTopicArn,
        },
        onRegion,
    );
    return { vault, plan, restore };
}
