import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, duplicatesOf, isPort, isRegion } from "../boundary";
import { cidrsOverlap, parseCidr } from "./cidr";
import { allowIngress } from "./securityGroups";

export interface PeeringSide {
    readonly vpcId: pulumi.Input<string>;
    readonly cidrBlock: pulumi.Input<string>;
    /** Route tables that get a route to the other side (private and isolated tiers). */
    readonly routeTableIds: readonly pulumi.Input<string>[];
    /** App (private) subnets whose traffic may cross to the other side's data tier. */
    readonly appSubnetCidrs: readonly pulumi.Input<string>[];
}

/** A data port that crosses the peering: each side's security group admits the other side's app subnets. */
export interface PeeredPort {
    readonly name: string;
    readonly port: number;
    readonly requesterSecurityGroupId: pulumi.Input<string>;
    readonly accepterSecurityGroupId: pulumi.Input<string>;
}

export interface VpcPeeringArgs {
    /** This stack's VPC; its resources use the parent's provider (the requester's region). */
    readonly requester: PeeringSide;
    /** The other region's VPC; its resources use `accepterProvider`. */
    readonly accepter: PeeringSide & { readonly region: string };
    /** Provider of the accepter's region: the accepter and its routes live there. */
    readonly accepterProvider: aws.Provider;
    readonly nameTag: string;
    readonly ports?: readonly PeeredPort[];
}

/**
 * Cross-region VPC peering owned by the zone's interconnect stack: it requests, accepts in the primary's region (a
 * cross-region request cannot auto-accept), enables DNS resolution both ways and adds the routes on both sides.
 * Routes are separate resources because the route tables belong to RegionalVpc; likewise the data ports that
 * cross (Aurora, Redis) are separate ingress rules on each side's security groups.
 */
export class VpcPeering extends pulumi.ComponentResource {
    readonly peeringConnectionId: pulumi.Output<string>;

    constructor(name: string, args: VpcPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:network:VpcPeering", name, {}, opts);
        validateArgs(args).throwIfAny(this, "VpcPeering", name);
        const onAccepter = { parent: this, provider: args.accepterProvider };

        const connection = new aws.ec2.VpcPeeringConnection(
            `${name}-request`,
            {
                vpcId: args.requester.vpcId,
                peerVpcId: args.accepter.vpcId,
                peerRegion: args.accepter.region,
                autoAccept: false,
                tags: { Name: `${args.nameTag}-peering`, side: "requester" },
            },
            { parent: this },
        );
        const accepter = new aws.ec2.VpcPeeringConnectionAccepter(
            `${name}-accept`,
            { vpcPeeringConnectionId: connection.id, autoAccept: true, tags: { Name: `${args.nameTag}-peering`, side: "accepter" } },
            onAccepter,
        );

        // Options can only be set once the connection is active, i.e. after the accepter.
        new aws.ec2.PeeringConnectionOptions(
            `${name}-requester-options`,
            { vpcPeeringConnectionId: accepter.vpcPeeringConnectionId, requester: { allowRemoteVpcDnsResolution: true } },
            { parent: this },
        );
        new aws.ec2.PeeringConnectionOptions(
            `${name}-accepter-options`,
            { vpcPeeringConnectionId: accepter.vpcPeeringConnectionId, accepter: { allowRemoteVpcDnsResolution: true } },
            onAccepter,
        );

        args.requester.routeTableIds.forEach((routeTableId, i) => {
            new aws.ec2.Route(
                `${name}-route-requester-${i}`,
                { routeTableId, destinationCidrBlock: args.accepter.cidrBlock, vpcPeeringConnectionId: accepter.vpcPeeringConnectionId },
                { parent: this },
            );
        });
        args.accepter.routeTableIds.forEach((routeTableId, i) => {
            new aws.ec2.Route(
                `${name}-route-accepter-${i}`,
                { routeTableId, destinationCidrBlock: args.requester.cidrBlock, vpcPeeringConnectionId: accepter.vpcPeeringConnectionId },
                onAccepter,
            );
        });

        for (const p of args.ports ?? []) {
            allowIngress(
                `${name}-${p.name}-from-accepter`,
                { securityGroupId: p.requesterSecurityGroupId, port: p.port, cidrs: args.accepter.appSubnetCidrs, description: `${p.name} from ${args.accepter.region} app subnets` },
                { parent: this, dependsOn: [accepter] },
            );
            allowIngress(
                `${name}-${p.name}-from-requester`,
                { securityGroupId: p.accepterSecurityGroupId, port: p.port, cidrs: args.requester.appSubnetCidrs, description: `${p.name} from the peer region app subnets` },
                { ...onAccepter, dependsOn: [accepter] },
            );
        }

        this.peeringConnectionId = accepter.vpcPeeringConnectionId;
        this.registerOutputs({ peeringConnectionId: this.peeringConnectionId });
    }
}

function validateArgs(args: VpcPeeringArgs): Problems {
    const p = new Problems();
    p.check(isRegion(args.accepter.region), `accepter.region must be an AWS region such as us-west-2, got ${JSON.stringify(args.accepter.region)}`);
    p.check(args.requester.routeTableIds.length > 0, "requester.routeTableIds must list at least one route table: without a route no traffic crosses the peering");
    p.check(args.accepter.routeTableIds.length > 0, "accepter.routeTableIds must list at least one route table: without a route no traffic crosses the peering");
    // Known only when both are plain strings (a stack passes outputs; its config schema checks the overlap).
    const [a, b] = [args.requester.cidrBlock, args.accepter.cidrBlock].map((c) => (typeof c === "string" ? parseCidr(c) : undefined));
    if (typeof a === "string" || typeof b === "string") p.add(`cidrBlock ${typeof a === "string" ? a : b}`);
    else if (a && b && cidrsOverlap(a, b)) p.add(`requester ${String(args.requester.cidrBlock)} and accepter ${String(args.accepter.cidrBlock)} overlap: AWS refuses to peer overlapping VPCs`);
    const ports = args.ports ?? [];
    const dup = duplicatesOf(ports.map((x) => x.name));
    p.check(dup.length === 0, `ports must have distinct names (they name the rules), ${dup.join(", ")} is listed twice`);
    for (const port of ports) p.check(isPort(port.port), `port ${port.name} must be a TCP port from 1 to 65535, got ${port.port}`);
    if (ports.length) {
        p.check(args.requester.appSubnetCidrs.length > 0, "requester.appSubnetCidrs must not be empty when ports are opened");
        p.check(args.accepter.appSubnetCidrs.length > 0, "accepter.appSubnetCidrs must not be empty when ports are opened");
    }
    p.check(args.nameTag.length > 0, "nameTag must not be empty");
    return p;
}
