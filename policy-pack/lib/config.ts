/** Policy config: defaults in code (also published as configSchema defaults), overridden per stack by config/<stack>.json. */
import { RESIDENCY_TAG_KEYS, RESIDENCY_ZONES } from "../../stacks/config/residency";

export const DEFAULT_ZONES: Readonly<Record<string, readonly string[]>> = RESIDENCY_ZONES;
export const DEFAULT_REQUIRED_TAGS: readonly string[] = Object.values(RESIDENCY_TAG_KEYS);
export const ZONE_TAG = RESIDENCY_TAG_KEYS.zone;
export const REGION_TAG = RESIDENCY_TAG_KEYS.region;

export const zonesSchema = {
    type: "object",
    description: "residency zone -> the regions it allows",
    additionalProperties: { type: "array", items: { type: "string" } },
    default: DEFAULT_ZONES,
} as const;

/** Merges a rule's getConfig() over its defaults (the engine applies schema defaults too; this keeps tests and old CLIs equal). */
export function withDefaults<T extends object>(defaults: T, config: Record<string, unknown>): T {
    return { ...defaults, ...(config as Partial<T>) };
}

export function zoneOfRegion(zones: Readonly<Record<string, readonly string[]>>, region: string): string | undefined {
    return Object.keys(zones).find((z) => zones[z].includes(region));
}
