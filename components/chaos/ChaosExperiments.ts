import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn } from "../boundary";
import { DRILL_IDS, type DrillId, type DrillSpec, type IamStatement, isoMinutes } from "./drills";

/**
 * Stop conditions per experiment template: at most 5 (AWS FIS User Guide, "Quotas and limitations for AWS FIS",
 * https://docs.aws.amazon.com/fis/latest/userguide/fis-quotas.html).
 */
export const MAX_STOP_CONDITIONS = 5;

/** FIS experiment log schema version 2 (AWS FIS User Guide, "Experiment logging for AWS FIS"). */
export const LOG_SCHEMA_VERSION = 2;

export interface ChaosExperimentsArgs {
    /** Physical name prefix (intelgraph-<stack>). */
    readonly namePrefix: string;
    readonly region: string;
    readonly accountId: string;
    readonly partition: string;
    /** The region's key: the experiments' log group is encrypted with it (the key policy admits CloudWatch Logs of this region). */
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly logRetentionDays: number;
    /** The stack's VPC: the network actions may create and associate only there. */
    readonly vpcId: pulumi.Input<string>;
    /**
     * The alarms that stop every experiment of this region (aws:cloudwatch:alarm): "if a stop condition is
     * triggered during an experiment, AWS FIS stops the experiment", and a stopped one cannot be resumed (AWS FIS
     * User Guide, "Stop conditions for AWS FIS", https://docs.aws.amazon.com/fis/latest/userguide/stop-conditions.html).
     * Alarms of this region only (intelgraph-resilience-chaos-stop-conditions): an alarm of the other region goes
     * blind with that region. The drill CLI refuses to start while one of them is in ALARM.
     */
    readonly stopConditionAlarmArns: readonly pulumi.Input<string>[];
    readonly drills: readonly DrillSpec[];
}

/**
 * A region's AWS FIS experiment templates, one per enabled drill, each with the region's alarms as stop
 * conditions, a role of its own allowed only what its actions are documented to need (on this stack's tagged
 * resources), targets selected by tags and filters, and logs to a log group under the regional key.
 *
 * First deploy: the templates depend on the alarms through their ARNs, so the alarms exist first; FIS creates its
 * service-linked role (AWSServiceRoleForFIS) itself on first use (AWS FIS User Guide, "Using service-linked roles
 * for AWS FIS"), which needs iam:CreateServiceLinkedRole for the deploy identity. Later deploys: every property
 * FIS returns is set here (experimentOptions included, which FIS otherwise fills in with its defaults), so the
 * template reads back as written.
 */
export class ChaosExperiments extends pulumi.ComponentResource {
    readonly templateIds: Readonly<Partial<Record<DrillId, pulumi.Output<string>>>>;
    readonly roleArns: Readonly<Partial<Record<DrillId, pulumi.Output<string>>>>;
    readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: ChaosExperimentsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:chaos:ChaosExperiments", name, {}, opts);
        validateArgs(args).throwIfAny(this, "ChaosExperiments", name);
        const child = { parent: this };
        const tag = (suffix: string) => ({ Name: `${args.namePrefix}-${suffix}` });

        const logs = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: `/intelgraph/${args.namePrefix}/fis-experiments`, retentionInDays: args.logRetentionDays, kmsKeyId: args.kmsKeyArn, tags: tag("fis-logs") },
            child,
        );
        // Only FIS of this account, for experiments in this region (AWS FIS User Guide, "Cross-service confused
        // deputy prevention": aws:SourceAccount and aws:SourceArn on the trust policy).
        const trust = JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Service: "fis.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": args.accountId },
                        ArnLike: { "aws:SourceArn": `arn:${args.partition}:fis:${args.region}:${args.accountId}:experiment/*` },
                    },
                },
            ],
        });

        const templateIds: Partial<Record<DrillId, pulumi.Output<string>>> = {};
        const roleArns: Partial<Record<DrillId, pulumi.Output<string>>> = {};
        for (const drill of args.drills) {
            const role = new aws.iam.Role(`${name}-${drill.slug}-role`, { name: `${args.namePrefix}-fis-${drill.slug}`, assumeRolePolicy: trust, tags: tag(`fis-${drill.slug}`) }, child);
            const policy = new aws.iam.RolePolicy(
                `${name}-${drill.slug}-policy`,
                { role: role.id, policy: pulumi.output(args.vpcId).apply((vpcId) => JSON.stringify({ Version: "2012-10-17", Statement: [...drill.statements(vpcId), ...logDeliveryStatements()] })) },
                child,
            );
            const template = new aws.fis.ExperimentTemplate(
                `${name}-${drill.slug}`,
                {
                    description: drill.title,
                    roleArn: role.arn,
                    stopConditions: args.stopConditionAlarmArns.map((value) => ({ source: "aws:cloudwatch:alarm", value })),
                    actions: drill.actions.map((a) => ({
                        name: a.name,
                        actionId: a.actionId,
                        description: a.description,
                        // Left out when empty: an empty list would read back as none, a diff on every preview.
                        ...(Object.keys(a.parameters ?? {}).length ? { parameters: Object.entries(a.parameters ?? {}).map(([key, value]) => ({ key, value })) } : {}),
                        target: a.target,
                    })),
                    targets: drill.targets.map((t) => ({
                        name: t.name,
                        resourceType: t.resourceType,
                        resourceTags: Object.entries(t.resourceTags).map(([key, value]) => ({ key, value })),
                        ...(t.filters?.length ? { filters: t.filters.map((f) => ({ path: f.path, values: [...f.values] })) } : {}),
                        ...(t.parameters ? { parameters: { ...t.parameters } } : {}),
                        selectionMode: t.selectionMode,
                    })),
                    logConfiguration: { logSchemaVersion: LOG_SCHEMA_VERSION, cloudwatchLogsConfiguration: { logGroupArn: pulumi.interpolate`${logs.arn}:*` } },
                    // single-account: targets in this account only; fail: a drill that finds nothing to disrupt is a
                    // failed drill, not a silent pass (Targets for AWS FIS, "emptyTargetResolutionMode").
                    experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "fail" },
                    tags: { ...tag(`fis-${drill.slug}`), "intelgraph-drill": drill.id },
                },
                // The role must hold its permissions before FIS validates the template against it.
                { parent: this, dependsOn: [policy] },
            );
            templateIds[drill.id] = template.id;
            roleArns[drill.id] = role.arn;
        }
        this.templateIds = templateIds;
        this.roleArns = roleArns;
        this.logGroupName = logs.name;
        this.registerOutputs({ templateIds, logGroupName: this.logGroupName });
    }
}

/**
 * Delivering experiment logs to CloudWatch Logs uses the Logs delivery API, which has no resource-level
 * permissions (AWS FIS User Guide, "Experiment logging for AWS FIS", permissions for CloudWatch Logs).
 */
function logDeliveryStatements(): IamStatement[] {
    return [{ Sid: "ExperimentLogDelivery", Effect: "Allow", Action: ["logs:CreateLogDelivery", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups"], Resource: "*" }];
}

function validateArgs(args: ChaosExperimentsArgs): Problems {
    const p = new Problems();
    const n = args.stopConditionAlarmArns.length;
    p.check(n >= 1 && n <= MAX_STOP_CONDITIONS, `stopConditionAlarmArns must list 1 to ${MAX_STOP_CONDITIONS} alarms (an experiment without a stop condition cannot be stopped by what it breaks), got ${n}`);
    const ids = args.drills.map((d) => d.id);
    p.check(new Set(ids).size === ids.length && ids.every((id) => (DRILL_IDS as readonly string[]).includes(id)), `drills must be distinct drills of ${DRILL_IDS.join(", ")}, got ${ids.join(", ")}`);
    p.check(isIntIn(args.logRetentionDays, 1), `logRetentionDays must be a whole number of days, got ${args.logRetentionDays}`);
    for (const d of args.drills) {
        for (const a of d.actions) {
            p.check(d.targets.some((t) => t.name === a.target.value), `drill ${d.id}: action ${a.name} targets ${a.target.value}, which is not one of its targets`);
            const duration = a.parameters?.duration ?? a.parameters?.startInstancesAfterDuration;
            if (duration !== undefined) p.check(duration === isoMinutes(a.activeMinutes), `drill ${d.id}: action ${a.name} lasts ${duration} but is counted as ${a.activeMinutes} min`);
        }
    }
    // IAM role names: at most 64 characters (IAM User Guide, "IAM and AWS STS quotas").
    for (const d of args.drills) p.check(`${args.namePrefix}-fis-${d.slug}`.length <= 64, `the role name ${args.namePrefix}-fis-${d.slug} is longer than IAM's 64 characters`);
    return p;
}
