/**
 * Stack outputs: the contract between the primary and its secondaries (read through a StackReference) and
 * the names runbooks and the plan report refer to. Renaming one is a breaking change for both.
 */
export interface NetworkOutputs {
    readonly region: string;
    readonly role: "primary" | "secondary";
    readonly residencyZone: string;
    readonly kmsKeyArn: string;
    readonly kmsKeyAlias: string;
    readonly vpcId: string;
    readonly vpcCidr: string;
    readonly publicSubnetIds: string[];
    readonly privateSubnetIds: string[];
    readonly isolatedSubnetIds: string[];
    readonly privateRouteTableIds: string[];
    readonly isolatedRouteTableIds: string[];
    readonly natGatewayIds: string[];
    readonly flowLogGroupName: string;
}

/** Secondary only. */
export interface PeeringOutputs {
    readonly primaryStack: string;
    readonly peeringConnectionId: string;
}

/** The outputs a secondary needs from its primary, read before any of its resources is registered. */
export const PRIMARY_OUTPUTS_FOR_SECONDARY = ["region", "residencyZone", "vpcId", "vpcCidr", "privateRouteTableIds", "isolatedRouteTableIds"] as const;
