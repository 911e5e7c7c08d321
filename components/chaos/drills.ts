/**
 * The drills as data: for each AWS FIS experiment, its actions, targets (selected by tags and filters, never by
 * ARN lists that go stale), the IAM permissions the actions are documented to need, and what an operator reads
 * before running it (what it disrupts, how the platform should recover). Pure: unit-tested without mocks, and the
 * same specs feed the component (components/chaos/ChaosExperiments.ts), the cost estimate and the drill CLI.
 *
 * Action ids, parameters, target keys and permissions: AWS FIS User Guide, "AWS FIS Actions reference"
 * (https://docs.aws.amazon.com/fis/latest/userguide/fis-actions-reference.html); target syntax, resource tags,
 * filters and selection modes: "Targets for AWS FIS" (https://docs.aws.amazon.com/fis/latest/userguide/targets.html).
 */

export const DRILL_IDS = ["azPowerInterruption", "auroraFailover", "redisAzPower", "eksNodeTermination", "crossRegionPartition"] as const;
export type DrillId = (typeof DRILL_IDS)[number];

/** FIS action durations run from one minute to 12 hours (Actions reference, "duration" parameters). */
export const MAX_ACTION_MINUTES = 720;

/** The tag every resource of a stack carries through its provider's defaultTags (stacks/config/residency.ts). */
export const STACK_TAG_KEY = "pulumi-stack";

/**
 * FIS tags what it creates for the network actions (network ACLs, route tables, prefix lists, interfaces) with
 * managedByFIS=true and deletes them when the action ends (Actions reference, aws:network:disrupt-connectivity and
 * aws:network:route-table-disrupt-cross-region-connectivity).
 */
export const FIS_MANAGED_TAG = { key: "managedByFIS", value: "true" } as const;

export interface IamStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Action: readonly string[];
    readonly Resource: string | readonly string[];
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

export interface DrillTarget {
    readonly name: string;
    readonly resourceType: string;
    readonly resourceTags: Readonly<Record<string, string>>;
    readonly filters?: readonly { readonly path: string; readonly values: readonly string[] }[];
    readonly parameters?: Readonly<Record<string, string>>;
    readonly selectionMode: string;
}

export interface DrillAction {
    readonly name: string;
    readonly actionId: string;
    readonly description: string;
    readonly parameters?: Readonly<Record<string, string>>;
    /** The action's target key (e.g. Instances) and the target's name. */
    readonly target: { readonly key: string; readonly value: string };
    /** Minutes the action is active: its duration, or 1 for an instantaneous one (FIS bills per started minute). */
    readonly activeMinutes: number;
}

export interface DrillSpec {
    readonly id: DrillId;
    /** Short kebab name for physical names (roles, templates' Name tags). */
    readonly slug: string;
    readonly title: string;
    /** What the experiment takes away, in an operator's words. */
    readonly disrupts: string;
    /** How the platform is expected to recover, and which objective applies. */
    readonly expectedRecovery: string;
    /**
     * Whether a `pulumi up` during the experiment would fight it (it changes resources the stack manages): the
     * drill CLI sets the deploy freeze for every drill anyway; this says why it matters for this one.
     */
    readonly fightsDeploys: string;
    readonly actions: readonly DrillAction[];
    readonly targets: readonly DrillTarget[];
    /** The role's permissions; `vpcId` is the stack's VPC (known at deploy only), the network actions' scope. */
    readonly statements: (vpcId: string) => IamStatement[];
}

export interface DrillContext {
    readonly stack: string;
    readonly region: string;
    readonly accountId: string;
    readonly partition: string;
    /** The region's three AZs (intelgraph:availabilityZones). */
    readonly availabilityZones: readonly string[];
    /** The EKS cluster's name: its general node group is tagged Name=<cluster>-ng-general (components/compute/EksCluster.ts). */
    readonly eksClusterName: string;
    /**
     * The private and isolated subnets' CIDRs (the pure layout, components/network/cidr.ts): the subnets with peer
     * routes. Six, the default quota of target subnets for the cross-region action (Service Quotas, AWS FIS,
     * L-100E963F "Target Subnets for aws:network:route-table-disrupt-cross-region-connectivity": 6); the public
     * subnets hold only the ALB and NAT gateways, which never reach the other region.
     */
    readonly peeredSubnetCidrs: readonly string[];
}

export interface DrillSettings {
    readonly availabilityZone: string;
    readonly azPowerInterruption: { readonly enabled: boolean; readonly durationMinutes: number };
    readonly auroraFailover: { readonly enabled: boolean };
    readonly redisAzPower: { readonly enabled: boolean; readonly durationMinutes: number };
    readonly eksNodeTermination: { readonly enabled: boolean; readonly instanceTerminationPercentage: number };
    readonly crossRegionPartition: { readonly enabled: boolean; readonly durationMinutes: number; readonly region: string };
}

/** ISO 8601 duration as FIS takes it (PT30M). */
export const isoMinutes = (m: number) => `PT${m}M`;

function arn(ctx: DrillContext, service: string, resource: string): string {
    return `arn:${ctx.partition}:${service}:${ctx.region}:${ctx.accountId}:${resource}`;
}

/** Mutating calls only on this stack's resources: the tag its provider stamps on everything (IAM, aws:ResourceTag). */
const ownedByStack = (ctx: DrillContext) => ({ StringEquals: { [`aws:ResourceTag/${STACK_TAG_KEY}`]: ctx.stack } });
const stackTags = (ctx: DrillContext) => ({ [STACK_TAG_KEY]: ctx.stack });
const inAz = (path: string, az: string) => ({ path, values: [az] });

/** Read-only calls FIS makes to resolve targets; these APIs have no resource-level permissions (Service Authorization Reference). */
const describe = (sid: string, actions: readonly string[]): IamStatement => ({ Sid: sid, Effect: "Allow", Action: actions, Resource: "*" });

/**
 * Network actions: FIS clones the subnets' network ACL or route tables (tagged managedbyFIS=true), associates the
 * clones with the target subnets and, at the end, restores the associations and deletes the clones (Actions
 * reference, aws:network:disrupt-connectivity and aws:network:route-table-disrupt-cross-region-connectivity). The
 * role mirrors the shape of AWS's managed policy AWSFaultInjectionSimulatorNetworkAccess, narrowed to this stack:
 * creating only with FIS's tag and in this VPC (by ARN), associating only resources of this VPC (EC2 condition key
 * ec2:Vpc, Service Authorization Reference, "Actions, resources, and condition keys for Amazon EC2"), changing and
 * deleting only what carries FIS's tag.
 */
function networkStatements(ctx: DrillContext, vpcId: string, prefix: string, actions: { readonly create: readonly string[]; readonly associate: readonly string[]; readonly changeOwn: readonly string[]; readonly describe: readonly string[] }): IamStatement[] {
    const vpcArn = arn(ctx, "ec2", `vpc/${vpcId}`);
    const fisTagged = { StringEquals: { [`aws:RequestTag/${FIS_MANAGED_TAG.key}`]: FIS_MANAGED_TAG.value } };
    const createActions = actions.create.map((a) => a.replace(/^ec2:/, ""));
    return [
        describe(`${prefix}Describe`, actions.describe),
        { Sid: `${prefix}CreateInOwnVpc`, Effect: "Allow", Action: actions.create, Resource: vpcArn },
        { Sid: `${prefix}CreateTagged`, Effect: "Allow", Action: actions.create, Resource: "*", Condition: fisTagged },
        {
            Sid: `${prefix}TagWhatFisCreates`,
            Effect: "Allow",
            Action: ["ec2:CreateTags"],
            Resource: "*",
            Condition: { StringEquals: { ...fisTagged.StringEquals, "ec2:CreateAction": createActions } },
        },
        {
            Sid: `${prefix}AssociateInOwnVpc`,
            Effect: "Allow",
            Action: actions.associate,
            Resource: ["network-acl/*", "route-table/*", "subnet/*", "network-interface/*", "security-group/*", "vpc-endpoint/*"].map((r) => arn(ctx, "ec2", r)),
            Condition: { ArnEquals: { "ec2:Vpc": vpcArn } },
        },
        {
            Sid: `${prefix}ChangeWhatFisCreated`,
            Effect: "Allow",
            Action: actions.changeOwn,
            Resource: "*",
            Condition: { StringEquals: { [`aws:ResourceTag/${FIS_MANAGED_TAG.key}`]: FIS_MANAGED_TAG.value } },
        },
    ];
}

function azPowerInterruption(ctx: DrillContext, s: DrillSettings): DrillSpec {
    const az = s.availabilityZone;
    const minutes = s.azPowerInterruption.durationMinutes;
    return {
        id: "azPowerInterruption",
        slug: "az-power",
        title: `AZ power interruption of ${az}`,
        disrupts: `every EC2 instance of this stack in ${az} (EKS nodes: general and the graph node of ${az}) stopped for ${minutes} min then started again; the stack's subnets in ${az} cut off (all traffic) for ${minutes} min; the cache nodes in ${az} without power for ${minutes} min`,
        expectedRecovery: `the ALB stops routing to ${az} (unhealthy targets), the node groups keep serving from the two other AZs, Neo4j keeps a quorum of 2 of 3, Redis fails over to a replica in another AZ; no region failover: the region RTO/RPO objectives must hold with no data loss`,
        fightsDeploys: "FIS replaces the AZ's subnets' network ACL associations with its own deny-all ACL: a pulumi up of the VPC during the drill would not see or restore them, and node group updates would wait for stopped nodes",
        actions: [
            // The AZ Availability: Power Interruption scenario's zonal compute and subnet actions (AWS FIS User Guide,
            // "AZ Availability: Power Interruption", https://docs.aws.amazon.com/fis/latest/userguide/az-availability-scenario.html).
            { name: "stop-instances", actionId: "aws:ec2:stop-instances", description: `Stop the stack's instances in ${az}, start them after ${minutes} min`, parameters: { startInstancesAfterDuration: isoMinutes(minutes) }, target: { key: "Instances", value: "instances-in-az" }, activeMinutes: minutes },
            { name: "cut-subnets", actionId: "aws:network:disrupt-connectivity", description: `Deny all traffic of the stack's subnets in ${az}`, parameters: { duration: isoMinutes(minutes), scope: "all" }, target: { key: "Subnets", value: "subnets-in-az" }, activeMinutes: minutes },
            { name: "cache-power", actionId: "aws:elasticache:replicationgroup-interrupt-az-power", description: `Interrupt power of the cache nodes in ${az}`, parameters: { duration: isoMinutes(minutes) }, target: { key: "ReplicationGroups", value: "cache-in-az" }, activeMinutes: minutes },
        ],
        targets: [
            { name: "instances-in-az", resourceType: "aws:ec2:instance", resourceTags: stackTags(ctx), filters: [inAz("Placement.AvailabilityZone", az), { path: "State.Name", values: ["running"] }], selectionMode: "ALL" },
            { name: "subnets-in-az", resourceType: "aws:ec2:subnet", resourceTags: stackTags(ctx), filters: [inAz("AvailabilityZone", az)], selectionMode: "ALL" },
            { name: "cache-in-az", resourceType: "aws:elasticache:replicationgroup", resourceTags: stackTags(ctx), parameters: { availabilityZoneIdentifier: az }, selectionMode: "ALL" },
        ],
        statements: (vpcId) => [
            describe("ResolveTargets", ["ec2:DescribeInstances", "elasticache:DescribeReplicationGroups", "tag:GetResources"]),
            { Sid: "StopAndStartOwnInstances", Effect: "Allow", Action: ["ec2:StopInstances", "ec2:StartInstances"], Resource: arn(ctx, "ec2", "instance/*"), Condition: ownedByStack(ctx) },
            // Starting an instance with volumes encrypted under a customer key needs kms:CreateGrant (Actions reference,
            // aws:ec2:stop-instances); the regional key admits it only through EC2 of this region (components/kms/keyPolicy.ts).
            {
                Sid: "StartEncryptedVolumes",
                Effect: "Allow",
                Action: ["kms:CreateGrant"],
                Resource: arn(ctx, "kms", "key/*"),
                Condition: { StringEquals: { "kms:ViaService": `ec2.${ctx.region}.amazonaws.com` }, Bool: { "kms:GrantIsForAWSResource": "true" } },
            },
            { Sid: "InterruptOwnCache", Effect: "Allow", Action: ["elasticache:InterruptClusterAzPower"], Resource: arn(ctx, "elasticache", "replicationgroup:*"), Condition: ownedByStack(ctx) },
            ...networkStatements(ctx, vpcId, "Acl", {
                create: ["ec2:CreateNetworkAcl"],
                associate: ["ec2:ReplaceNetworkAclAssociation"],
                changeOwn: ["ec2:CreateNetworkAclEntry", "ec2:DeleteNetworkAcl"],
                describe: ["ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkAcls", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ec2:GetManagedPrefixListEntries"],
            }),
        ],
    };
}

function auroraFailover(ctx: DrillContext): DrillSpec {
    return {
        id: "auroraFailover",
        slug: "aurora-failover",
        title: "Aurora cluster failover (writer to the standby instance)",
        disrupts: "the region's Aurora cluster fails over: the writer instance restarts as a reader and a reader in another AZ becomes the writer; writes fail for the failover's duration",
        expectedRecovery: "the cluster endpoint points at the new writer within about a minute (Aurora User Guide, \"High availability for Amazon Aurora\"); the API reconnects; RPO 0 in the region (shared cluster volume)",
        fightsDeploys: "the writer moves to another instance: a pulumi up changing the cluster during the failover would be refused by RDS (cluster not available)",
        actions: [{ name: "failover", actionId: "aws:rds:failover-db-cluster", description: "Fail the stack's Aurora cluster over to a reader", target: { key: "Clusters", value: "cluster" }, activeMinutes: 1 }],
        targets: [{ name: "cluster", resourceType: "aws:rds:cluster", resourceTags: stackTags(ctx), selectionMode: "ALL" }],
        statements: () => [
            describe("ResolveTargets", ["rds:DescribeDBClusters", "tag:GetResources"]),
            { Sid: "FailOverOwnCluster", Effect: "Allow", Action: ["rds:FailoverDBCluster"], Resource: arn(ctx, "rds", "cluster:*"), Condition: ownedByStack(ctx) },
        ],
    };
}

function redisAzPower(ctx: DrillContext, s: DrillSettings): DrillSpec {
    const az = s.availabilityZone;
    const minutes = s.redisAzPower.durationMinutes;
    return {
        id: "redisAzPower",
        slug: "redis-az-power",
        title: `ElastiCache AZ power interruption of ${az}`,
        disrupts: `the cache nodes of this stack's replication group in ${az} lose power for ${minutes} min; if the primary is there, Multi-AZ promotes a replica in another AZ; no replacement node starts in ${az} meanwhile`,
        expectedRecovery: "automatic failover to a replica within the Multi-AZ window; the primary endpoint follows the promoted node; the global datastore keeps replicating",
        fightsDeploys: "the replication group is modifying during the failover: a pulumi up changing it would be refused (invalid state)",
        actions: [
            // Renamed from aws:elasticache:interrupt-cluster-az-power; the reference lists the replicationgroup- id today.
            { name: "cache-power", actionId: "aws:elasticache:replicationgroup-interrupt-az-power", description: `Interrupt power of the cache nodes in ${az}`, parameters: { duration: isoMinutes(minutes) }, target: { key: "ReplicationGroups", value: "cache-in-az" }, activeMinutes: minutes },
        ],
        targets: [{ name: "cache-in-az", resourceType: "aws:elasticache:replicationgroup", resourceTags: stackTags(ctx), parameters: { availabilityZoneIdentifier: az }, selectionMode: "ALL" }],
        statements: () => [
            describe("ResolveTargets", ["elasticache:DescribeReplicationGroups", "tag:GetResources"]),
            { Sid: "InterruptOwnCache", Effect: "Allow", Action: ["elasticache:InterruptClusterAzPower"], Resource: arn(ctx, "elasticache", "replicationgroup:*"), Condition: ownedByStack(ctx) },
        ],
    };
}

function eksNodeTermination(ctx: DrillContext, s: DrillSettings): DrillSpec {
    const pct = s.eksNodeTermination.instanceTerminationPercentage;
    return {
        id: "eksNodeTermination",
        slug: "eks-node-termination",
        title: `EKS node termination (${pct} % of the general node group)`,
        disrupts: `${pct} % of the general node group's instances terminated at once (the graph node groups are left alone: their PDB allows one Neo4j server down, the AZ drill covers it)`,
        expectedRecovery: "the node group's Auto Scaling group replaces the instances; the API's pods reschedule on the remaining nodes (PDBs, two load-balancer controller replicas); no data tier is touched",
        fightsDeploys: "the node group is scaling: a pulumi up updating it would wait for, or race, the replacement",
        actions: [
            { name: "terminate-nodes", actionId: "aws:eks:terminate-nodegroup-instances", description: `Terminate ${pct} % of the general node group's instances`, parameters: { instanceTerminationPercentage: String(pct) }, target: { key: "Nodegroups", value: "general-nodes" }, activeMinutes: 1 },
        ],
        // One tag, unique to this stack's general node group: its Name (EksCluster tags node groups <cluster>-ng-<tier>).
        targets: [{ name: "general-nodes", resourceType: "aws:eks:nodegroup", resourceTags: { Name: `${ctx.eksClusterName}-ng-general` }, selectionMode: "ALL" }],
        statements: () => [
            describe("ResolveTargets", ["ec2:DescribeInstances", "eks:DescribeNodegroup", "tag:GetResources"]),
            { Sid: "TerminateOwnNodes", Effect: "Allow", Action: ["ec2:TerminateInstances"], Resource: arn(ctx, "ec2", "instance/*"), Condition: ownedByStack(ctx) },
        ],
    };
}

function crossRegionPartition(ctx: DrillContext, s: DrillSettings): DrillSpec {
    const { durationMinutes: minutes, region: peer } = s.crossRegionPartition;
    return {
        id: "crossRegionPartition",
        slug: "cross-region-partition",
        title: `Cross-region partition ${ctx.region} -/-> ${peer}`,
        disrupts: `traffic from this stack's private and isolated subnets to ${peer} (the peering routes and ${peer}'s public ranges) blocked for ${minutes} min: FIS associates the subnets with copies of their route tables without those routes`,
        expectedRecovery: `the region keeps serving on its own (static stability); the replication-lag alarms of the receiving region fire if this region writes; after ${minutes} min FIS restores the associations and replication catches up; RPO is what the lag reached`,
        fightsDeploys:
            "FIS swaps the subnets' route table associations for route tables it creates: a pulumi up of the VPC (RegionalVpc's associations) or of the interconnect's peer routes during the drill would fight it, so both regions' deploys are frozen",
        actions: [
            {
                name: "partition",
                actionId: "aws:network:route-table-disrupt-cross-region-connectivity",
                description: `Block traffic from the stack's subnets to ${peer}`,
                parameters: { region: peer, duration: isoMinutes(minutes) },
                target: { key: "Subnets", value: "subnets" },
                activeMinutes: minutes,
            },
        ],
        targets: [{ name: "subnets", resourceType: "aws:ec2:subnet", resourceTags: stackTags(ctx), filters: [{ path: "CidrBlock", values: ctx.peeredSubnetCidrs }], selectionMode: "ALL" }],
        statements: (vpcId) =>
            networkStatements(ctx, vpcId, "Routes", {
                create: ["ec2:CreateRouteTable", "ec2:CreateManagedPrefixList", "ec2:CreateNetworkInterface"],
                associate: ["ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:ReplaceRouteTableAssociation", "ec2:CreateNetworkInterface", "ec2:ModifyVpcEndpoint"],
                changeOwn: ["ec2:CreateRoute", "ec2:DeleteRouteTable", "ec2:DisassociateRouteTable", "ec2:DeleteNetworkInterface", "ec2:ModifyManagedPrefixList", "ec2:DeleteManagedPrefixList"],
                describe: ["ec2:DescribeManagedPrefixLists", "ec2:DescribeNetworkInterfaces", "ec2:DescribeRouteTables", "ec2:DescribeSubnets", "ec2:DescribeVpcPeeringConnections", "ec2:DescribeVpcs", "ec2:GetManagedPrefixListEntries", "tag:GetResources"],
            }),
    };
}

/** The enabled drills of a stack, in DRILL_IDS order. */
export function drillSpecs(ctx: DrillContext, s: DrillSettings): DrillSpec[] {
    const all: Record<DrillId, () => DrillSpec> = {
        azPowerInterruption: () => azPowerInterruption(ctx, s),
        auroraFailover: () => auroraFailover(ctx),
        redisAzPower: () => redisAzPower(ctx, s),
        eksNodeTermination: () => eksNodeTermination(ctx, s),
        crossRegionPartition: () => crossRegionPartition(ctx, s),
    };
    return DRILL_IDS.filter((id) => s[id].enabled).map((id) => all[id]());
}

/** Action-minutes one run of the drill is billed for (AWS FIS pricing: per action-minute, https://aws.amazon.com/fis/pricing/). */
export const actionMinutes = (d: DrillSpec) => d.actions.reduce((n, a) => n + a.activeMinutes, 0);
