import { describe, expect, it } from "vitest";
import { addProviderIn, byName, messages, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-residency-own-region-only";

describe(RULE, () => {
    it("passes every planned stack (the interconnect, without a VPC, may span its zone's regions)", async () => {
        for (const stack of ["us-west-2", "us-east-1", "interconnect-us"]) expect(await messages(await stackResources(stack), stack, RULE), stack).toEqual([]);
        for (const stack of ["us-west-2", "us-east-1"]) expect(await messages(await stackResources(stack, true), stack, RULE), `${stack} preview`).toEqual([]);
    });

    it("fails a regional stack with a resource through another region's provider, naming it and the stack's region", async () => {
        const resources = await stackResources("us-east-1");
        byName(resources, "api-access-logs-bucket").provider = addProviderIn(resources, "us-east-1", "us-west-2");
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:s3/bucket:Bucket 'api-access-logs-bucket' (us-west-2): region is \"us-west-2\"; required: us-east-1, the region of this stack's VPC (a regional stack stays deployable while another region is down). Create it with the stack's own regional provider, or move it to the zone's interconnect stack.",
        ]);
    });

    it("fails a regional stack with a VPC in a second region, reporting that VPC", async () => {
        const resources = await stackResources("us-east-1");
        const west = addProviderIn(resources, "us-east-1", "us-west-2");
        const vpc = byName(resources, "network-vpc");
        resources.push({ ...structuredClone(vpc), urn: vpc.urn.replace("::network-vpc", "::network-vpc-2"), provider: west });
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:ec2/vpc:Vpc 'network-vpc-2' (us-west-2): region is \"us-west-2\"; required: us-east-1, the region of this stack's VPC (a regional stack stays deployable while another region is down). Create it with the stack's own regional provider, or move it to the zone's interconnect stack.",
        ]);
    });
});
