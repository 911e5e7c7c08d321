import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn } from "../boundary";

export interface RestoreTestingArgs {
    /** 1-50 letters, digits and underscores (AWS Backup API Reference, RestoreTestingPlanForCreate). */
    readonly planName: string;
    /** The region's vault: its own recovery points and the copies the zone's other region sends it. */
    readonly vaultArn: pulumi.Input<string>;
    readonly vaultName: pulumi.Input<string>;
    /** The backup plan's role: AWSBackupServiceRolePolicyForRestores lets it create the restored resources. */
    readonly roleArn: pulumi.Input<string>;
    /** AWS Backup cron (six fields, UTC). */
    readonly schedule: string;
    readonly startWindowHours: number;
    /** Recovery points younger than this are candidates; the newest is restored. */
    readonly selectionWindowDays: number;
    /** Hours the restored resource is kept for validation before AWS Backup deletes it. */
    readonly validationWindowHours: number;
    /** The region's Aurora cluster, restored into its own isolated subnets and security group. */
    readonly aurora: { readonly clusterArn: pulumi.Input<string>; readonly subnetGroupName: pulumi.Input<string>; readonly securityGroupId: pulumi.Input<string> };
    /** The tag the Neo4j volumes carry (the daily plan selects them by it too). */
    readonly volumeTag: { readonly key: string; readonly value: string };
    /** The region's alert topic (its policy and key already admit backup.amazonaws.com). */
    readonly alertTopicArn: pulumi.Input<string>;
}

/**
 * Restore testing (AWS Backup Developer Guide, "Restore testing"): on the schedule, AWS Backup restores the newest
 * snapshot recovery point of the Aurora cluster and of each Neo4j volume from this region's vault, keeps the
 * restored resource for the validation window, then deletes it. The restore job's own status is the result (a
 * restore that cannot complete is a FAILED job); a validation of the data inside would report through
 * PutRestoreValidationResult (FAILED | SUCCESSFUL | TIMED_OUT | VALIDATING), which nothing here calls: the graph's
 * data is verified by the backup verification job (components/graph/backupVerification.ts), Aurora's by the
 * restore itself.
 *
 * The vault notifies the region's alert topic of every completed restore job (its message carries the state, so a
 * failed monthly test reaches on-call) and of every failed copy to the other region.
 */
export class RestoreTesting extends pulumi.ComponentResource {
    readonly planName: pulumi.Output<string>;
    readonly planArn: pulumi.Output<string>;

    constructor(name: string, args: RestoreTestingArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:storage:RestoreTesting", name, {}, opts);
        validateArgs(args).throwIfAny(this, "RestoreTesting", name);
        const child = { parent: this };
        const plan = new aws.backup.RestoreTestingPlan(
            `${name}-plan`,
            {
                name: args.planName,
                // Unset timezone: AWS reads the cron in UTC and the provider keeps the state's value (no diff).
                scheduleExpression: args.schedule,
                startWindowHours: args.startWindowHours,
                recoveryPointSelection: {
                    algorithm: "LATEST_WITHIN_WINDOW",
                    includeVaults: [args.vaultArn],
                    // Continuous (point-in-time) points restore the same data as the daily snapshot; one restore a month each.
                    recoveryPointTypes: ["SNAPSHOT"],
                    selectionWindowDays: args.selectionWindowDays,
                },
            },
            child,
        );
        new aws.backup.RestoreTestingSelection(
            `${name}-aurora`,
            {
                name: `${args.planName}_aurora`,
                restoreTestingPlanName: plan.name,
                protectedResourceType: "Aurora",
                protectedResourceArns: [args.aurora.clusterArn],
                iamRoleArn: args.roleArn,
                validationWindowHours: args.validationWindowHours,
                // Without overrides AWS Backup restores into the default VPC, which may not exist ("Restore testing
                // inferred metadata": the restore fails if the default is missing): the cluster's own isolated subnets
                // and security group instead, so the test copy is as unreachable as the cluster.
                restoreMetadataOverrides: {
                    dbSubnetGroupName: args.aurora.subnetGroupName,
                    vpcSecurityGroupIds: pulumi.output(args.aurora.securityGroupId).apply((sg) => JSON.stringify([sg])),
                },
            },
            child,
        );
        new aws.backup.RestoreTestingSelection(
            `${name}-volumes`,
            {
                name: `${args.planName}_volumes`,
                restoreTestingPlanName: plan.name,
                protectedResourceType: "EBS",
                // "*" with conditions: every protected volume carrying the tag (RestoreTestingSelectionForCreate).
                protectedResourceArns: ["*"],
                protectedResourceConditions: { stringEquals: [{ key: `aws:ResourceTag/${args.volumeTag.key}`, value: args.volumeTag.value }] },
                iamRoleArn: args.roleArn,
                validationWindowHours: args.validationWindowHours,
            },
            child,
        );
        new aws.backup.VaultNotifications(
            `${name}-notifications`,
            { backupVaultName: args.vaultName, snsTopicArn: args.alertTopicArn, backupVaultEvents: [...VAULT_EVENTS] },
            child,
        );
        this.planName = plan.name;
        this.planArn = plan.arn;
        this.registerOutputs({ planName: this.planName, planArn: this.planArn });
    }
}

/** What the vault reports to the alert topic (PutBackupVaultNotifications' supported events). */
export const VAULT_EVENTS = ["RESTORE_JOB_COMPLETED", "COPY_JOB_FAILED"] as const;

/** AWS Backup cron: `cron(min hour day-of-month month day-of-week year)`, UTC (AWS Backup Developer Guide, "Schedule expressions"). */
export const AWS_CRON = /^cron\((\S+\s+){5}\S+\)$/;

function validateArgs(args: RestoreTestingArgs): Problems {
    const p = new Problems();
    p.check(/^[A-Za-z0-9_]{1,41}$/.test(args.planName), `planName must be 1-41 letters, digits or underscores (selection names add up to 9 and AWS allows 50), got ${JSON.stringify(args.planName)}`);
    p.check(AWS_CRON.test(args.schedule), `schedule must be an AWS Backup cron expression such as cron(0 14 1 * ? *), got ${JSON.stringify(args.schedule)}`);
    p.check(isIntIn(args.startWindowHours, 1, 168), `startWindowHours must be a whole number from 1 to 168, got ${args.startWindowHours}`);
    p.check(isIntIn(args.selectionWindowDays, 1, 365), `selectionWindowDays must be a whole number from 1 to 365, got ${args.selectionWindowDays}`);
    p.check(isIntIn(args.validationWindowHours, 1, 168), `validationWindowHours must be a whole number from 1 to 168, got ${args.validationWindowHours}`);
    p.check(args.volumeTag.key.length > 0 && args.volumeTag.value.length > 0, "volumeTag must have a key and a value");
    return p;
}
