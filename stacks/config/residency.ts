/**
 * Residency vocabulary shared by the program (provider defaultTags), config validation and the policy pack:
 * the zones a stack may declare, the regions each zone allows, and the tag keys every resource carries.
 */

/** A zone lists the regions data of that zone may live in; nothing replicates, peers or is keyed across it. */
export const RESIDENCY_ZONES: Readonly<Record<string, readonly string[]>> = {
    us: ["us-east-1", "us-east-2", "us-west-1", "us-west-2"],
    eu: ["eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1"],
    ca: ["ca-central-1", "ca-west-1"],
};

/** Tag keys carried by every AWS resource through its provider's defaultTags. */
export const RESIDENCY_TAG_KEYS = {
    zone: "residency-zone",
    region: "residency-region",
    owner: "owner",
    environment: "environment",
    costCentre: "cost-centre",
} as const;

export type ResidencyTagKey = (typeof RESIDENCY_TAG_KEYS)[keyof typeof RESIDENCY_TAG_KEYS];

export const ENVIRONMENTS = ["prod", "staging", "dev"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export interface Residency {
    readonly zone: string;
    readonly owner: string;
    readonly environment: Environment;
    readonly costCentre: string;
}

/** The tags a provider in `region` stamps on everything it creates. */
export function residencyTags(residency: Residency, region: string, stack: string): Record<string, string> {
    return {
        [RESIDENCY_TAG_KEYS.zone]: residency.zone,
        [RESIDENCY_TAG_KEYS.region]: region,
        [RESIDENCY_TAG_KEYS.owner]: residency.owner,
        [RESIDENCY_TAG_KEYS.environment]: residency.environment,
        [RESIDENCY_TAG_KEYS.costCentre]: residency.costCentre,
        "managed-by": "pulumi",
        "pulumi-stack": stack,
    };
}

export function zoneAllowsRegion(zone: string, region: string): boolean {
    return (RESIDENCY_ZONES[zone] ?? []).includes(region);
}
