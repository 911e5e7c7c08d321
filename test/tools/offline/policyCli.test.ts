import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { targetsOf } from "../../../tools/offline/policyCli";
import { runCli } from "../../helpers/cli";
import { PROJECT_DIR } from "../../helpers/plan";
import { byName, setProp, stackResources } from "../../helpers/policy";

const FIXTURE = path.join(PROJECT_DIR, "test", "fixtures", "stack-export-us-east-1.json");

async function policyCli(args: string[]) {
    const { main } = await import("../../../tools/offline/policyCli");
    return runCli(main, args, PROJECT_DIR);
}

function writeJson(value: unknown): string {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-policy-")), "input.json");
    fs.writeFileSync(file, JSON.stringify(value));
    return file;
}

interface JsonResult {
    stacks: { stack: string; source: string; policy: { violations: { policy: string; urn: string; message: string; enforcementLevel: string }[] } }[];
}

describe("npm run policy", () => {
    it("passes a plan report of the compliant stacks (exit 0)", async () => {
        const report = { version: 1, stacks: [{ stack: "us-west-2", deployment: { resources: await stackResources("us-west-2") } }, { stack: "us-east-1", deployment: { resources: await stackResources("us-east-1") } }] };
        const { code, stdout } = await policyCli([writeJson(report)]);
        expect(code).toBe(0);
        expect(stdout).toContain("== us-west-2 (plan report");
        expect(stdout).toContain("== us-east-1 (plan report");
    });

    it("groups violations by control, then resource, and exits 1 on a mandatory one", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "kms-key"), "enableKeyRotation", false);
        setProp(byName(resources, "redis-group"), "numCacheClusters", 1);
        const { code, stdout } = await policyCli([writeJson({ version: 1, stacks: [{ stack: "us-east-1", deployment: { resources } }] })]);
        expect(code).toBe(1);
        const lines = stdout.split("\n");
        const kms = lines.indexOf("  KMS per region");
        const capacity = lines.indexOf("  N+1 capacity");
        expect(kms).toBeGreaterThan(0);
        expect(capacity).toBeGreaterThan(kms);
        expect(lines[kms + 1]).toBe("    urn:pulumi:us-east-1::intelgraph::intelgraph:security:RegionalKms$aws:kms/key:Key::kms-key");
        expect(lines[kms + 2]).toBe(
            "      [mandatory] intelgraph-kms-key-hygiene: aws:kms/key:Key 'kms-key' (us-east-1): enableKeyRotation is false; required: true. Turn on automatic key rotation.",
        );
        expect(stdout).toMatch(/Policy: 30 rules on \d+ resources: 2 mandatory, 0 advisory violation\(s\); 0 could not run during preview; not applicable: intelgraph-capacity-neo4j \(no Neo4j primary StatefulSets in this stack\); intelgraph-detect-budget-notifications \(not an AWS Budgets budget\)\n/);
    });

    it("evaluates a real `pulumi stack export` file (deployment v3) without the CLI", async () => {
        const { code, stdout } = await policyCli([FIXTURE, "--json"]);
        expect(code).toBe(1);
        const result = JSON.parse(stdout) as JsonResult;
        expect(result.stacks.map((s) => [s.stack, s.source])).toEqual([["us-east-1", "stack export"]]);
        expect(result.stacks[0].policy.violations.map((v) => [v.policy, v.message])).toEqual([
            ["intelgraph-kms-regional-cmk", "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): kmsKeyId is \"arn:aws:kms:us-west-2:123456789012:key/4609428b-f7e9-46cf-a908-7dd1391b1041\"; required: a key of us-east-1 (this one, found through a key ARN, is in us-west-2). Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key."],
            ["intelgraph-kms-key-hygiene", "aws:kms/key:Key 'kms-key' (us-east-1): enableKeyRotation is false; required: true. Turn on automatic key rotation."],
            ["intelgraph-capacity-aurora", "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): instances is 0; required: at least 2 cluster instances. Set intelgraph:aurora.instances to at least 2; AuroraGlobal spreads instances over the stack's AZs."],
            ["intelgraph-data-stateful-protected", "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): protect is false; required: true. Create the resource with { protect: true }."],
            // The export predates AWS Backup: its Aurora cluster is in no backup plan.
            [
                "intelgraph-data-backup-coverage",
                "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): backup plan is \"none\"; required: selected by an AWS Backup plan of this stack whose rule copies each recovery point to another vault (the zone's other region). Add it to the region's BackupPlan (stacks/protectTier.ts: resourceArns, or the Neo4j StorageClass's backup tag).",
            ],
            ["intelgraph-resilience-objectives", expect.stringMatching(/^pulumi:pulumi:Stack 'intelgraph-us-east-1' \(us-east-1\): RTO of tier api \(s\) is "unbounded \(no Route 53 health check in this stack\)"; required: at most 900 /)],
        ]);
        expect(stdout).not.toContain("AAABAHx1c2VyOnBhc3M=");
    });

    it("gives the same verdict on the equivalent plan report", async () => {
        const exported = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as { deployment: { resources: unknown[] } };
        const asReport = { version: 1, stacks: [{ stack: "us-east-1", deployment: { resources: exported.deployment.resources } }] };
        const fromExport = JSON.parse((await policyCli([FIXTURE, "--json"])).stdout) as JsonResult;
        const fromReport = JSON.parse((await policyCli([writeJson(asReport), "--json"])).stdout) as JsonResult;
        expect(fromReport.stacks[0].policy).toEqual(fromExport.stacks[0].policy);
    });

    it("exits 2 on input that is neither a report nor an export, and on a missing config file", async () => {
        const bad = await policyCli([writeJson({ hello: "world" })]);
        expect(bad.code).toBe(2);
        expect(bad.stderr).toContain("neither a plan report ({stacks: [...]}) nor a stack export ({deployment: {resources}})");
        const noConfig = await policyCli([FIXTURE, "--config", "/nonexistent/config.json"]);
        expect(noConfig.code).toBe(2);
        expect(noConfig.stderr).toContain("policy config /nonexistent/config.json does not exist");
    });

    it("names the stack of an export from its Stack resource, or from --stack", () => {
        const doc = JSON.parse(fs.readFileSync(FIXTURE, "utf8")) as unknown;
        expect(targetsOf(doc, "f.json")[0].stack).toBe("us-east-1");
        expect(targetsOf(doc, "f.json", "renamed")[0].stack).toBe("renamed");
    });
});
