import { describe, expect, it } from "vitest";
import type { EvaluatedResource } from "../../../stacks/offline/policy";
import { type Resources, evaluate, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-capacity-neo4j";
const FIX = "Run at least three Neo4j primaries, one per AZ, with a PodDisruptionBudget of maxUnavailable 1 (Neo4jCluster does).";
const PREFIX = "urn:pulumi:us-west-2::intelgraph::intelgraph:graph:Neo4jCluster$";

/** A compliant Neo4j primary tier: one StatefulSet per AZ (Neo4jCluster's layout) and a PDB. */
function neo4j(primaries: number, maxUnavailable = 1): EvaluatedResource[] {
    const labels = { "app.kubernetes.io/name": "neo4j", "app.kubernetes.io/component": "primary" };
    const sets = Array.from({ length: primaries }, (_, i) => {
        const spec = { replicas: 1, template: { spec: { nodeSelector: { "topology.kubernetes.io/zone": `us-west-2${"abc"[i % 3]}` } } } };
        const props = { metadata: { name: `neo4j-${i}`, labels }, spec };
        return { urn: `${PREFIX}kubernetes:apps/v1:StatefulSet::neo4j-${i}`, type: "kubernetes:apps/v1:StatefulSet", inputs: props, outputs: props };
    });
    const pdb = { metadata: { name: "neo4j-primaries" }, spec: { maxUnavailable, selector: { matchLabels: labels } } };
    return [...sets, { urn: `${PREFIX}kubernetes:policy/v1:PodDisruptionBudget::neo4j-pdb`, type: "kubernetes:policy/v1:PodDisruptionBudget", inputs: pdb, outputs: pdb }];
}

const run = async (extra: EvaluatedResource[]): Promise<string[]> => {
    const resources: Resources = [...(await stackResources("us-west-2")), ...extra];
    return (await evaluate(resources, "us-west-2", RULE)).violations.map((v) => v.message);
};

describe(RULE, () => {
    it("is not applicable to a stack without Neo4j primaries", async () => {
        const result = await evaluate(await stackResources("us-west-2"), "us-west-2", RULE);
        expect(result.summary.notApplicable).toEqual([{ policy: RULE, reason: "no Neo4j primary StatefulSets in this stack" }]);
    });

    it("passes three primaries over three zones with a PDB of one", async () => {
        expect(await run(neo4j(3))).toEqual([]);
    });

    it("flags Neo4j with 2 primaries (and so only 2 zones)", async () => {
        expect(await run(neo4j(2))).toEqual([
            `kubernetes:apps/v1:StatefulSet 'neo4j-0' (us-west-2): spec.replicas (all primaries) is 2; required: at least 3. ${FIX}`,
            `kubernetes:apps/v1:StatefulSet 'neo4j-0' (us-west-2): spec.template.spec (zone placement) is ["us-west-2a","us-west-2b"]; required: primaries over at least 3 zones (topologySpreadConstraints on topology.kubernetes.io/zone or one StatefulSet per zone). ${FIX}`,
        ]);
    });

    it("flags a disruption budget that lets two primaries down", async () => {
        expect(await run(neo4j(3, 2))).toEqual([
            `kubernetes:apps/v1:StatefulSet 'neo4j-0' (us-west-2): PodDisruptionBudget is "allowing more than one primary down"; required: a PodDisruptionBudget over the primaries with maxUnavailable 1. ${FIX}`,
        ]);
    });
});
