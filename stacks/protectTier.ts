import type { AuroraGlobal } from "../components/data/AuroraGlobal";
import { BackupPlan } from "../components/storage/BackupPlan";
import { BackupVault } from "../components/storage/BackupVault";
import { BACKUP_TAG, regionalVaultName, vaultArn } from "../components/storage/backupRules";
import type { RegionalBase } from "./regional";

/**
 * The region's AWS Backup vault and plans over its stateful resources, whatever its role: both regions keep
 * their own Aurora cluster's recovery points (the writer may be either after a failover) and copy them to the
 * zone's other vault, whose ARN is computed from the config (the same name in every region), not read.
 */
export function protectTier(base: RegionalBase, aurora: AuroraGlobal) {
    const { config, prefix, kms, backups, onRegion, accountId, partition } = base;
    const vault = new BackupVault("backup-vault", { vaultName: regionalVaultName(config.region), kmsKeyArn: kms.keyArn, lock: config.backup.lock }, onRegion);
    const plan = new BackupPlan(
        "backup-plan",
        {
            namePrefix: prefix,
            vaultName: vault.vaultName,
            copyDestinationVaultArn: vaultArn(partition, config.backup.copyToRegion, accountId, regionalVaultName(config.backup.copyToRegion)),
            resourceArns: [aurora.clusterArn, backups.bucketArn],
            selectionTag: BACKUP_TAG,
            retentionDays: config.backup.retentionDays,
            continuousRetentionDays: config.backup.continuousRetentionDays,
            partition,
        },
        onRegion,
    );
    return { vault, plan };
}
