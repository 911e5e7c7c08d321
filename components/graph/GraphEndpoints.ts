import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, duplicatesOf } from "../boundary";
import { addressProblem, reservationOf } from "./addresses";
import { NEO4J_PORTS } from "./neo4jSettings";

/**
 * The ports a server is reached on from its peers and clients of both regions: cluster (discovery v2 and the
 * cluster's transactions), raft, bolt and routing (Operations Manual 5.26, "Ports": 6000, 7000, 7687, 7688;
 * discovery v2 needs no port 5000). The backup port stays inside the region (the job runs there).
 */
export const GRAPH_PEER_PORTS = ["cluster", "raft", "bolt", "routing"] as const;
export type GraphPeerPort = (typeof GRAPH_PEER_PORTS)[number];

export interface GraphServerPlacement {
    /** The private subnet of the server's AZ. */
    readonly subnetId: pulumi.Input<string>;
    /** That subnet's CIDR (the reservation is its last /28). */
    readonly subnetCidr: string;
    /** The fixed private IP of the server's NLB (stack config), inside the reservation. */
    readonly address: string;
}

export interface GraphEndpointsArgs {
    readonly vpcId: pulumi.Input<string>;
    /** One per server, in server order. */
    readonly servers: readonly GraphServerPlacement[];
    /** This region's private (node and pod) subnets: the servers and clients of this region reach the NLBs from there. */
    readonly localCidrs: readonly string[];
    /** The security group of the pods' ENIs (the EKS cluster security group): the NLBs forward to the pods in it. */
    readonly targetSecurityGroupId: pulumi.Input<string>;
    readonly nameTag: string;
}

/**
 * Per server an internal Network Load Balancer with one fixed private IP in the server's AZ (subnetMappings
 * privateIpv4Address), a target group and listener per peer port (the pod is bound to them by a
 * TargetGroupBinding, Neo4jCluster.ts), and one security group for the region's graph NLBs: open to this
 * region's private subnets here and to the other region's in the interconnect stack (CIDR rules: a peer region's
 * security group cannot be referenced). Fixed IPs are what peers of the other region can route to and rules can
 * name, without DNS and so without Route 53's control plane (us-east-1); they survive pod restarts and any pulumi up.
 */
export class GraphEndpoints extends pulumi.ComponentResource {
    readonly addresses: string[];
    readonly securityGroupId: pulumi.Output<string>;
    /** Per server, per peer port, the target group its pod is bound to. */
    readonly targetGroupArns: Record<GraphPeerPort, pulumi.Output<string>>[];
    readonly loadBalancerArns: pulumi.Output<string>[];

    constructor(name: string, args: GraphEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:graph:GraphEndpoints", name, {}, opts);
        validateArgs(args).throwIfAny(this, "GraphEndpoints", name);
        const child = { parent: this };
        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: "Neo4j server NLBs: cluster, raft, bolt and routing ports", tags: { Name: `${args.nameTag}-graph-nlb` } }, child);
        for (const port of GRAPH_PEER_PORTS) {
            args.localCidrs.forEach((cidr, i) => {
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-in-${port}-${i}`,
                    { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: NEO4J_PORTS[port], toPort: NEO4J_PORTS[port], cidrIpv4: cidr, description: `neo4j ${port} from this region private subnets` },
                    child,
                );
                // The NLB forwards to (and health-checks) the pods in these subnets: the provider removes AWS's default allow-all egress.
                new aws.vpc.SecurityGroupEgressRule(
                    `${name}-out-${port}-${i}`,
                    { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: NEO4J_PORTS[port], toPort: NEO4J_PORTS[port], cidrIpv4: cidr, description: `neo4j ${port} to the server pods` },
                    child,
                );
            });
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-to-pods-${port}`,
                { securityGroupId: args.targetSecurityGroupId, ipProtocol: "tcp", fromPort: NEO4J_PORTS[port], toPort: NEO4J_PORTS[port], referencedSecurityGroupId: sg.id, description: `neo4j ${port} from the graph NLBs` },
                child,
            );
        }

        this.targetGroupArns = [];
        this.loadBalancerArns = [];
        args.servers.forEach((s, i) => {
            // "explicit": "you assign the reserved IP addresses" (EC2 API Reference, CreateSubnetCidrReservation;
            // Amazon VPC User Guide, "Subnet CIDR reservations"), so the CNI never hands a server's address to a node or
            // pod. That an NLB subnet mapping may name an address of an explicit reservation is not documented there:
            // the first staging up proves it (an ELB API refusal would name the address).
            const reservation = new aws.ec2.SubnetCidrReservation(
                `${name}-reserved-${i}`,
                { subnetId: s.subnetId, cidrBlock: reservationOf(s.subnetCidr), reservationType: "explicit", description: "Neo4j server fixed NLB addresses" },
                child,
            );
            const nlb = new aws.lb.LoadBalancer(
                `${name}-${i}`,
                {
                    loadBalancerType: "network",
                    internal: true,
                    subnetMappings: [{ subnetId: s.subnetId, privateIpv4Address: s.address }],
                    // Security groups can only be given to an NLB when it is created (Elastic Load Balancing, Network Load
                    // Balancers, "Security groups": "you can't add security groups after creation").
                    securityGroups: [sg.id],
                    // The server is pinned to this AZ; nothing crosses zones.
                    enableCrossZoneLoadBalancing: false,
                    tags: { Name: `${args.nameTag}-graph-${i}` },
                },
                // subnetMappings replace the NLB (AWS provider, lb_load_balancer: subnet_mapping forces a new resource) and
                // its private IP can be held by one NLB only: the old one must go first.
                { ...child, dependsOn: [reservation], deleteBeforeReplace: true },
            );
            this.loadBalancerArns.push(nlb.arn);
            const arns = {} as Record<GraphPeerPort, pulumi.Output<string>>;
            for (const port of GRAPH_PEER_PORTS) {
                const tg = new aws.lb.TargetGroup(
                    `${name}-tg-${i}-${NEO4J_PORTS[port]}`,
                    {
                        targetType: "ip",
                        protocol: "TCP",
                        port: NEO4J_PORTS[port],
                        vpcId: args.vpcId,
                        // Off (the default for IP targets over TCP): the pods see the NLB's address, which the cluster
                        // security group admits by the NLBs' group (Elastic Load Balancing, "Edit target group attributes for
                        // your Network Load Balancer", client IP preservation); hairpinning from a server to its own NLB works.
                        preserveClientIp: "false",
                        healthCheck: { protocol: "TCP", port: "traffic-port", interval: 10, healthyThreshold: 2, unhealthyThreshold: 2 },
                        tags: { Name: `${args.nameTag}-graph-${i}-${port}` },
                    },
                    child,
                );
                new aws.lb.Listener(`${name}-listener-${i}-${NEO4J_PORTS[port]}`, { loadBalancerArn: nlb.arn, port: NEO4J_PORTS[port], protocol: "TCP", defaultActions: [{ type: "forward", targetGroupArn: tg.arn }] }, child);
                arns[port] = tg.arn;
            }
            this.targetGroupArns.push(arns);
        });
        this.addresses = args.servers.map((s) => s.address);
        this.securityGroupId = sg.id;
        this.registerOutputs({ addresses: this.addresses, securityGroupId: this.securityGroupId });
    }
}

function validateArgs(args: GraphEndpointsArgs): Problems {
    const p = new Problems();
    p.check(args.servers.length > 0, "servers must list at least one server");
    p.check(args.localCidrs.length > 0, "localCidrs must list this region's private subnets");
    for (const [i, s] of args.servers.entries()) {
        const why = addressProblem(s.address, s.subnetCidr);
        p.check(why === undefined, `servers[${i}].address: ${why}`);
    }
    const dup = duplicatesOf(args.servers.map((s) => s.address));
    p.check(dup.length === 0, `servers must have distinct addresses, ${dup.join(", ")} is listed twice`);
    return p;
}
