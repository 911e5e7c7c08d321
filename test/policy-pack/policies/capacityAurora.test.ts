import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-capacity-aurora";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-east-1", true), "us-east-1", RULE)).toEqual([]);
    });

    it("flags Aurora with one instance", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => !r.urn.endsWith("::aurora-instance-1"));
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "aws:rds/cluster:Cluster 'aurora-cluster' (us-west-2): instances is 1; required: at least 2 cluster instances. Set intelgraph:aurora.instances to at least 2; AuroraGlobal spreads instances over the stack's AZs.",
        ]);
    });

    it("flags two instances in the same AZ", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "aurora-instance-1"), "availabilityZone", "us-east-1a");
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): instances' availabilityZone is [\"us-east-1a\"]; required: at least 2 distinct AZs. Set intelgraph:aurora.instances to at least 2; AuroraGlobal spreads instances over the stack's AZs.",
        ]);
    });
});
