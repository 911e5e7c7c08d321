/**
 * Stack outputs: the contract between the primary and its secondaries (read through a StackReference) and
 * the names runbooks and the plan report refer to. Renaming one is a breaking change for both.
 */
import type { Input } from "@pulumi/pulumi";

export interface NetworkOutputs {
    readonly region: string;
    readonly role: "primary" | "secondary";
    readonly residencyZone: string;
    readonly environment: string;
    /** The environment's account (providers pinned to it): a global cluster or datastore spans one account. */
    readonly accountId: string;
    readonly kmsKeyArn: string;
    readonly kmsKeyAlias: string;
    readonly vpcId: string;
    readonly vpcCidr: string;
    readonly publicSubnetIds: string[];
    readonly privateSubnetIds: string[];
    readonly privateSubnetCidrs: string[];
    readonly isolatedSubnetIds: string[];
    readonly privateRouteTableIds: string[];
    readonly isolatedRouteTableIds: string[];
    readonly natGatewayIds: string[];
    readonly flowLogGroupName: string;
}

export interface ComputeOutputs {
    readonly eksClusterName: string;
    readonly eksEndpoint: string;
    readonly eksOidcProviderArn: string;
    readonly eksOidcIssuerUrl: string;
    readonly eksNodeGroupNames: string[];
    readonly eksGraphNodeGroupNames: string[];
    /** Secret. */
    readonly kubeconfig: string;
}

export interface DataOutputs {
    readonly auroraGlobalClusterId: string;
    readonly auroraEngine: string;
    readonly auroraEngineVersion: string;
    readonly auroraClusterArn: string;
    readonly auroraClusterId: string;
    readonly auroraWriterEndpoint: string;
    readonly auroraReaderEndpoint: string;
    readonly auroraSecurityGroupId: string;
    /** The first instance's ARN: a secondary joins only once the primary's writer exists. */
    readonly auroraWriterInstanceArn: string;
    readonly redisGlobalReplicationGroupId: string;
    readonly redisReplicationGroupId: string;
    readonly redisPrimaryEndpoint: string;
    readonly redisReaderEndpoint: string;
    readonly redisSecurityGroupId: string;
    readonly redisNodeType: string;
    /** This region's copy of the credentials: usable after a failover without the other region. */
    readonly auroraMasterSecretArn: string;
    readonly auroraMasterUsername: string;
    readonly auroraDatabaseName: string;
    readonly redisAuthSecretArn: string;
}

export interface GraphAndEdgeOutputs {
    readonly neo4jBoltEndpoint: string;
    readonly neo4jRoutingEndpoint: string;
    readonly neo4jBackupBucketName: string;
    readonly neo4jBackupBucketArn: string;
    readonly apiLoadBalancerDnsName: string;
    readonly apiLoadBalancerArn: string;
    readonly apiTargetGroupArn: string;
    readonly apiCertificateArn: string;
    /** The contract with the API's deployment (README, "What the API's own deployment must provide"). */
    readonly apiNamespace: string;
    readonly apiServiceName: string;
    readonly apiTargetGroupBindingName: string;
    readonly loadBalancerControllerRoleArn: string;
    readonly apiHealthCheckId: string;
    /** The ALB's liveness path (200 while the API runs, writer or not): what the other regions' probes request. */
    readonly apiLivenessPath: string;
    readonly apiRecordFqdn: string;
    readonly dnsWeight: number;
    /** host:port of this region's servers' cluster addresses; the primary's are the secondaries' discovery list. */
    readonly neo4jClusterAddresses: string[];
    /** The cluster CA's certificate (public; one CA for both regions). */
    readonly neo4jClusterCaCertPem: string;
    /** The graph servers' fixed private addresses (their NLBs), in server order. */
    readonly neo4jAddresses: string[];
    /** The graph NLBs' security group: the interconnect admits the other region's graph sources to it. */
    readonly neo4jSecurityGroupId: string;
    /** Days between the graph backups' FULLs: which chain folder (components/graph/backup.ts) holds the newest backup. */
    readonly neo4jFullBackupEveryDays: number;
    /** The API's DNS name as the stack file sets it (known before any record exists). */
    readonly apiDomain: string;
    /** Seconds before Route 53 stops sending traffic to a failed region (interval x threshold + alias caching). */
    readonly failoverDetectionSeconds: number;
}

/** Detection (stacks/monitoring.ts): where the region's alarms notify, and what a release gate reads. */
export interface MonitoringOutputs {
    readonly alertTopicArn: string;
    /** The page-level burn-rate composite alarm: ALARM halts a rollout in this region. */
    readonly apiReleaseGateAlarmName: string;
    readonly dashboardName: string;
}

/** One drill as the drill CLI and the runbook read it (stacks/drillTier.ts, components/chaos/drills.ts). */
export interface DrillOutput {
    readonly templateId: string;
    readonly title: string;
    readonly disrupts: string;
    readonly expectedRecovery: string;
    readonly fightsDeploys: string;
    /** Action-minutes one run is billed for (AWS FIS pricing). */
    readonly actionMinutes: number;
}

/** Drills and evidence (stacks/drillTier.ts). */
export interface DrillOutputs {
    /** This region's Object Lock bucket for drill and failover records (runbooks/dr-drill.md). */
    readonly evidenceBucketName: string;
    /** Retention (days) each drill or failover record is written with. */
    readonly evidenceAuditRetentionDays: number;
    /** COMPLIANCE or GOVERNANCE, as S3 takes it on PutObject. */
    readonly evidenceLockMode: string;
    /** FIS experiment template id per enabled drill (npm run drill -- <drill>). */
    readonly chaosExperimentTemplateIds: Record<string, string>;
    readonly chaosDrills: Record<string, DrillOutput>;
    /** The alarms every drill of this region stops on (FIS stop conditions). */
    readonly chaosStopAlarmArns: string[];
    readonly chaosLogGroupName: string;
}

/** Primary only. */
export interface PrimaryOnlyOutputs {
    readonly auroraGlobalWriterEndpoint: string;
    /** Secret: the cluster CA's key, with which the secondaries' certificates are signed. */
    readonly neo4jClusterCaKeyPem: string;
    /** Secret: the secondaries keep their own regional copy of it. */
    readonly auroraMasterPassword: string;
    /** Secret: the secondaries keep their own regional copy of it. */
    readonly redisAuthToken: string;
}

/** Secondary only. */
export interface MemberOutputs {
    readonly primaryStack: string;
}

/** The billing stack's: the environment's budgets. */
export interface BillingStackOutputs {
    readonly environment: string;
    readonly budgetNames: string[];
}

/** The interconnect's: what it linked, for runbooks and the graph. */
export interface InterconnectStackOutputs {
    readonly residencyZone: string;
    readonly primaryStack: string;
    readonly secondaryStacks: string[];
    /** Per secondary stack, in the order of secondaryStacks. */
    readonly peeringConnectionIds: string[];
    /** The probe alarms, "<probing region> -> <probed region>: <alarm name>" (runbooks/alerts.md#region-probe). */
    readonly probeAlarms: string[];
}

/** The outputs a secondary needs from its primary, read before any of its resources is registered. */
export const PRIMARY_OUTPUTS_FOR_SECONDARY = [
    "region",
    "residencyZone",
    "environment",
    "accountId",
    "vpcCidr",
    "auroraGlobalClusterId",
    "auroraEngine",
    "auroraEngineVersion",
    "auroraWriterInstanceArn",
    "redisGlobalReplicationGroupId",
    "redisNodeType",
    "auroraMasterUsername",
    "auroraDatabaseName",
    // Watched from the secondary when it is where Route 53's health-check metrics are (stacks/monitoring.ts).
    "apiHealthCheckId",
    // The secondaries join the primary's Neo4j cluster: its discovery list and its CA's certificate.
    "neo4jClusterAddresses",
    "neo4jClusterCaCertPem",
] as const;

/** What the interconnect reads from each regional stack it links (peering, routes, data ports, replication). */
export const REGIONAL_OUTPUTS_FOR_INTERCONNECT = [
    "region",
    "role",
    "residencyZone",
    "environment",
    "accountId",
    "vpcId",
    "vpcCidr",
    "privateSubnetCidrs",
    "privateRouteTableIds",
    "isolatedRouteTableIds",
    "auroraSecurityGroupId",
    "redisSecurityGroupId",
    "kmsKeyArn",
    "apiDomain",
    // The cross-region graph ports: each side's NLB group admits the other side's private subnets (stacks/interconnectStack.ts).
    "neo4jSecurityGroupId",
    "neo4jBackupBucketName",
    "neo4jBackupBucketArn",
    // Each region's topic: the backup replication's alarms notify the primary's, each probe its own region's.
    "alertTopicArn",
    // What the other regions' probes request (RegionProbe).
    "apiLoadBalancerDnsName",
    "apiLivenessPath",
] as const;

/**
 * Secret outputs a secondary copies into its own region's Secrets Manager. They are checked for presence with
 * the others but never awaited into plain values: they stay secret Outputs end to end.
 */
export const PRIMARY_SECRETS_FOR_SECONDARY = ["auroraMasterPassword", "redisAuthToken", "neo4jClusterCaKeyPem"] as const;

export type RegionalOutputs = NetworkOutputs & ComputeOutputs & DataOutputs & GraphAndEdgeOutputs & MonitoringOutputs & DrillOutputs;
/** What the regional base provides (stacks/regional.ts); the data and graph tiers, the monitoring and the drills add the rest. */
export type RegionalBaseOutputs = Omit<RegionalOutputs, keyof DataOutputs | keyof MonitoringOutputs | keyof DrillOutputs | "neo4jBoltEndpoint" | "neo4jRoutingEndpoint" | "neo4jClusterAddresses" | "neo4jClusterCaCertPem">;
export type PrimaryStackOutputs = RegionalOutputs & PrimaryOnlyOutputs;
export type SecondaryStackOutputs = RegionalOutputs & MemberOutputs;
/** What any regional stack may have: the reader's view (runbooks, the plan report, a stack reading another). */
export type StackOutputs = RegionalOutputs & Partial<PrimaryOnlyOutputs> & Partial<MemberOutputs>;

/**
 * What a program returns for outputs of type T: every declared output, each as a value or an Output of it.
 * The role programs return object literals of this type, so an undeclared output or a missing one fails
 * the typecheck.
 */
export type ProgramOutputs<T> = { readonly [K in keyof T]-?: Input<T[K]> | (T[K] extends readonly (infer E)[] ? Input<E>[] : never) };
