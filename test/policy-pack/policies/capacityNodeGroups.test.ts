import { describe, expect, it } from "vitest";
import { byName, evaluate, messages, packConfig, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-capacity-node-groups";
const FIX = "Size the tier in the stack file's intelgraph:eks block (and spread it over the stack's three private subnets) so it survives losing a node or an AZ.";

function scaling(r: { inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }, change: Record<string, number>) {
    for (const bag of [r.inputs!, r.outputs!]) bag.scalingConfig = { ...(bag.scalingConfig as Record<string, number>), ...change };
}

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", true],
    ] as const)("passes the compliant %s stack (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("flags a 2-AZ node group, also at first preview when subnet ids are unknown", async () => {
        for (const preview of [false, true]) {
            const resources = await stackResources("us-west-2", preview);
            const general = byName(resources, "eks-ng-general");
            const two = (general.inputs!.subnetIds as string[]).slice(0, 2);
            general.inputs!.subnetIds = two;
            general.outputs!.subnetIds = two;
            general.propertyDependencies!.subnetIds = general.propertyDependencies!.subnetIds.filter((u) => !u.endsWith("private-c"));
            expect(await messages(resources, "us-west-2", RULE)).toEqual([
                `aws:eks/nodeGroup:NodeGroup 'eks-ng-general' (us-west-2): subnetIds (tier general) availability zones is ["us-west-2a","us-west-2b"]; required: subnets in at least 3 availability zones. ${FIX}`,
            ]);
        }
    });

    it("flags minSize = required (no spare node)", async () => {
        const resources = await stackResources("us-west-2");
        scaling(byName(resources, "eks-ng-general"), { minSize: 3, desiredSize: 3 });
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `aws:eks/nodeGroup:NodeGroup 'eks-ng-general' (us-west-2): scalingConfig.minSize (tier general) is 3; required: at least 4 (3 required + 1 spare). ${FIX}`,
        ]);
    });

    it("flags a maxSize that cannot absorb the failover load", async () => {
        const resources = await stackResources("us-east-1");
        scaling(byName(resources, "eks-ng-general"), { maxSize: 6 });
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `aws:eks/nodeGroup:NodeGroup 'eks-ng-general' (us-east-1): scalingConfig.maxSize (tier general) is 6; required: at least 8 (7 at failover + 1 spare). ${FIX}`,
        ]);
    });

    it("sums a tier over its per-AZ node groups and honours an N+2 tier", async () => {
        const resources = await stackResources("us-west-2");
        const config = packConfig("us-west-2");
        const rule = config[RULE] as { tiers: Record<string, Record<string, number>> };
        rule.tiers.graph = { required: 2, failover: 5, spare: 2 };
        const result = await evaluate(resources, "us-west-2", RULE, config);
        expect(result.violations.map((v) => v.message)).toEqual([
            `aws:eks/nodeGroup:NodeGroup 'eks-ng-graph-a' (us-west-2): scalingConfig.minSize (tier graph, 3 node groups) is 3; required: at least 4 (2 required + 2 spare). ${FIX}`,
            `aws:eks/nodeGroup:NodeGroup 'eks-ng-graph-a' (us-west-2): scalingConfig.maxSize (tier graph, 3 node groups) is 6; required: at least 7 (5 at failover + 2 spare). ${FIX}`,
        ]);
    });
});
