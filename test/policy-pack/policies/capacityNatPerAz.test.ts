import { describe, expect, it } from "vitest";
import { messages, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-capacity-nat-per-az";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-west-2", true), "us-west-2", RULE)).toEqual([]);
    });

    it("flags a VPC that lost the NAT gateway of one AZ", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => !r.urn.endsWith("::network-nat-c"));
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "aws:ec2/vpc:Vpc 'network-vpc' (us-west-2): NAT gateways' availability zones is [\"us-west-2a\",\"us-west-2b\"]; required: a NAT gateway in each of 3 AZs. Let RegionalVpc create one NAT gateway in each AZ's public subnet.",
        ]);
    });
});
