import { describe, expect, it } from "vitest";
import { byName, evaluate, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-edge-web-acl-on-public-load-balancers";
const ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";
const REQUIRED =
    "required: a REGIONAL WAFv2 web ACL of this stack associated with it (aws:wafv2/webAclAssociation:WebAclAssociation whose resourceArn is this load balancer). " +
    "Put the load balancer behind the region's WebAcl component (components/edge/WebAcl.ts: loadBalancerArns), or make it internal.";
const violation = (region: string, observed: string) => `aws:lb/loadBalancer:LoadBalancer 'api-alb' (${region}): web ACL is ${JSON.stringify(observed)}; ${REQUIRED}`;

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-west-2", true],
        ["us-east-1", false],
        ["us-east-1", true],
    ] as const)("passes the planned stack %s (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it.each([false, true])("blocks the internet-facing ALB once its association is gone (preview %s)", async (preview) => {
        const resources = (await stackResources("us-west-2", preview)).filter((r) => r.type !== ASSOCIATION);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([violation("us-west-2", "none")]);
    });

    it("blocks an association to a web ACL that is not this stack's", async () => {
        const resources = await stackResources("us-east-1");
        const association = byName(resources, "api-waf-association", ASSOCIATION);
        setProp(association, "webAclArn", "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/other/0");
        association.propertyDependencies = { ...association.propertyDependencies, webAclArn: [] };
        expect(await messages(resources, "us-east-1", RULE)).toEqual([violation("us-east-1", "an association to no web ACL of this stack")]);
    });

    it("accepts an internal load balancer without a web ACL", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type !== ASSOCIATION);
        setProp(byName(resources, "api-alb"), "internal", true);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([]);
    });

    it("is not applicable without an internet-facing load balancer", async () => {
        const resources = await stackResources("interconnect-us");
        expect((await evaluate(resources, "interconnect-us", RULE)).summary.notApplicable).toEqual([{ policy: RULE, reason: "no internet-facing load balancer in this stack" }]);
    });
});
