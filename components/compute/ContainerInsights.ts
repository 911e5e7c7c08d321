import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import type { EksCluster } from "./EksCluster";

/**
 * EKS has no native metric of node readiness; Container Insights publishes `cluster_failed_node_count` and
 * `cluster_node_count` (namespace ContainerInsights, dimension ClusterName; CloudWatch User Guide, "Enhanced
 * Container Insights (Classic) metric reference"), from the CloudWatch agent the amazon-cloudwatch-observability
 * add-on runs as a DaemonSet (CloudWatch User Guide, "Install the CloudWatch agent with the Amazon CloudWatch
 * Observability EKS add-on").
 */
export const CONTAINER_INSIGHTS_NAMESPACE = "ContainerInsights";
export const OBSERVABILITY_ADDON = "amazon-cloudwatch-observability";
/** The agent's service account, which the add-on's IRSA role (serviceAccountRoleArn) is assumed by. */
export const AGENT_NAMESPACE = "amazon-cloudwatch";
export const AGENT_SERVICE_ACCOUNT = "cloudwatch-agent";

/**
 * Only the metrics: container log shipping (Fluent Bit) is turned off, so the add-on adds no per-GB log
 * ingestion for application logs (add-on configuration `containerLogs.enabled`, same guide, "Opt out of
 * collecting container logs").
 */
export const OBSERVABILITY_CONFIGURATION = JSON.stringify({ containerLogs: { enabled: false } });

export interface ContainerInsightsArgs {
    readonly cluster: EksCluster;
    readonly clusterName: string;
    readonly partition: pulumi.Input<string>;
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Days the agent's performance log events (the raw data the metrics are extracted from) are kept. */
    readonly performanceLogRetentionDays: number;
    /** The add-on's DaemonSet needs nodes: the general tier's readiness (EksCluster.generalTierReady). */
    readonly dependsOn: readonly pulumi.Resource[];
}

/** CloudWatch Logs retention values (PutRetentionPolicy, retentionInDays). */
const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/**
 * Container Insights for one cluster: the observability add-on with its own IRSA role (CloudWatchAgentServerPolicy
 * on the agent's service account, not on every node), and the performance log group created beforehand so it is
 * encrypted with the region's key and expires (the agent would otherwise create it unencrypted, kept forever).
 */
export class ContainerInsights extends pulumi.ComponentResource {
    readonly performanceLogGroupName: pulumi.Output<string>;
    readonly addonName: pulumi.Output<string>;

    constructor(name: string, args: ContainerInsightsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:compute:ContainerInsights", name, {}, opts);
        validateArgs(args).throwIfAny(this, "ContainerInsights", name);
        // The agent writes to /aws/containerinsights/<cluster>/performance (CloudWatch User Guide, "Container
        // Insights structured logs for Amazon EKS").
        const logGroupName = `/aws/containerinsights/${args.clusterName}/performance`;
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-performance`,
            { name: logGroupName, kmsKeyId: args.kmsKeyArn, retentionInDays: args.performanceLogRetentionDays, tags: { Name: logGroupName } },
            { parent: this },
        );
        const role = args.cluster.irsaRole(
            `${name}-agent`,
            { namespace: AGENT_NAMESPACE, serviceAccount: AGENT_SERVICE_ACCOUNT, managedPolicyArns: [pulumi.interpolate`arn:${args.partition}:iam::aws:policy/CloudWatchAgentServerPolicy`] },
            this,
        );
        // No addonVersion: EKS installs the default version for the cluster's Kubernetes version (EKS API,
        // CreateAddon addonVersion), and an upgrade is a reviewed change of this file.
        const addon = new aws.eks.Addon(
            `${name}-addon`,
            {
                clusterName: args.cluster.clusterName,
                addonName: OBSERVABILITY_ADDON,
                serviceAccountRoleArn: role.arn,
                configurationValues: OBSERVABILITY_CONFIGURATION,
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
            },
            { parent: this, dependsOn: [logGroup, ...role.grants, ...args.dependsOn] },
        );
        this.performanceLogGroupName = logGroup.name;
        this.addonName = addon.addonName;
        this.registerOutputs({ performanceLogGroupName: this.performanceLogGroupName });
    }
}

function validateArgs(args: ContainerInsightsArgs): Problems {
    const p = new Problems();
    p.check(RETENTION_DAYS.includes(args.performanceLogRetentionDays), `performanceLogRetentionDays must be one of CloudWatch Logs' retention values (${RETENTION_DAYS.join(", ")}), got ${args.performanceLogRetentionDays}`);
    return p;
}
