import type { AuroraGlobal } from "../components/data/AuroraGlobal";
import { BackupPlan } from "../components/storage/BackupPlan";
import { BackupVault } from "../components/storage/BackupVault";
import { BACKUP_TAG, regionalVaultName } from "../components/storage/backupRules";
import type { RegionalBase } from "./regional";

/**
 * The region's AWS Backup vault and plans over its stateful resources, whatever its role: both regions keep
 * their own Aurora cluster's recovery points (the writer may be either after a failover) and copy them to the
 * zone's other vault, named by the ARN in the stack file (intelgraph:backup.copyToVaultArn), never read.
 */
export function protectTier(base: RegionalBase, aurora: AuroraGlobal) {
    const { config, prefix, kms, backups, evidence, onRegion, partition } = base;
    const vault = new BackupVault("backup-vault", { vaultName: regionalVaultName(config.stack), kmsKeyArn: kms.keyArn, lock: config.backup.lock }, onRegion);
    const plan = new BackupPlan(
        "backup-plan",
        {
            namePrefix: prefix,
            vaultName: vault.vaultName,
            copyDestinationVaultArn: config.backup.copyToVaultArn,
            resourceArns: [aurora.clusterArn, backups.bucketArn, evidence.bucketArn],
            selectionTag: BACKUP_TAG,
            retentionDays: config.backup.retentionDays,
            continuousRetentionDays: config.backup.continuousRetentionDays,
            partition,
        },
        onRegion,
    );
    return { vault, plan };
}
