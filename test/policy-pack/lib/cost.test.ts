import { describe, expect, it } from "vitest";
import prices from "../../../policy-pack/data/aws-prices.json";
import { estimateCost } from "../../../policy-pack/lib/cost";

describe("cost estimate", () => {
    it("keeps its price table as data, with source and date", () => {
        expect(prices.source).toContain("AWS");
        expect(prices.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(prices.hoursPerMonth).toBe(730);
    });

    it("prices node groups at desired size, instances, caches, NAT and volumes", () => {
        const est = estimateCost([
            { type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { instanceTypes: ["m6i.xlarge"], scalingConfig: { desiredSize: 2 } } },
            { type: "aws:rds/clusterInstance:ClusterInstance", name: "db", props: { instanceClass: "db.r6g.large" } },
            { type: "aws:elasticache/replicationGroup:ReplicationGroup", name: "cache", props: { numCacheClusters: 2 } },
            { type: "aws:ec2/natGateway:NatGateway", name: "nat", props: {} },
        ], { redisNodeType: "cache.r7g.large" });
        expect(est.lines.map((l) => [l.resource, l.item, l.quantity])).toEqual([
            ["ng", "ec2:m6i.xlarge", 2],
            ["db", "rds:db.r6g.large", 1],
            ["cache", "elasticache:cache.r7g.large", 2],
            ["nat", "nat-gateway", 1],
        ]);
        expect(est.monthlyUsd).toBeCloseTo((2 * 0.192 + 0.26 + 2 * 0.219 + 0.045) * 730, 2);
        expect(est.unpriced).toEqual([]);
    });

    it("lists what it cannot price instead of hiding it", () => {
        const est = estimateCost([{ type: "aws:rds/clusterInstance:ClusterInstance", name: "db", props: { instanceClass: "db.x2g.16xlarge" } }]);
        expect(est.unpriced).toEqual(["db: rds:db.x2g.16xlarge"]);
        expect(est.monthlyUsd).toBe(0);
    });
});
