/**
 * Policy config. Each rule's `configSchema` is the only place a default is written: the Pulumi CLI reconciles
 * the stack's policy config over the schema defaults before the rule runs (pkg/resource/analyzer/config.go), so
 * `args.getConfig()` already holds every default, and the offline evaluator hands rules the same values.
 * Rules read their config with `args.getConfig<Config>()` and merge nothing of their own.
 */
import { RESIDENCY_TAG_KEYS, RESIDENCY_ZONES } from "../contracts/residency";

/** residency zone -> the regions it allows */
export type Zones = Readonly<Record<string, readonly string[]>>;

export const ZONE_TAG = RESIDENCY_TAG_KEYS.zone;
export const REGION_TAG = RESIDENCY_TAG_KEYS.region;

/** The `zones` property of the residency rules; its default is the zone contract. */
export const zonesSchema = {
    type: "object",
    description: "residency zone -> the regions it allows",
    additionalProperties: { type: "array", items: { type: "string" } },
    default: RESIDENCY_ZONES,
} as const;

export function zoneOfRegion(zones: Zones, region: string): string | undefined {
    return Object.keys(zones).find((z) => zones[z].includes(region));
}
