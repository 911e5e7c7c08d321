/**
 * AWS Backup limits the vault, plans and config share (pure), so a bad value fails at the stack file or the
 * component boundary instead of at the first backup job.
 */

/** Vault Lock modes: compliance is immutable after its grace period; governance can be removed by authorised users. */
export const LOCK_MODES = ["compliance", "governance"] as const;
export type LockMode = (typeof LOCK_MODES)[number];

/**
 * "AWS Backup enforces a 72-hour cooling-off period before Vault Lock takes effect and becomes immutable.
 * Therefore, you must set ChangeableForDays to 3 or greater" (AWS CloudFormation, AWS::Backup::BackupVault
 * LockConfigurationType). Without ChangeableForDays the lock stays in governance mode.
 */
export const MIN_CHANGEABLE_FOR_DAYS = 3;

/** Continuous backups (point-in-time recovery) keep 1 to 35 days (AWS Backup Developer Guide, "Changing your retention period"). */
export const MAX_CONTINUOUS_RETENTION_DAYS = 35;

export interface VaultLock {
    readonly mode: LockMode;
    readonly minRetentionDays: number;
    readonly maxRetentionDays: number;
    /** Compliance only: days until the lock becomes immutable (at least 3). */
    readonly changeableForDays?: number;
}

/**
 * A job whose retention is outside the destination vault's lock bounds fails: "If the job's retention period is
 * shorter than that minimum retention period, then the vault fails that backup or copy job" (and the same for
 * the maximum; AWS Backup API Reference, PutBackupVaultLockConfiguration).
 */
export const withinLock = (days: number, lock: Pick<VaultLock, "minRetentionDays" | "maxRetentionDays">): boolean => days >= lock.minRetentionDays && days <= lock.maxRetentionDays;

/** The one vault name per region, so a peer can name it without reading the other stack. */
/** A regional stack's vault, named after the stack (`intelgraph-us-west-2`, `intelgraph-staging-us-west-2`): unique per account. */
export const regionalVaultName = (stack: string): string => `intelgraph-${stack}`;

/** The tag the Neo4j volumes carry (through the StorageClass) so the tag selection finds them (a pack contract). */
export { BACKUP_TAG } from "../../policy-pack/contracts/labels";
