import { describe, expect, it } from "vitest";
import { byName, messages, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-data-stateful-protected";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-west-2"), "us-west-2", RULE)).toEqual([]);
        expect(await messages(await stackResources("us-east-1", true), "us-east-1", RULE)).toEqual([]);
    });

    it("flags an unprotected Aurora cluster", async () => {
        const resources = await stackResources("us-east-1");
        byName(resources, "aurora-cluster").protect = false;
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): protect is false; required: true. Create the resource with { protect: true }.",
        ]);
    });
});
