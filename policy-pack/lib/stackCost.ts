/** The cost estimate of a stack as the policy engine sees it (resource props, inherited values from its StackReference). */
import type { PolicyResource } from "@pulumi/policy";
import { type CostEstimate, estimateCost } from "./cost";
import { read } from "./read";
import { homeRegion, locate } from "./resources";
import { stackReferenceOutputs } from "./stack";

export function stackCost(resources: readonly PolicyResource[]): CostEstimate {
    const home = homeRegion(resources);
    const plain = resources.map((r) => ({ type: r.type, name: r.name, props: plainProps(r), region: locate(r, home) }));
    const inherited = stackReferenceOutputs(resources).find((o) => typeof o.redisNodeType === "string");
    return estimateCost(plain, { region: home, redisNodeType: inherited?.redisNodeType as string | undefined });
}

/** The few properties the estimate reads, each read unknown-safely (sizes are inputs: known at first preview). */
function plainProps(r: PolicyResource): Record<string, unknown> {
    const keys = ["scalingConfig", "instanceTypes", "instanceClass", "nodeType", "numCacheClusters", "blockDeviceMappings", "spec", "schedule", "addonName"];
    const out: Record<string, unknown> = {};
    for (const k of keys) {
        const v = read(() => JSON.parse(JSON.stringify(r.props[k] ?? null)) as unknown);
        if (v !== null && typeof v !== "symbol") out[k] = v;
    }
    // An alarm is priced per metric it reads: only which queries carry a metric matters (their ARNs may be unknown).
    const queries = read(() => r.props.metricQueries);
    if (Array.isArray(queries)) {
        out.metricQueries = Array.from({ length: queries.length }, (_, i) => (read(() => (r.props.metricQueries as Record<string, unknown>[])[i].metric !== undefined) === true ? { metric: {} } : {}));
    }
    // A web ACL is priced per rule and a restore test per protected resource: only counts and the resource type matter.
    for (const k of ["rules", "protectedResourceArns"]) {
        const n = read(() => (r.props[k] as unknown[] | undefined)?.length);
        if (typeof n === "number") out[k] = Array.from({ length: n }, () => ({}));
    }
    const type = read(() => r.props.protectedResourceType);
    if (typeof type === "string") out.protectedResourceType = type;
    return out;
}
