import { beforeAll, describe, expect, it } from "vitest";
import { WebAcl, type WebAclArgs } from "../../../components/edge/WebAcl";
import { RULE_PRIORITIES, wafRules } from "../../../components/edge/wafRules";
import type { PlannedStack } from "../../../tools/offline/engine";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

const ACL = "aws:wafv2/webAcl:WebAcl";

describe.each(["us-west-2", "us-east-1"] as const)("the web ACL of %s", (region) => {
    const s = () => mustGet(stacks, region);
    const acl = () => inputsOf(one(s(), ACL));
    const rules = () => acl().rules as { name: string; priority: number; statement: Record<string, unknown>; action?: unknown; overrideAction?: unknown; visibilityConfig: Record<string, unknown> }[];

    it("is regional, in the stack's region, allows by default and emits metrics", () => {
        expect(providerRegion(s(), one(s(), ACL))).toBe(region);
        expect(acl()).toMatchObject({ name: `intelgraph-${region}`, scope: "REGIONAL", defaultAction: { allow: {} }, visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `intelgraph-${region}` } });
    });

    it("runs IP reputation, the rate limits, then the common and known-bad-inputs groups, in that priority order", () => {
        expect(rules().map((r) => [r.priority, r.name])).toEqual([
            [10, "AWSManagedRulesAmazonIpReputationList"],
            [20, "rate-per-ip"],
            [30, "rate-per-tenant"],
            [40, "AWSManagedRulesCommonRuleSet"],
            [50, "AWSManagedRulesKnownBadInputsRuleSet"],
        ]);
        for (const r of rules().filter((x) => x.name.startsWith("AWSManaged"))) {
            expect(r.statement).toEqual({ managedRuleGroupStatement: { vendorName: "AWS", name: r.name } });
            // The groups' own block actions apply; an override of count would only observe.
            expect(r.overrideAction).toEqual({ none: {} });
        }
        for (const r of rules()) expect(r.visibilityConfig).toEqual({ cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `intelgraph-${region}-${r.name}` });
    });

    it("blocks above the configured rates per client IP and per tenant header, with the window set explicitly (no perpetual diff)", () => {
        const byName = new Map(rules().map((r) => [r.name, r]));
        expect(byName.get("rate-per-ip")).toMatchObject({ action: { block: {} }, statement: { rateBasedStatement: { aggregateKeyType: "IP", limit: 2000, evaluationWindowSec: 300 } } });
        expect(byName.get("rate-per-tenant")).toMatchObject({
            action: { block: {} },
            statement: {
                rateBasedStatement: {
                    aggregateKeyType: "CUSTOM_KEYS",
                    customKeys: [{ header: { name: "x-tenant-id", textTransformations: [{ priority: 0, type: "NONE" }] } }],
                    limit: 20000,
                    evaluationWindowSec: 300,
                },
            },
        });
    });

    it("is associated with the stack's internet-facing ALB", () => {
        const association = inputsOf(one(s(), "aws:wafv2/webAclAssociation:WebAclAssociation"));
        expect(association.resourceArn).toBe(outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer", "api-alb")).arn);
        expect(association.webAclArn).toBe(outputsOf(one(s(), ACL)).arn);
    });

    it("logs to aws-waf-logs-<name> under the regional key, with authorization and cookie headers redacted, through its own delivery policy", () => {
        const group = ofType(s(), "aws:cloudwatch/logGroup:LogGroup").find((g) => String(inputsOf(g).name).startsWith("aws-waf-logs-"));
        expect(group).toBeDefined();
        const groupInputs = inputsOf(group!);
        expect(groupInputs).toMatchObject({ name: `aws-waf-logs-intelgraph-${region}`, retentionInDays: 365 });
        expect(groupInputs.kmsKeyId).toBe(outputsOf(one(s(), "aws:kms/key:Key")).arn);
        const logging = inputsOf(one(s(), "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"));
        expect(logging).toEqual({
            resourceArn: outputsOf(one(s(), ACL)).arn,
            logDestinationConfigs: [outputsOf(group!).arn],
            redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
        });
        const policy = JSON.parse(String(inputsOf(one(s(), "aws:cloudwatch/logResourcePolicy:LogResourcePolicy")).policyDocument)) as { Statement: Record<string, unknown>[] };
        expect(policy.Statement).toEqual([
            {
                Sid: "WafLogDelivery",
                Effect: "Allow",
                Principal: { Service: "delivery.logs.amazonaws.com" },
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${String(outputsOf(group!).arn)}:*`,
                Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": `arn:aws:logs:${region}:123456789012:*` } },
            },
        ]);
    });
});

describe("the optional geo rule", () => {
    it("blocks requests from outside the zone's countries first, without renumbering the other rules", () => {
        const base = { metricPrefix: "acl", perIp: { limit: 100, windowSeconds: 60 }, perTenant: { header: "x-tenant-id", limit: 1000, windowSeconds: 120 } } as const;
        const without = wafRules(base);
        const withGeo = wafRules({ ...base, allowedCountries: ["US"] });
        expect(withGeo[0]).toEqual({
            name: "geo-outside-zone",
            priority: RULE_PRIORITIES.geo,
            action: { block: {} },
            statement: { notStatement: { statement: { geoMatchStatement: { countryCodes: ["US"] } } } },
            visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: "acl-geo-outside-zone" },
        });
        expect(withGeo.slice(1)).toEqual(without);
    });

    it("comes from the zone contract when a stack turns it on", async () => {
        const waf = { perIp: { limit: 2000, windowSeconds: 300 }, perTenant: { header: "x-tenant-id", limit: 20000, windowSeconds: 300 }, blockOutsideZone: true, logRetentionDays: 365 };
        const west = mustGet(await plan({ stacks: ["us-west-2"], configOverrides: { "us-west-2": { "intelgraph:waf": JSON.stringify(waf) } } }), "us-west-2");
        const first = (inputsOf(one(west, ACL)).rules as Record<string, unknown>[])[0];
        expect(first).toMatchObject({ name: "geo-outside-zone", priority: 0, statement: { notStatement: { statement: { geoMatchStatement: { countryCodes: ["US"] } } } } });
    });
});

describe("WebAcl boundary", () => {
    const args = (over: Partial<WebAclArgs> = {}): WebAclArgs => ({
        aclName: "edge",
        loadBalancerArns: ["arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/x/1"],
        kmsKeyArn: "arn:aws:kms:us-west-2:123456789012:key/k",
        region: "us-west-2",
        accountId: "123456789012",
        partition: "aws",
        perIp: { limit: 2000, windowSeconds: 300 },
        perTenant: { header: "x-tenant-id", limit: 2000, windowSeconds: 300 },
        logRetentionDays: 90,
        ...over,
    });

    it("refuses limits and windows WAF rejects, before registering anything", async () => {
        const bad = args({ perIp: { limit: 5, windowSeconds: 300 }, perTenant: { header: "x-tenant-id", limit: 100, windowSeconds: 30 as unknown as 60 }, loadBalancerArns: [] });
        const plan = await planComponent(({ onRegion }) => new WebAcl("waf", bad, onRegion));
        expectRefused(
            plan,
            WebAcl,
            "WebAcl 'waf': loadBalancerArns must list at least one load balancer (an ACL protects nothing otherwise); perIp.limit must be a whole number from 10 to 2000000000, got 5; perTenant.windowSeconds must be one of 60, 120, 300, 600, got 30",
        );
    });

    it("names each association after its load balancer's position when there are several", async () => {
        const plan = await planComponent(({ onRegion }) => new WebAcl("waf", args({ loadBalancerArns: ["arn:a", "arn:b"] }), onRegion));
        expect(plan.ofType("aws:wafv2/webAclAssociation:WebAclAssociation").map((r) => [r.name, plan.inputs("aws:wafv2/webAclAssociation:WebAclAssociation", r.name).resourceArn])).toEqual([
            ["waf-association-0", "arn:a"],
            ["waf-association-1", "arn:b"],
        ]);
    });
});
