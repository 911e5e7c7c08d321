/**
 * Residency vocabulary shared by the program (provider defaultTags), config validation and the policy pack:
 * the zones a stack may declare, the regions each zone allows, and the tag keys every resource carries.
 */

import { RESIDENCY_TAG_KEYS } from "../../policy-pack/contracts/residency";

/** Zones, their regions and the tag keys are a contract of the policy pack (policy-pack/contracts/residency.ts). */
export { RESIDENCY_TAG_KEYS, RESIDENCY_ZONES, type ResidencyTagKey, zoneAllowsRegion } from "../../policy-pack/contracts/residency";

export const ENVIRONMENTS = ["prod", "staging", "dev"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/**
 * Stack names: today's prod stacks are named after their region (`us-west-2`, `interconnect-us`); any
 * environment may prefix it (`staging-us-west-2`, `staging-interconnect-us`). The name prefixes every regional
 * physical name (stacks/regional.ts), so two environments sharing an account never collide.
 */
export function regionalStackNames(environment: string, region: string): string[] {
    return environment === "prod" ? [region, `prod-${region}`] : [`${environment}-${region}`];
}
export function billingStackNames(environment: string): string[] {
    return environment === "prod" ? ["billing", "prod-billing"] : [`${environment}-billing`];
}
export function interconnectStackNames(environment: string, zone: string): string[] {
    return environment === "prod" ? [`interconnect-${zone}`, `prod-interconnect-${zone}`] : [`${environment}-interconnect-${zone}`];
}

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
