import { beforeAll, describe, expect, it } from "vitest";
import { ALIAS_CACHE_SECONDS, failoverDetectionSeconds } from "../../../components/edge/WeightedDns";
import type { PlannedStack } from "../../../tools/offline/engine";
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
            { name: outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer")).dnsName, zoneId: outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer")).zoneId, evaluateTargetHealth: true },
        ]);
        expect(record.healthCheckId).toBe(one(s(), "aws:route53/healthCheck:HealthCheck").id);
    });

    it("checks the region's /healthz over HTTPS with the configured interval and threshold", () => {
        expect(inputsOf(one(s(), "aws:route53/healthCheck:HealthCheck"))).toMatchObject({
            type: "HTTPS",
            port: 443,
            resourcePath: "/healthz",
            fqdn: outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer")).dnsName,
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
        const dns = { hostedZoneId: "Z0INTELGRAPHEXAMPLE1", apiDomain: "api.intelgraph.example.com", weight: 100, healthCheck: { requestInterval: 30, failureThreshold: 5, path: "/healthz" } };
        const west = mustGet(await plan({ stacks: ["us-west-2"], configOverrides: { "us-west-2": { "intelgraph:dns": JSON.stringify(dns) } } }), "us-west-2");
        expect(west.outputs.failoverDetectionSeconds).toBe(210);
        expect(inputsOf(one(west, "aws:route53/healthCheck:HealthCheck"))).toMatchObject({ requestInterval: 30, failureThreshold: 5 });
    });
});
