import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, duplicatesOf, regionOfZone } from "../boundary";
import { MAX_VPC_PREFIX, MIN_VPC_PREFIX, SUBNET_TIERS, type SubnetTier, parseCidr, planSubnets } from "./cidr";

export interface RegionalVpcArgs {
    /** VPC range, /16 to /20 (validated by the stack config). */
    readonly cidrBlock: string;
    /** Exactly three AZs of the parent provider's region. */
    readonly availabilityZones: readonly string[];
    /** The region's customer-managed key: flow-log log group encryption. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Flow-log retention in days (CloudWatch accepted values); one year by default for audits. */
    readonly flowLogRetentionDays?: number;
    /** Tag prefix for AWS `Name` tags; kept apart from logical names so renaming never replaces. */
    readonly nameTag: string;
}

export type ByTier<T> = Record<SubnetTier, T[]>;

/**
 * A region's network: three AZs with public, private (app) and isolated (data) subnets, one NAT gateway per
 * AZ so losing an AZ never cuts another AZ's egress, one route table per AZ and tier with routes as separate
 * resources (peering adds its own routes to these tables; inline routes would fight them), and flow logs.
 */
export class RegionalVpc extends pulumi.ComponentResource {
    readonly vpcId: pulumi.Output<string>;
    readonly cidrBlock: pulumi.Output<string>;
    /** Subnet ids per tier, in the order of `availabilityZones`. */
    readonly subnetIds: ByTier<pulumi.Output<string>>;
    /** Route table ids per tier, in the order of `availabilityZones`. */
    readonly routeTableIds: ByTier<pulumi.Output<string>>;
    readonly natGatewayIds: pulumi.Output<string>[];
    /** Subnet CIDRs per tier, in the order of `availabilityZones` (known before deploy: they come from the layout). */
    readonly subnetCidrs: ByTier<string>;
    readonly flowLogGroupName: pulumi.Output<string>;
    readonly availabilityZones: readonly string[];

    constructor(name: string, args: RegionalVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:network:RegionalVpc", name, {}, opts);
        validateArgs(args).throwIfAny(this, "RegionalVpc", name);
        const plan = planSubnets(args.cidrBlock, args.availabilityZones);
        const tag = (suffix: string) => ({ Name: `${args.nameTag}-${suffix}` });
        const azSuffix = (az: string) => az.slice(-1);

        const vpc = new aws.ec2.Vpc(
            `${name}-vpc`,
            { cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: tag("vpc") },
            { parent: this },
        );
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tag("igw") }, { parent: this });

        const subnetIds: ByTier<pulumi.Output<string>> = { public: [], private: [], isolated: [] };
        const routeTableIds: ByTier<pulumi.Output<string>> = { public: [], private: [], isolated: [] };
        const subnets = new Map<string, aws.ec2.Subnet>();
        for (const s of plan) {
            const suffix = `${s.tier}-${azSuffix(s.az)}`;
            const subnet = new aws.ec2.Subnet(
                `${name}-subnet-${suffix}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: s.cidr,
                    availabilityZone: s.az,
                    // Public subnets hold only load balancers and NAT gateways; nothing gets a public IP by default.
                    mapPublicIpOnLaunch: false,
                    tags: {
                        ...tag(suffix),
                        tier: s.tier,
                        // Subnet discovery by the AWS Load Balancer Controller (internet-facing vs internal ALBs).
                        ...(s.tier === "public" ? { "kubernetes.io/role/elb": "1" } : {}),
                        ...(s.tier === "private" ? { "kubernetes.io/role/internal-elb": "1" } : {}),
                    },
                },
                { parent: this },
            );
            subnets.set(`${s.tier}/${s.az}`, subnet);
            subnetIds[s.tier].push(subnet.id);
        }

        const natGateways = args.availabilityZones.map((az) => {
            const eip = new aws.ec2.Eip(`${name}-nat-eip-${azSuffix(az)}`, { domain: "vpc", tags: tag(`nat-${azSuffix(az)}`) }, { parent: this, dependsOn: [igw] });
            return new aws.ec2.NatGateway(
                `${name}-nat-${azSuffix(az)}`,
                { allocationId: eip.id, subnetId: subnets.get(`public/${az}`)!.id, connectivityType: "public", tags: tag(`nat-${azSuffix(az)}`) },
                { parent: this, dependsOn: [igw] },
            );
        });

        args.availabilityZones.forEach((az, i) => {
            for (const tier of SUBNET_TIERS) {
                const suffix = `${tier}-${azSuffix(az)}`;
                const rt = new aws.ec2.RouteTable(`${name}-rt-${suffix}`, { vpcId: vpc.id, tags: tag(`rt-${suffix}`) }, { parent: this });
                routeTableIds[tier].push(rt.id);
                new aws.ec2.RouteTableAssociation(`${name}-rta-${suffix}`, { routeTableId: rt.id, subnetId: subnets.get(`${tier}/${az}`)!.id }, { parent: this });
                if (tier === "public") {
                    new aws.ec2.Route(`${name}-route-${suffix}-internet`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, { parent: this });
                } else if (tier === "private") {
                    // Same-AZ NAT: an AZ outage takes out only that AZ's egress.
                    new aws.ec2.Route(`${name}-route-${suffix}-egress`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: natGateways[i].id }, { parent: this });
                }
                // Isolated (data) tables get no default route: databases never reach or are reached from the internet.
            }
        });

        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-flow-logs`,
            { name: `/intelgraph/${args.nameTag}/vpc-flow-logs`, retentionInDays: args.flowLogRetentionDays ?? 365, kmsKeyId: args.kmsKeyArn, tags: tag("flow-logs") },
            { parent: this },
        );
        const flowLogRole = new aws.iam.Role(
            `${name}-flow-logs-role`,
            {
                description: `VPC flow logs delivery for ${args.nameTag}`,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "vpc-flow-logs.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: tag("flow-logs-role"),
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-flow-logs-policy`,
            {
                role: flowLogRole.id,
                policy: logGroup.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                Resource: [arn, `${arn}:*`],
                            },
                        ],
                    }),
                ),
            },
            { parent: this },
        );
        new aws.ec2.FlowLog(
            `${name}-flow-log`,
            {
                vpcId: vpc.id,
                trafficType: "ALL",
                logDestinationType: "cloud-watch-logs",
                logDestination: logGroup.arn,
                iamRoleArn: flowLogRole.arn,
                maxAggregationInterval: 60,
                tags: tag("flow-log"),
            },
            { parent: this },
        );

        this.vpcId = vpc.id;
        this.cidrBlock = vpc.cidrBlock;
        this.subnetIds = subnetIds;
        this.routeTableIds = routeTableIds;
        this.natGatewayIds = natGateways.map((n) => n.id);
        this.subnetCidrs = { public: [], private: [], isolated: [] };
        for (const s of plan) this.subnetCidrs[s.tier].push(s.cidr);
        this.flowLogGroupName = logGroup.name;
        this.availabilityZones = [...args.availabilityZones];
        this.registerOutputs({
            vpcId: this.vpcId,
            cidrBlock: this.cidrBlock,
            subnetIds: this.subnetIds,
            routeTableIds: this.routeTableIds,
            natGatewayIds: this.natGatewayIds,
        });
    }
}

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy), never-expire excluded: flow logs are audit records. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

function validateArgs(args: RegionalVpcArgs): Problems {
    const p = new Problems();
    const cidr = parseCidr(args.cidrBlock);
    if (typeof cidr === "string") p.add(`cidrBlock ${cidr}`);
    else p.check(cidr.prefix >= MIN_VPC_PREFIX && cidr.prefix <= MAX_VPC_PREFIX, `cidrBlock ${args.cidrBlock} must be a /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX}`);
    const azs = args.availabilityZones;
    p.check(azs.length === 3, `availabilityZones must list exactly three AZs (one NAT gateway, route table and subnet per tier in each), got ${azs.length}: ${JSON.stringify(azs)}`);
    const dup = duplicatesOf([...azs]);
    p.check(dup.length === 0, `availabilityZones must be distinct, ${dup.join(", ")} is listed twice`);
    const bad = azs.filter((az) => !regionOfZone(az));
    p.check(bad.length === 0, `availabilityZones must be AZ names such as us-west-2a, got ${bad.map((x) => JSON.stringify(x)).join(", ")}`);
    const regions = [...new Set(azs.map(regionOfZone).filter((r): r is string => r !== undefined))];
    p.check(regions.length <= 1, `availabilityZones must all be in one region (a VPC is regional), got ${regions.join(", ")}`);
    const retention = args.flowLogRetentionDays;
    p.check(retention === undefined || (LOG_RETENTION_DAYS as readonly number[]).includes(retention), `flowLogRetentionDays must be one of CloudWatch's retention values (${LOG_RETENTION_DAYS.join(", ")}), got ${retention}`);
    p.check(args.nameTag.length > 0, "nameTag must not be empty");
    return p;
}
