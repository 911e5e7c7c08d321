import { beforeAll, describe, expect, it } from "vitest";
import { ALIAS_CACHE_SECONDS, WeightedDns, type WeightedDnsArgs, failoverDetectionSeconds } from "../../../components/edge/WeightedDns";
import type { PlannedStack } from "../../../tools/offline/engine";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, ofType, one, outputsOf, plan } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe("failoverDetectionSeconds", () => {
    it("is interval x threshold plus the alias caching", () => {
        expect(ALIAS_CACHE_SECONDS).toBe(60);
        expect(failoverDetectionSeconds({ requestInterval: 10, failureThreshold: 3 })).toBe(90);
        expect(failoverDetectionSeconds({ requestInterval: 30, failureThreshold: 10 })).toBe(360);
    });
});

describe.each([
    ["us-west-2", 100],
    ["us-east-1", 0],
] as const)("WeightedDns in %s", (region, weight) => {
    const s = () => mustGet(stacks, region);

    it("has exactly one weighted alias record for the API name, identified by the region", () => {
        const records = ofType(s(), "aws:route53/record:Record").filter((r) => inputsOf(r).name === "api.intelgraph.example.com");
        expect(records).toHaveLength(1);
        const record = inputsOf(records[0]);
        expect(record).toMatchObject({ zoneId: "Z0INTELGRAPHEXAMPLE1", type: "A", setIdentifier: region, weightedRoutingPolicies: [{ weight }] });
        expect(record.ttl).toBeUndefined();
        expect(record.aliases).toEqual([
            { name: outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer", "api-alb")).dnsName, zoneId: outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer", "api-alb")).zoneId, evaluateTargetHealth: true },
        ]);
        expect(record.healthCheckId).toBe(one(s(), "aws:route53/healthCheck:HealthCheck").id);
    });

    it("checks the region's /healthz over HTTPS with the configured interval and threshold", () => {
        expect(inputsOf(one(s(), "aws:route53/healthCheck:HealthCheck"))).toMatchObject({
            type: "HTTPS",
            port: 443,
            resourcePath: "/healthz",
            fqdn: outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer", "api-alb")).dnsName,
            requestInterval: 10,
            failureThreshold: 3,
        });
    });

    it("exports the failover detection time its settings imply", () => {
        expect(s().outputs).toMatchObject({ failoverDetectionSeconds: 90, dnsWeight: weight, apiRecordFqdn: "api.intelgraph.example.com" });
    });
});

describe("a health-check change moves the detection time", () => {
    it("30 s x 5 failures -> 210 s", async () => {
        const dns = { hostedZoneId: "Z0INTELGRAPHEXAMPLE1", apiDomain: "api.intelgraph.example.com", weight: 100, healthCheck: { requestInterval: 30, failureThreshold: 5, path: "/healthz" }, livenessPath: "/livez" };
        const west = mustGet(await plan({ stacks: ["us-west-2"], configOverrides: { "us-west-2": { "intelgraph:dns": JSON.stringify(dns) } } }), "us-west-2");
        expect(west.outputs.failoverDetectionSeconds).toBe(210);
        expect(inputsOf(one(west, "aws:route53/healthCheck:HealthCheck"))).toMatchObject({ requestInterval: 30, failureThreshold: 5 });
    });
});

describe("WeightedDns with its own args", () => {
    const args: WeightedDnsArgs = {
        hostedZoneId: "ZTEST",
        recordName: "api.test.example.org",
        setIdentifier: "eu-west-1",
        weight: 50,
        healthCheck: { requestInterval: 30, failureThreshold: 2, path: "/ready" },
        target: { dnsName: "edge-123.eu-west-1.elb.amazonaws.com", zoneId: "Z32O12XQLNTSW2" },
        nameTag: "test-dns",
    };
    const build = (over: Partial<WeightedDnsArgs> = {}) =>
        planComponent(({ onRegion }) => {
            const dns = new WeightedDns("dns", { ...args, ...over }, onRegion);
            return { failoverDetectionSeconds: dns.failoverDetectionSeconds };
        }, { region: "eu-west-1" });

    it("checks the target's path over HTTPS and routes the given weight to it, only while healthy", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const check = p.one("aws:route53/healthCheck:HealthCheck");
        expect(p.inputs(check.type)).toMatchObject({ type: "HTTPS", fqdn: args.target.dnsName, port: 443, resourcePath: "/ready", enableSni: true, requestInterval: 30, failureThreshold: 2 });
        const record = p.one("aws:route53/record:Record");
        expect(p.inputs(record.type)).toMatchObject({
            zoneId: "ZTEST",
            name: "api.test.example.org",
            type: "A",
            setIdentifier: "eu-west-1",
            weightedRoutingPolicies: [{ weight: 50 }],
            healthCheckId: check.id,
            aliases: [{ name: args.target.dnsName, zoneId: "Z32O12XQLNTSW2", evaluateTargetHealth: true }],
        });
        expect(record.dependencies).toContain(check.urn);
        expect(p.stack.outputs.failoverDetectionSeconds).toBe(30 * 2 + 60);
    });

    it("accepts the bounds 0 and 255", async () => {
        for (const weight of [0, 255]) expect((await build({ weight })).inputs("aws:route53/record:Record").weightedRoutingPolicies).toEqual([{ weight }]);
    });

    const refused = "WeightedDns 'dns': ";
    const health = (h: Partial<WeightedDnsArgs["healthCheck"]>) => ({ healthCheck: { ...args.healthCheck, ...h } as WeightedDnsArgs["healthCheck"] });
    it.each<[string, Partial<WeightedDnsArgs>, string]>([
        ["a weight above 255", { weight: 256 }, "weight must be a whole number from 0 to 255 (0 = standby), got 256"],
        ["a negative weight", { weight: -1 }, "weight must be a whole number from 0 to 255 (0 = standby), got -1"],
        ["an interval Route 53 does not offer", health({ requestInterval: 20 as 10 }), "healthCheck.requestInterval must be 10 or 30 seconds (the intervals Route 53 offers), got 20"],
        ["a threshold above 10", health({ failureThreshold: 11 }), "healthCheck.failureThreshold must be a whole number from 1 to 10, got 11"],
        ["a relative path", health({ path: "ready" }), 'healthCheck.path must start with "/" (at most 255 characters), got "ready"'],
        ["no set identifier", { setIdentifier: "" }, 'setIdentifier must be 1 to 128 characters, got ""'],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), WeightedDns, refused + problem);
    });
});
