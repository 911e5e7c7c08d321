/**
 * Topology at scale: generated stack sets (regions, zones, environments) planned with `npm run plan`'s own
 * main, in a temporary project. Each conflict exits 2 (config) or 1 (policy) naming the stacks and the keys.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { PlanReport } from "../../../tools/offline/report";
import { runCli } from "../../helpers/cli";
import { EU_PROD, type EnvironmentSpec, US_PROD, stackSetProject } from "../../helpers/stackSet";

async function planIn(dir: string, args: string[] = []) {
    const { main } = await import("../../../tools/offline/plan");
    const out = path.join(dir, "report.json");
    const run = await runCli(main, [...args, "--out", out], dir);
    return { ...run, report: JSON.parse(fs.readFileSync(out, "utf8")) as PlanReport };
}

const withRegions = (env: EnvironmentSpec, ...regions: EnvironmentSpec["regions"]) => ({ ...env, regions: [...env.regions, ...regions] });

describe("generated stack sets: growing the platform is stack files", () => {
    it("a third region (a second secondary, us-east-2) plans clean, with the interconnect linking both", async () => {
        const dir = stackSetProject([withRegions(US_PROD, { region: "us-east-2", role: "secondary", cidr: "10.30.0.0/16", apiDomain: "reads-us-east-2.api.intelgraph.example.com" })]);
        const { code, report, stderr } = await planIn(dir);
        expect(stderr).not.toContain("error");
        expect(code).toBe(0);
        expect(report.stacks.map((s) => s.stack).sort()).toEqual(["billing", "interconnect-us", "us-east-1", "us-east-2", "us-west-2"]);
        expect(report.stackSet?.problems).toEqual([]);
        const i = report.stacks.find((s) => s.stack === "interconnect-us");
        expect((i?.outputs.secondaryStacks as string[]).map((x) => x.split("/").pop())).toEqual(["us-east-1", "us-east-2"]);
    });

    it("two zones plan clean with distinct global names, prices of their own regions, and no edge between them in --graph", async () => {
        const dir = stackSetProject([US_PROD, EU_PROD]);
        const graph = path.join(dir, "architecture.mmd");
        const { code, report } = await planIn(dir, ["--graph", graph]);
        expect(code).toBe(0);
        const globalIds = report.stacks.filter((s) => s.role === "primary").map((s) => s.outputs.auroraGlobalClusterId);
        expect(globalIds.sort()).toEqual(["intelgraph-eu-prod", "intelgraph-us-prod"]);
        const eu = report.stacks.find((s) => s.stack === "eu-west-1");
        expect(eu?.cost?.priceTable.region).toBe("eu-west-1");
        expect(eu?.cost?.priceTable.source).toContain("Ireland");
        const edges = fs.readFileSync(graph, "utf8").split("\n").filter((l) => l.includes("-->") || l.includes("<-->") || l.includes("-.-"));
        expect(edges.length).toBeGreaterThan(0);
        for (const e of edges) {
            const eu = /eu_|eu-/.test(e);
            const us = /us_|us-/.test(e);
            expect(eu && us, e).toBe(false);
        }
    });

    it("refuses sibling secondaries with overlapping CIDRs, naming both stacks and the key (exit 2)", async () => {
        const dir = stackSetProject([withRegions(US_PROD, { region: "us-east-2", role: "secondary", cidr: "10.20.0.0/16", apiDomain: "reads-us-east-2.api.intelgraph.example.com" })]);
        const { code, report, stderr } = await planIn(dir);
        expect(code).toBe(2);
        expect(report.stackSet?.problems).toContainEqual({
            stacks: ["us-east-1", "us-east-2"],
            key: "intelgraph:vpcCidr",
            message: 'Pulumi.us-east-2.yaml: intelgraph:vpcCidr 10.20.0.0/16 overlaps us-east-1\'s 10.20.0.0/16; allowed: pairwise disjoint VPC CIDRs within zone "us", environment "prod" (the interconnect peers them)',
        });
        expect(stderr).toContain("plan: stack set (us-east-1, us-east-2): config error");
    });

    it("refuses a third secondary of one primary (exit 2)", async () => {
        const dir = stackSetProject([
            withRegions(
                US_PROD,
                { region: "us-east-2", role: "secondary", cidr: "10.30.0.0/16", apiDomain: "reads-us-east-2.api.intelgraph.example.com" },
                { region: "us-west-1", role: "secondary", cidr: "10.31.0.0/16", apiDomain: "reads-us-west-1.api.intelgraph.example.com", primaryStack: "us-west-2" },
            ),
        ]);
        const { code, report } = await planIn(dir, ["--stack", "us-west-2"]);
        expect(code).toBe(2);
        expect(report.stackSet?.problems.map((p) => p.message)).toContain(
            "Pulumi.us-east-1.yaml, Pulumi.us-east-2.yaml, Pulumi.us-west-1.yaml: 3 secondaries name us-west-2 as intelgraph:primaryStack; allowed: at most 2 (an ElastiCache global datastore has at most two secondary Regions)",
        );
    });

    it("refuses two failover targets for one DNS name (exit 2)", async () => {
        const dir = stackSetProject([withRegions(US_PROD, { region: "us-east-2", role: "secondary", cidr: "10.30.0.0/16" })]);
        const { code, report } = await planIn(dir, ["--stack", "us-west-2"]);
        expect(code).toBe(2);
        const p = report.stackSet?.problems.find((x) => x.key === "intelgraph:dns.apiDomain");
        expect(p?.stacks).toEqual(["us-east-1", "us-east-2"]);
        expect(p?.message).toMatch(/^Pulumi\.us-east-1\.yaml, Pulumi\.us-east-2\.yaml: intelgraph:dns\.apiDomain is api\.intelgraph\.example\.com in each; allowed: one failover target per DNS name/);
    });

    it("refuses a DNS name shared across zones (exit 2)", async () => {
        const dir = stackSetProject([US_PROD, { ...EU_PROD, apiDomain: US_PROD.apiDomain }]);
        const { code, report } = await planIn(dir, ["--stack", "us-west-2"]);
        expect(code).toBe(2);
        const p = report.stackSet?.problems.find((x) => x.key === "intelgraph:dns.apiDomain");
        expect(p?.stacks.slice().sort()).toEqual(["eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]);
        expect(p?.message).toMatch(/: intelgraph:dns\.apiDomain is api\.intelgraph\.example\.com in zone "(eu|us)", environment "prod" and zone "(eu|us)", environment "prod"; allowed: a DNS name of one zone and environment \(one name's weighted records would mix their traffic\)$/);
    });

    it("refuses a physical name shared by two stacks of one account (exit 2): staging and prod in one account collide nowhere", async () => {
        const staging: EnvironmentSpec = { ...US_PROD, environment: "staging", apiDomain: "api.staging.intelgraph.example.com", regions: US_PROD.regions.map((r) => ({ ...r, cidr: r.cidr.replace("10.", "10.1") })) };
        const shared = await planIn(stackSetProject([US_PROD, staging]));
        expect(shared.report.stackSet?.problems).toEqual([]);
        // Two primaries of one zone and environment would both create the global cluster intelgraph-us-prod.
        const twice = await planIn(stackSetProject([US_PROD, { ...EU_PROD, zone: "us", regions: [{ region: "us-east-2", role: "primary", cidr: "10.60.0.0/16" }] }]));
        expect(twice.code).toBe(2);
        expect(twice.report.stackSet?.problems.map((p) => p.message)).toContain(
            'us-west-2 and us-east-2 both create rds/globalCluster "intelgraph-us-prod" in account 123456789012; allowed: physical names unique per account (stacks/regional.ts names them after the stack)',
        );
    });

    it("refuses a link across environments (the secondary's primary, the interconnect's stacks), naming both (exit 2)", async () => {
        const staging: EnvironmentSpec = {
            ...US_PROD,
            environment: "staging",
            account: "210987654321",
            apiDomain: "api.staging.intelgraph.example.com",
            regions: [{ region: "us-east-1", role: "secondary", cidr: "10.120.0.0/16", primaryStack: "us-west-2" }],
        };
        const { code, report } = await planIn(stackSetProject([US_PROD, staging]), ["--stack", "staging-us-east-1"]);
        expect(code).toBe(2);
        expect(report.stackSet?.problems).toContainEqual({
            stacks: ["staging-us-east-1", "us-west-2"],
            key: "intelgraph:primaryStack",
            message: 'Pulumi.staging-us-east-1.yaml: intelgraph:primaryStack is us-west-2, of zone "us", environment "prod"; allowed: a primary of zone "us", environment "staging" (nothing links across zones or environments)',
        });
        // The program refuses it too, before any resource exists (a real deploy has no stack-set check).
        const s = report.stacks.find((x) => x.stack === "staging-us-east-1");
        expect(s?.error?.message).toContain('allowed: a primary of environment "staging" (us-west-2 is "prod"; nothing links across environments)');
        expect(s?.deployment.resources).toEqual([]);
    });
});

describe("environment budgets over all of an environment's stacks", () => {
    it("an environment over its cap exits 1 although each stack stays under its share, and the report says by how much", async () => {
        const { projectCopy } = await import("../../helpers/project");
        const dir = projectCopy((f, text) => (f.startsWith("Pulumi.staging-") ? text.replace("instanceTypes: [r6i.large]", "instanceTypes: [r6i.xlarge]") : text));
        const { code, report, stdout } = await planIn(dir);
        expect(code).toBe(1);
        for (const s of report.stacks) expect(s.policy.violations.filter((v) => v.enforcementLevel === "mandatory"), s.stack).toEqual([]);
        const staging = report.environments?.find((e) => e.environment === "staging");
        expect(staging).toMatchObject({ budgetUsd: 3000, verdict: "mandatory", stacks: ["staging-us-west-2", "staging-billing", "staging-us-east-1", "staging-interconnect-us"] });
        expect(staging?.monthlyUsd).toBeGreaterThan(3000);
        for (const s of report.stacks.filter((x) => x.stack.startsWith("staging-"))) expect(s.cost?.monthlyUsd ?? 0).toBeLessThanOrEqual(s.cost?.budgetUsd ?? 0);
        expect(stdout).toMatch(/^ {2}staging: \$3,\d{3}\/month of \$3,000 \(4 stacks: staging-us-west-2, staging-billing, staging-us-east-1, staging-interconnect-us\) OVER BUDGET \(mandatory\)$/m);
    });
});

describe("every environment has its AWS Budgets", () => {
    it("an environment without a billing stack, or whose budget is not its cap, is a stack-set error naming the file and key (exit 2)", async () => {
        const none = await planIn(stackSetProject([{ ...US_PROD, billing: false }]), ["--stack", "us-west-2"]);
        expect(none.code).toBe(2);
        expect(none.report.stackSet?.problems.map((p) => p.message)).toContain(
            'environment "prod" (us-east-1, us-west-2) has 0 billing stacks (none); allowed: exactly one, Pulumi.billing.yaml with intelgraph:role billing (its AWS Budgets)',
        );
        const dir = stackSetProject([US_PROD]);
        fs.writeFileSync(path.join(dir, "Pulumi.billing.yaml"), fs.readFileSync(path.join(dir, "Pulumi.billing.yaml"), "utf8").replace("infraMonthlyUsd: 18000", "infraMonthlyUsd: 25000"));
        const off = await planIn(dir, ["--stack", "billing"]);
        expect(off.code).toBe(2);
        expect(off.report.stackSet?.problems).toContainEqual({
            stacks: ["billing"],
            key: "intelgraph:budgets.infraMonthlyUsd",
            message: "Pulumi.billing.yaml: intelgraph:budgets.infraMonthlyUsd is 25000; allowed: 18000, the prod cap of policy-pack/config/environments.json (the plan's estimate and AWS Budgets hold the environment to one number)",
        });
    });
});
