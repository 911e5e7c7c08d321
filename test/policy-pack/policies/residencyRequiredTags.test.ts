import { describe, expect, it } from "vitest";
import { byName, messages, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-residency-required-tags";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-east-1"), "us-east-1", RULE)).toEqual([]);
    });

    it("flags a resource missing the zone tag (its provider has no defaultTags for it)", async () => {
        const resources = await stackResources("us-west-2");
        const provider = byName(resources, "aws-us-west-2", "pulumi:providers:aws");
        const tags = JSON.parse(provider.inputs!.defaultTags as string) as { tags: Record<string, string> };
        delete tags.tags["residency-zone"];
        provider.inputs!.defaultTags = JSON.stringify(tags);
        const found = await messages(resources, "us-west-2", RULE);
        expect(found).toContain(
            "aws:ec2/vpc:Vpc 'network-vpc' (us-west-2): tags[\"residency-zone\"] is not set; required: a non-empty value from the provider's defaultTags or the resource's tags. Create the resource with the stack's regional provider (stacks/providers.ts), whose defaultTags carry the residency tags, or set the tag on the resource.",
        );
        expect(found.every((m) => m.includes('tags["residency-zone"] is not set'))).toBe(true);
    });

    it("accepts a tag set on the resource itself", async () => {
        const resources = await stackResources("us-west-2");
        const provider = byName(resources, "aws-us-west-2", "pulumi:providers:aws");
        provider.inputs!.defaultTags = JSON.stringify({ tags: {} });
        const vpc = byName(resources, "network-vpc");
        vpc.inputs!.tags = { "residency-zone": "us", "residency-region": "us-west-2", owner: "platform-team", environment: "prod", "cost-centre": "cc-4100" };
        const found = await messages(resources, "us-west-2", RULE);
        expect(found.some((m) => m.includes("'network-vpc'"))).toBe(false);
        expect(found.some((m) => m.includes("'network-igw'"))).toBe(true);
    });
});
