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
        ], { region: "us-west-2", redisNodeType: "cache.r7g.large" });
        expect(est.lines.map((l) => [l.resource, l.item, l.quantity])).toEqual([
            ["ng", "ec2:m6i.xlarge", 2],
            ["db", "rds:db.r6g.large", 1],
            ["cache", "elasticache:cache.r7g.large", 2],
            ["nat", "nat-gateway", 1],
        ]);
        expect(est.monthlyUsd).toBeCloseTo((2 * 0.192 + 0.26 + 2 * 0.219 + 0.045) * 730, 2);
        expect(est.unpriced).toEqual([]);
    });

    it("prices the graph's lag exporter as one custom metric ($0.30/month) in every priced region, and no other CronJob", () => {
        const cron = (component: string) => ({ type: "kubernetes:batch/v1:CronJob", name: component, props: { spec: { jobTemplate: { spec: { template: { metadata: { labels: { "app.kubernetes.io/component": component } } } } } } } });
        for (const region of ["us-west-2", "us-east-1", "eu-west-1", "eu-central-1"]) {
            const est = estimateCost([cron("replication-lag-exporter"), cron("backup")], { region });
            expect(est.lines.map((l) => [l.resource, l.item, l.quantity, l.unitUsd])).toEqual([["replication-lag-exporter", "cloudwatch-custom-metric", 1, 0.3]]);
            expect(est.monthlyUsd).toBeCloseTo(0.3, 2);
        }
    });

    it("lists what it cannot price instead of hiding it", () => {
        const est = estimateCost([{ type: "aws:rds/clusterInstance:ClusterInstance", name: "db", props: { instanceClass: "db.x2g.16xlarge" } }], { region: "us-east-1" });
        expect(est.unpriced).toEqual(["db: rds:db.x2g.16xlarge"]);
        expect(est.monthlyUsd).toBe(0);
    });
});

describe("cost estimate per region", () => {
    const node = [{ type: "aws:eks/nodeGroup:NodeGroup", name: "ng", props: { instanceTypes: ["m6i.xlarge"], scalingConfig: { desiredSize: 1 } } }];

    it("prices every priced region from its own dated, sourced table", () => {
        expect(estimateCost(node, { region: "us-east-2" }).monthlyUsd).toBeCloseTo(0.192 * 730, 2);
        const eu = estimateCost(node, { region: "eu-central-1" });
        expect(eu.monthlyUsd).toBeCloseTo(0.23 * 730, 2);
        expect(eu.priceTable).toMatchObject({ region: "eu-central-1", date: "2026-11-01" });
        expect(eu.priceTable.source).toContain("Frankfurt");
    });

    it("prices a resource in its own region when the stack spans two (an interconnect's alarms)", () => {
        const est = estimateCost([{ ...node[0], region: "eu-west-1" }], { region: undefined });
        expect(est.error).toBeUndefined();
        expect(est.monthlyUsd).toBeCloseTo(0.214 * 730, 2);
    });

    it("refuses a region without a table instead of using a US rate", () => {
        const est = estimateCost(node, { region: "ca-central-1" });
        expect(est.monthlyUsd).toBe(0);
        expect(est.unpriced).toEqual(["ng: ec2:m6i.xlarge"]);
        expect(est.error).toMatch(/^no price table for region ca-central-1 in policy-pack\/data\/aws-prices\.json \(priced: us-east-1, us-east-2, us-west-2, eu-west-1, eu-central-1\)/);
    });

    it("a non-base region's table is complete: every item of the base table has a price there", () => {
        const regions = (prices as unknown as { regions: Record<string, { sameAsBase?: boolean; hourly?: object; monthly?: object }> }).regions;
        for (const [region, t] of Object.entries(regions)) {
            if (t.sameAsBase) continue;
            expect(Object.keys(t.hourly ?? {}).sort(), region).toEqual(Object.keys(prices.hourly).sort());
            expect(Object.keys(t.monthly ?? {}).sort(), region).toEqual(Object.keys(prices.monthly).sort());
        }
    });
});

describe("cost of protection (#17)", () => {
    const protectedStack = [
        { type: "aws:wafv2/webAcl:WebAcl", name: "acl", props: { rules: [{}, {}, {}, {}, {}] } },
        { type: "aws:backup/vault:Vault", name: "vault", props: {} },
        { type: "aws:rds/cluster:Cluster", name: "aurora", props: {} },
        { type: "kubernetes:apps/v1:StatefulSet", name: "neo4j-0", props: { spec: { replicas: 1, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "200Gi" } } } }] } } },
        { type: "kubernetes:apps/v1:StatefulSet", name: "neo4j-1", props: { spec: { replicas: 1, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "200Gi" } } } }] } } },
        { type: "aws:backup/restoreTestingSelection:RestoreTestingSelection", name: "aurora-test", props: { protectedResourceType: "Aurora", protectedResourceArns: [{}] } },
        { type: "aws:backup/restoreTestingSelection:RestoreTestingSelection", name: "volume-test", props: { protectedResourceType: "EBS", protectedResourceArns: [{}] } },
        { type: "aws:ecr/repository:Repository", name: "repo", props: {} },
    ];

    it("prices WAF per ACL, per rule and per million requests, backups per recovery-point GB (own points and received copies), restore tests per restore and ECR per GB", () => {
        const est = estimateCost(protectedStack, { region: "us-east-1" });
        const line = (item: string) => est.lines.filter((l) => l.item === item).map((l) => [l.quantity, l.unitUsd]);
        expect(line("waf-web-acl")).toEqual([[1, 5]]);
        expect(line("waf-rule")).toEqual([[5, 1]]);
        expect(line("waf-requests-million")).toEqual([[30, 0.6]]);
        // 400 GB of graph volumes, 100 GB of Aurora (assumption), 200 GB of backup bucket; each doubled by the received copies.
        expect(line("backup-ebs-snapshot-gb")).toEqual([[800, 0.05]]);
        expect(line("backup-aurora-gb")).toEqual([[200, 0.021]]);
        expect(line("backup-s3-gb")).toEqual([[400, 0.05]]);
        // One Aurora cluster and the two tagged volumes, monthly.
        expect(line("backup-restore-test")).toEqual([[3, 1]]);
        expect(line("ecr-storage-gb")).toEqual([[0.5, 0.1]]);
        expect(est.unpriced).toEqual([]);
    });

    it("prices them in every priced region, from its own table", () => {
        for (const region of ["us-west-2", "us-east-2", "eu-west-1", "eu-central-1"]) expect(estimateCost(protectedStack, { region }).unpriced, region).toEqual([]);
        expect(estimateCost(protectedStack, { region: "eu-central-1" }).lines.find((l) => l.item === "backup-ebs-snapshot-gb")?.unitUsd).toBe(0.054);
    });

    it("states its assumptions in the price file", () => {
        expect(prices.protectionAssumptions).toMatchObject({ wafRequestsMillionPerAclMonth: 30, backupEbsShareOfVolume: 1, backupCopiesReceivedPerOwnPoint: 1, ecrGbPerRepository: 0.5 });
        expect(prices.source).toContain("WAF $5 per web ACL, $1 per rule");
    });
});
