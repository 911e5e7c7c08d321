import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../../tools/offline/monitor";
import { diffAgainstPrior } from "../../../tools/offline/priorState";
import type { WireProps } from "../../../tools/offline/wire";

const resource = (type: string, name: string, inputs: WireProps, ignoreChanges: string[] = []): RecordedResource => ({
    urn: `s::${type}::${name}`, type, name, custom: true, id: name, parent: "", provider: "", dependencies: [], propertyDependencies: {},
    inputs, outputs: inputs, protect: true, retainOnDelete: false, ignoreChanges, deleteBeforeReplace: false, replaceOnChanges: [], additionalSecretOutputs: [], aliases: [], external: false,
});

describe("diffAgainstPrior", () => {
    const ng = resource("aws:eks/nodeGroup:NodeGroup", "ng", { scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 8 } }, ["scalingConfig.desiredSize"]);

    it("ignores a nested ignoreChanges leaf but not its siblings", () => {
        expect(diffAgainstPrior([ng], { "aws:eks/nodeGroup:NodeGroup::ng": { scalingConfig: { minSize: 2, desiredSize: 8, maxSize: 8 } } })).toEqual([]);
        expect(diffAgainstPrior([ng], { "aws:eks/nodeGroup:NodeGroup::ng": { scalingConfig: { minSize: 4, desiredSize: 8, maxSize: 8 } } })).toEqual([
            { resource: "aws:eks/nodeGroup:NodeGroup::ng", action: "update", protect: true, properties: [{ property: "scalingConfig.minSize", planned: 2, prior: 4, replaces: false }] },
        ]);
    });

    it("treats what the program leaves unset as computed, a force-new property as a replacement, a state-only resource as a deletion", () => {
        const c = resource("aws:rds/cluster:Cluster", "c", { clusterIdentifier: "a", masterUsername: "u" });
        const prior = { "aws:rds/cluster:Cluster::c": { clusterIdentifier: "a", masterUsername: "other", endpoint: "x" }, "aws:s3/bucket:Bucket::gone": {} };
        expect(diffAgainstPrior([c], prior)).toEqual([
            { resource: "aws:rds/cluster:Cluster::c", action: "replace", protect: true, properties: [{ property: "masterUsername", planned: "u", prior: "other", replaces: true }] },
            { resource: "aws:s3/bucket:Bucket::gone", action: "delete", protect: false, properties: [] },
        ]);
    });
});
