import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { TIER_LABEL } from "../contracts/labels";
import { subjectOf, violationMessage } from "../lib/message";
import { readPath } from "../lib/read";
import { ofType } from "../lib/stack";
import { subnetAzs } from "../lib/zones";


export interface TierCapacity {
    /** Nodes the tier needs in normal operation in this region. */
    readonly required: number;
    /** Nodes the tier needs when this region takes the other region's load. */
    readonly failover: number;
    /** Units of spare capacity: 1 for N+1, 2 for N+2. */
    readonly spare?: number;
}

interface Config {
    readonly azCount: number;
    readonly tiers: Readonly<Record<string, TierCapacity>>;
}

const REMEDIATION = "Size the tier in the stack file's intelgraph:eks block (and spread it over the stack's three private subnets) so it survives losing a node or an AZ";

export const capacityNodeGroups: StackValidationPolicy = {
    name: "intelgraph-capacity-node-groups",
    description:
        "N+1 capacity: each EKS node tier spans at least azCount AZs, its minimum size covers the nodes it needs plus the spare (minSize >= required + spare) and its maximum covers the failover load plus the spare (maxSize >= failover + spare). Numbers per stack and tier come from the policy config; a tier may be declared N+2.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: {
        properties: {
            azCount: { type: "integer", minimum: 1, default: 3 },
            tiers: {
                type: "object",
                additionalProperties: {
                    type: "object",
                    properties: { required: { type: "integer", minimum: 0 }, failover: { type: "integer", minimum: 0 }, spare: { type: "integer", minimum: 1, maximum: 2 } },
                    required: ["required", "failover"],
                },
            },
        },
        required: ["tiers"],
    },
    validateStack: (args, reportViolation) => {
        const cfg = args.getConfig<Config>();
        const groups = ofType(args.resources, "aws:eks/nodeGroup:NodeGroup");
        const byTier = new Map<string, PolicyResource[]>();
        for (const g of groups) {
            const tier = readPath(g.props, ["labels", TIER_LABEL]);
            const key = typeof tier === "string" ? tier : "(unlabelled)";
            byTier.set(key, [...(byTier.get(key) ?? []), g]);
        }
        for (const g of byTier.get("(unlabelled)") ?? []) {
            reportViolation(violationMessage(subjectOf(g), `labels["${TIER_LABEL}"]`, undefined, `one of the configured tiers (${Object.keys(cfg.tiers).join(", ")})`, REMEDIATION), g.urn);
        }
        for (const [tier, capacity] of Object.entries(cfg.tiers)) {
            const members = byTier.get(tier) ?? [];
            if (!members.length) continue; // a stack without this tier has nothing to size
            const spare = capacity.spare ?? 1;
            const first = members[0];
            const label = members.length > 1 ? ` (tier ${tier}, ${members.length} node groups)` : ` (tier ${tier})`;
            const azs = [...new Set(members.flatMap((g) => subnetAzs(g, "subnetIds", args.resources)))].sort();
            if (azs.length < cfg.azCount) {
                reportViolation(violationMessage(subjectOf(first), `subnetIds${label} availability zones`, azs, `subnets in at least ${cfg.azCount} availability zones`, REMEDIATION), first.urn);
            }
            const sum = (field: string) => members.reduce((n, g) => {
                const v = readPath(g.props, ["scalingConfig", field]);
                return n + (typeof v === "number" ? v : 0);
            }, 0);
            const min = sum("minSize");
            const max = sum("maxSize");
            if (min < capacity.required + spare) {
                reportViolation(violationMessage(subjectOf(first), `scalingConfig.minSize${label}`, min, `at least ${capacity.required + spare} (${capacity.required} required + ${spare} spare)`, REMEDIATION), first.urn);
            }
            if (max < capacity.failover + spare) {
                reportViolation(violationMessage(subjectOf(first), `scalingConfig.maxSize${label}`, max, `at least ${capacity.failover + spare} (${capacity.failover} at failover + ${spare} spare)`, REMEDIATION), first.urn);
            }
        }
    },
};
