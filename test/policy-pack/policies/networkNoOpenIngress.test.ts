import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-network-no-open-ingress";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-east-1"), "us-east-1", RULE)).toEqual([]);
    });

    it("flags a data port open to 0.0.0.0/0", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "aurora-sg-in-0"), "cidrIpv4", "0.0.0.0/0");
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule 'aurora-sg-in-0' (us-west-2): cidrIpv4 is \"0.0.0.0/0\"; required: a source narrower than the internet (only the public load balancer may take HTTPS from anywhere). Restrict the source to the app subnets or the peer region's subnets.",
        ]);
    });

    it("allows HTTPS from anywhere only on a rule marked as the public load balancer's", async () => {
        const resources = await stackResources("us-west-2");
        const rule = byName(resources, "aurora-sg-in-0");
        for (const [k, v] of Object.entries({ cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443 })) setProp(rule, k, v);
        expect(await messages(resources, "us-west-2", RULE)).toHaveLength(1);
        setProp(rule, "tags", { "intelgraph.io/exposure": "public-https" });
        expect(await messages(resources, "us-west-2", RULE)).toEqual([]);
    });

    it("allows HTTP from anywhere only on port 80 marked as the redirect listener's", async () => {
        const resources = await stackResources("us-east-1");
        expect(await messages(resources, "us-east-1", RULE)).toEqual([]);
        const http = byName(resources, "api-in-80");
        setProp(http, "fromPort", 8080);
        setProp(http, "toPort", 8080);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule 'api-in-80' (us-east-1): cidrIpv4 is \"0.0.0.0/0\"; required: a source narrower than the internet (only the public load balancer may take HTTPS from anywhere). Restrict the source to the app subnets or the peer region's subnets.",
        ]);
    });
});
