/**
 * Contract: how the platform names its global resources (the Aurora global cluster, the ElastiCache global
 * datastore's suffix). One per residency zone and environment, named after both, so names never collide in an
 * account and a rule can tell a global resource's zone from its id alone: CrossGuard gives stack rules only the
 * resources a stack registers, not what a StackReference read, so a member's global resource is otherwise
 * unknown to the pack.
 */
export const GLOBAL_NAME_PREFIX = "intelgraph";

/** `intelgraph-us-prod`. */
export function globalName(zone: string, environment: string): string {
    return `${GLOBAL_NAME_PREFIX}-${zone}-${environment}`;
}

/**
 * The zone a global resource's id names: `intelgraph-us-prod`, and the global datastore id AWS derives from the
 * suffix (`<prefix>-intelgraph-us-prod`, AWS adds a generated prefix; ElastiCache User Guide, "Creating a global
 * datastore"). Undefined when the id does not follow the contract.
 */
export function zoneOfGlobalId(id: string, zones: readonly string[]): string | undefined {
    const m = new RegExp(`(?:^|-)${GLOBAL_NAME_PREFIX}-([a-z]+)-(prod|staging|dev)$`).exec(id);
    return m && zones.includes(m[1]) ? m[1] : undefined;
}
