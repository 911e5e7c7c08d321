import { describe, expect, it } from "vitest";
import { byName, evaluate, messages, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-capacity-neo4j";
const FIX = "Run at least three Neo4j primaries, one per AZ, with a PodDisruptionBudget of maxUnavailable 1 (Neo4jCluster does).";

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", true],
    ] as const)("passes the planned Neo4j cluster of %s (preview %s): three primaries, one per AZ, PDB of one", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("is not applicable to a stack without Neo4j primaries", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type !== "kubernetes:apps/v1:StatefulSet");
        const result = await evaluate(resources, "us-west-2", RULE);
        expect(result.summary.notApplicable).toEqual([{ policy: RULE, reason: "no Neo4j primary StatefulSets in this stack" }]);
    });

    it("flags Neo4j with 2 primaries (and so only 2 zones)", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => !r.urn.endsWith("::neo4j-server-2"));
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `kubernetes:apps/v1:StatefulSet 'neo4j-server-0' (us-west-2): spec.replicas (all primaries) is 2; required: at least 3. ${FIX}`,
            `kubernetes:apps/v1:StatefulSet 'neo4j-server-0' (us-west-2): spec.template.spec (zone placement) is ["us-west-2a","us-west-2b"]; required: primaries over at least 3 zones (topologySpreadConstraints on topology.kubernetes.io/zone or one StatefulSet per zone). ${FIX}`,
        ]);
    });

    it("flags a disruption budget that lets two primaries down", async () => {
        const resources = await stackResources("us-west-2");
        const pdb = byName(resources, "neo4j-pdb");
        for (const bag of [pdb.inputs!, pdb.outputs!]) (bag.spec as Record<string, unknown>).maxUnavailable = 2;
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `kubernetes:apps/v1:StatefulSet 'neo4j-server-0' (us-west-2): PodDisruptionBudget is "allowing more than one primary down"; required: a PodDisruptionBudget over the primaries with maxUnavailable 1. ${FIX}`,
        ]);
    });
});
