import * as aws from "@pulumi/aws";
import { RegionalKms } from "../components/kms/RegionalKms";
import { RegionalVpc } from "../components/network/RegionalVpc";
import { VpcPeering } from "../components/network/VpcPeering";
import { loadStackConfig } from "./config/load";
import type { NetworkOutputs, PeeringOutputs } from "./outputs";
import { type PrimaryLink, readPrimary } from "./primary";
import { regionalProvider } from "./providers";

export type StackOutputs = NetworkOutputs & Partial<PeeringOutputs>;

/**
 * One region of the platform. The same program runs every stack; what differs between regions is in
 * Pulumi.<region>.yaml. Config (and, for a secondary, the primary's outputs) is validated before the first
 * resource is registered, so a bad stack file never leaves a half-created region.
 */
export async function program() {
    const config = loadStackConfig();
    const primary: PrimaryLink | undefined = config.role === "secondary" ? await readPrimary(config) : undefined;

    const provider = regionalProvider(config, config.region);
    const onRegion = { providers: [provider] };
    const [identity, partition] = await Promise.all([aws.getCallerIdentity({}, { provider }), aws.getPartition({}, { provider })]);

    const prefix = `intelgraph-${config.region}`;
    const kms = new RegionalKms("kms", { region: config.region, accountId: identity.accountId, partition: partition.partition, alias: prefix }, onRegion);
    const vpc = new RegionalVpc(
        "network",
        { cidrBlock: config.network.cidr, availabilityZones: config.network.availabilityZones, kmsKeyArn: kms.keyArn, nameTag: prefix },
        onRegion,
    );

    let peering: VpcPeering | undefined;
    if (primary) {
        const primaryProvider = regionalProvider(config, primary.network.region);
        peering = new VpcPeering(
            "peering",
            {
                requester: { vpcId: vpc.vpcId, cidrBlock: vpc.cidrBlock, routeTableIds: [...vpc.routeTableIds.private, ...vpc.routeTableIds.isolated] },
                accepter: {
                    region: primary.network.region,
                    vpcId: primary.network.vpcId,
                    cidrBlock: primary.network.vpcCidr,
                    routeTableIds: [...primary.network.privateRouteTableIds, ...primary.network.isolatedRouteTableIds],
                },
                accepterProvider: primaryProvider,
                nameTag: `intelgraph-${config.region}-to-${primary.network.region}`,
            },
            onRegion,
        );
    }

    return {
        region: config.region,
        role: config.role,
        residencyZone: config.residency.zone,
        kmsKeyArn: kms.keyArn,
        kmsKeyAlias: kms.aliasName,
        vpcId: vpc.vpcId,
        vpcCidr: vpc.cidrBlock,
        publicSubnetIds: vpc.subnetIds.public,
        privateSubnetIds: vpc.subnetIds.private,
        isolatedSubnetIds: vpc.subnetIds.isolated,
        privateRouteTableIds: vpc.routeTableIds.private,
        isolatedRouteTableIds: vpc.routeTableIds.isolated,
        natGatewayIds: vpc.natGatewayIds,
        flowLogGroupName: vpc.flowLogGroupName,
        ...(primary && peering ? { primaryStack: primary.stackName, peeringConnectionId: peering.peeringConnectionId } : {}),
    };
}
