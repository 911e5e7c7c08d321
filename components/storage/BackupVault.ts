import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import { MIN_CHANGEABLE_FOR_DAYS, type VaultLock } from "./backupRules";

export interface BackupVaultArgs {
    /** 2-50 of A-Z a-z 0-9 - _ (AWS Backup API Reference, CreateBackupVault). */
    readonly vaultName: string;
    /** The region's key: recovery points of services AWS Backup fully manages are encrypted with it. */
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly lock: VaultLock;
}

/**
 * The region's AWS Backup vault under the regional key, with Vault Lock: no one (the root user included, in
 * compliance mode once the grace period has passed) deletes a recovery point before its retention ends or
 * shortens it, and jobs whose retention is outside the lock bounds fail. Protected: it holds the restore points.
 */
export class BackupVault extends pulumi.ComponentResource {
    readonly vaultName: pulumi.Output<string>;
    readonly vaultArn: pulumi.Output<string>;

    constructor(name: string, args: BackupVaultArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:storage:BackupVault", name, {}, opts);
        validateArgs(args).throwIfAny(this, "BackupVault", name);
        const vault = new aws.backup.Vault(
            `${name}-vault`,
            // forceDestroy false: a vault with recovery points is never emptied by a destroy.
            { name: args.vaultName, kmsKeyArn: args.kmsKeyArn, forceDestroy: false, tags: { Name: args.vaultName } },
            { parent: this, protect: true },
        );
        new aws.backup.VaultLockConfiguration(
            `${name}-lock`,
            {
                backupVaultName: vault.name,
                minRetentionDays: args.lock.minRetentionDays,
                maxRetentionDays: args.lock.maxRetentionDays,
                // Set: compliance mode, immutable after these days; unset: governance mode.
                ...(args.lock.mode === "compliance" ? { changeableForDays: args.lock.changeableForDays } : {}),
            },
            // A compliance lock cannot be removed after its lock date: Pulumi must never try.
            { parent: this, protect: args.lock.mode === "compliance" },
        );
        this.vaultName = vault.name;
        this.vaultArn = vault.arn;
        this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn });
    }
}

function validateArgs(args: BackupVaultArgs): Problems {
    const p = new Problems();
    p.check(/^[A-Za-z0-9_-]{2,50}$/.test(args.vaultName), `vaultName must be 2-50 letters, digits, dashes or underscores, got ${JSON.stringify(args.vaultName)}`);
    const { lock } = args;
    p.check(Number.isInteger(lock.minRetentionDays) && lock.minRetentionDays >= 1 && lock.minRetentionDays <= lock.maxRetentionDays, `lock must have 1 <= minRetentionDays <= maxRetentionDays, got ${lock.minRetentionDays}..${lock.maxRetentionDays}`);
    if (lock.mode === "compliance") {
        p.check(lock.changeableForDays !== undefined && lock.changeableForDays >= MIN_CHANGEABLE_FOR_DAYS, `a compliance lock needs changeableForDays of at least ${MIN_CHANGEABLE_FOR_DAYS}, got ${lock.changeableForDays}`);
    } else {
        p.check(lock.changeableForDays === undefined, "a governance lock takes no changeableForDays (with it, the lock becomes compliance)");
    }
    return p;
}
