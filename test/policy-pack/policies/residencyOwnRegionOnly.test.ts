import { describe, expect, it } from "vitest";
import { byName, messages, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-residency-own-region-only";

describe(RULE, () => {
    it("passes every planned stack (the interconnect, without a VPC, may span its zone's regions)", async () => {
        for (const stack of ["us-west-2", "us-east-1", "interconnect-us"]) expect(await messages(await stackResources(stack), stack, RULE), stack).toEqual([]);
        for (const stack of ["us-west-2", "us-east-1"]) expect(await messages(await stackResources(stack, true), stack, RULE), `${stack} preview`).toEqual([]);
    });

    it("fails a regional stack with a resource through another region's provider, naming it and the stack's region", async () => {
        const resources = await stackResources("us-east-1");
        const east = byName(resources, "aws-us-east-1", "pulumi:providers:aws");
        const west = { ...east, urn: east.urn.replace("aws-us-east-1", "aws-us-west-2"), inputs: { ...east.inputs, region: "us-west-2" }, outputs: { ...east.outputs, region: "us-west-2" } };
        resources.push(west);
        const bucket = byName(resources, "api-access-logs-bucket");
        bucket.provider = `${west.urn}::provider-id`;
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:s3/bucket:Bucket 'api-access-logs-bucket' (us-west-2): region is \"us-west-2\"; required: us-east-1, the region of this stack's VPC (a regional stack stays deployable while another region is down). Create it with the stack's own regional provider, or move it to the zone's interconnect stack.",
        ]);
    });

    it("fails a regional stack with a VPC in a second region, reporting that VPC", async () => {
        const resources = await stackResources("us-east-1");
        const east = byName(resources, "aws-us-east-1", "pulumi:providers:aws");
        const west = { ...east, urn: east.urn.replace("aws-us-east-1", "aws-us-west-2"), inputs: { ...east.inputs, region: "us-west-2" }, outputs: { ...east.outputs, region: "us-west-2" } };
        resources.push(west);
        const vpc = byName(resources, "network-vpc");
        resources.push({ ...structuredClone(vpc), urn: vpc.urn.replace("::network-vpc", "::network-vpc-2"), provider: `${west.urn}::provider-id` });
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:ec2/vpc:Vpc 'network-vpc-2' (us-west-2): region is \"us-west-2\"; required: us-east-1, the region of this stack's VPC (a regional stack stays deployable while another region is down). Create it with the stack's own regional provider, or move it to the zone's interconnect stack.",
        ]);
    });
});
