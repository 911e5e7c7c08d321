import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import { MAX_CONTINUOUS_RETENTION_DAYS } from "./backupRules";

export interface BackupPlanArgs {
    /** Prefix of the plans', selections' and role's names. */
    readonly namePrefix: string;
    readonly vaultName: pulumi.Input<string>;
    /** The other region's vault of the same zone (an ARN this stack computes: no call to that region). */
    readonly copyDestinationVaultArn: string;
    /** Resources selected by ARN: Aurora clusters and the backup buckets (both support continuous backup). */
    readonly resourceArns: readonly pulumi.Input<string>[];
    /** Resources selected by tag (the Neo4j EBS volumes, tagged by their StorageClass). */
    readonly selectionTag: { readonly key: string; readonly value: string };
    readonly retentionDays: number;
    readonly continuousRetentionDays: number;
    readonly partition: string;
}

/** Managed policies AWS Backup's role needs to back up and restore these types (AWS Backup Developer Guide, "Managed policies for AWS Backup"). */
export const BACKUP_ROLE_POLICIES = [
    "service-role/AWSBackupServiceRolePolicyForBackup",
    "service-role/AWSBackupServiceRolePolicyForRestores",
    "AWSBackupServiceRolePolicyForS3Backup",
    "AWSBackupServiceRolePolicyForS3Restore",
] as const;

/** 05:00 UTC daily, outside the Neo4j 15-minute backup's busiest hours (AWS Backup cron: six fields, UTC). */
export const DAILY_SCHEDULE = "cron(0 5 ? * * *)";

/**
 * The region's backup plans: a daily plan over every stateful resource (by ARN, and the Neo4j volumes by tag)
 * whose recovery points are copied to the zone's other vault, and a continuous plan (point-in-time recovery)
 * for the types that support it (Aurora, S3; AWS Backup Developer Guide, "Continuous backups and point-in-time
 * recovery"); EBS takes only the daily snapshots.
 *
 * The copy names its destination by ARN: creating the plan does not touch the other region, so a deploy while
 * it is down still succeeds; copy jobs fail (and are retried by the next day's job) until it is back.
 */
export class BackupPlan extends pulumi.ComponentResource {
    readonly dailyPlanId: pulumi.Output<string>;
    readonly continuousPlanId: pulumi.Output<string>;
    readonly roleArn: pulumi.Output<string>;

    constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:storage:BackupPlan", name, {}, opts);
        validateArgs(args).throwIfAny(this, "BackupPlan", name);
        const child = { parent: this };

        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: `${args.namePrefix}-backup`,
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "backup.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            },
            child,
        );
        const attachments = BACKUP_ROLE_POLICIES.map(
            (policy) => new aws.iam.RolePolicyAttachment(`${name}-${policy.split("/").pop()}`, { role: role.name, policyArn: `arn:${args.partition}:iam::aws:policy/${policy}` }, child),
        );

        const daily = new aws.backup.Plan(
            `${name}-daily`,
            {
                name: `${args.namePrefix}-daily`,
                rules: [
                    {
                        ruleName: "daily",
                        targetVaultName: args.vaultName,
                        schedule: DAILY_SCHEDULE,
                        startWindow: 60,
                        completionWindow: 480,
                        lifecycle: { deleteAfter: args.retentionDays },
                        copyActions: [{ destinationVaultArn: args.copyDestinationVaultArn, lifecycle: { deleteAfter: args.retentionDays } }],
                    },
                ],
            },
            child,
        );
        const continuous = new aws.backup.Plan(
            `${name}-continuous`,
            {
                name: `${args.namePrefix}-continuous`,
                rules: [
                    {
                        ruleName: "continuous",
                        targetVaultName: args.vaultName,
                        schedule: DAILY_SCHEDULE,
                        enableContinuousBackup: true,
                        lifecycle: { deleteAfter: args.continuousRetentionDays },
                    },
                ],
            },
            child,
        );
        const withRole = { ...child, dependsOn: attachments };
        new aws.backup.Selection(`${name}-daily-resources`, { name: `${args.namePrefix}-daily-resources`, planId: daily.id, iamRoleArn: role.arn, resources: [...args.resourceArns] }, withRole);
        new aws.backup.Selection(
            `${name}-daily-volumes`,
            { name: `${args.namePrefix}-daily-volumes`, planId: daily.id, iamRoleArn: role.arn, selectionTags: [{ type: "STRINGEQUALS", key: args.selectionTag.key, value: args.selectionTag.value }] },
            withRole,
        );
        new aws.backup.Selection(`${name}-continuous-resources`, { name: `${args.namePrefix}-continuous-resources`, planId: continuous.id, iamRoleArn: role.arn, resources: [...args.resourceArns] }, withRole);

        this.dailyPlanId = daily.id;
        this.continuousPlanId = continuous.id;
        this.roleArn = role.arn;
        this.registerOutputs({ dailyPlanId: this.dailyPlanId, continuousPlanId: this.continuousPlanId, roleArn: this.roleArn });
    }
}

function validateArgs(args: BackupPlanArgs): Problems {
    const p = new Problems();
    p.check(/^arn:aws[a-z-]*:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_-]{2,50}$/.test(args.copyDestinationVaultArn), `copyDestinationVaultArn must be a backup vault ARN, got ${JSON.stringify(args.copyDestinationVaultArn)}`);
    p.check(args.resourceArns.length >= 1, "resourceArns must list at least one resource");
    p.check(Number.isInteger(args.retentionDays) && args.retentionDays >= 1, `retentionDays must be a whole number of at least 1, got ${args.retentionDays}`);
    p.check(
        Number.isInteger(args.continuousRetentionDays) && args.continuousRetentionDays >= 1 && args.continuousRetentionDays <= MAX_CONTINUOUS_RETENTION_DAYS,
        `continuousRetentionDays must be 1 to ${MAX_CONTINUOUS_RETENTION_DAYS} (continuous backups keep at most ${MAX_CONTINUOUS_RETENTION_DAYS} days), got ${args.continuousRetentionDays}`,
    );
    return p;
}
