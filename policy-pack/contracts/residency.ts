/**
 * Contract: the residency vocabulary the program (provider defaultTags, stack config validation) and the policy
 * pack share: the zones a stack may declare, the regions each zone allows, and the tag keys every AWS resource
 * carries. The program imports it through stacks/config/residency.ts; the rules' schema defaults come from it.
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

export function zoneAllowsRegion(zone: string, region: string): boolean {
    return (RESIDENCY_ZONES[zone] ?? []).includes(region);
}

/**
 * The countries (ISO 3166-1 alpha-2, as WAF's geo match statement takes them) whose clients a zone serves, for
 * the optional WAF geo rule. EU: the 27 member states plus the EEA's Iceland, Liechtenstein and Norway.
 */
export const RESIDENCY_ZONE_COUNTRIES: Readonly<Record<string, readonly string[]>> = {
    us: ["US"],
    eu: ["AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "IS", "LI", "NO"],
    ca: ["CA"],
};
