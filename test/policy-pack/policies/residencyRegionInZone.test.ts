import { describe, expect, it } from "vitest";
import { byName, messages, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-residency-region-in-zone";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-west-2"), "us-west-2", RULE)).toEqual([]);
    });

    it("flags a region tag that lies", async () => {
        const resources = await stackResources("us-east-1");
        const cluster = byName(resources, "aurora-cluster");
        cluster.inputs!.tags = { ...(cluster.inputs!.tags as Record<string, string>), "residency-region": "us-west-2" };
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): tags[\"residency-region\"] is \"us-west-2\"; required: the region the resource is created in, \"us-east-1\". Remove the per-resource override so the provider's defaultTags state the true region.",
        ]);
    });

    it("flags a resource created in a region its zone does not allow (own region input)", async () => {
        const resources = await stackResources("us-east-1");
        byName(resources, "network-vpc").inputs!.region = "eu-west-1";
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:ec2/vpc:Vpc 'network-vpc' (eu-west-1): region is \"eu-west-1\"; required: a region of zone us (us-east-1, us-east-2, us-west-1, us-west-2). Create the resource with a provider of a region its zone allows.",
            "aws:ec2/vpc:Vpc 'network-vpc' (eu-west-1): tags[\"residency-region\"] is \"us-east-1\"; required: the region the resource is created in, \"eu-west-1\". Remove the per-resource override so the provider's defaultTags state the true region.",
        ]);
    });

    it("flags an unknown zone", async () => {
        const resources = await stackResources("us-west-2");
        const key = byName(resources, "kms-key");
        key.inputs!.tags = { ...(key.inputs!.tags as Record<string, string>), "residency-zone": "atlantis" };
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "aws:kms/key:Key 'kms-key' (us-west-2): tags[\"residency-zone\"] is \"atlantis\"; required: a known zone (us, eu, ca). Use a zone defined in the policy config and stacks/config/residency.ts.",
        ]);
    });
});
