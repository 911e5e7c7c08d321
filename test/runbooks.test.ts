/** Runbooks name stack outputs; every one they name must exist in the planned stack it is read from. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { STEP_IDS } from "../tools/failover/types";
import { PROJECT_DIR, mustGet, plan } from "./helpers/plan";

const RUNBOOKS = path.join(PROJECT_DIR, "runbooks");
const files = fs.readdirSync(RUNBOOKS).filter((f) => f.endsWith(".md"));

/** `pulumi stack output <name> -s <stack>` (optionally with --json) in a runbook. */
function outputReferences(text: string): { name: string; stack: string }[] {
    return [...text.matchAll(/pulumi stack output ([A-Za-z0-9]+)(?: --json)? -s ([a-z0-9-]+)/g)].map((m) => ({ name: m[1], stack: m[2] }));
}

describe("runbooks name only outputs the planned stacks have", () => {
    it("covers the failover, failback, drill, residency and exception procedures", () => {
        expect(files.sort()).toEqual(["README.md", "alerts.md", "dr-drill.md", "failback.md", "policy-exceptions.md", "region-failover.md", "residency-incident.md"]);
    });

    it.each(files)("%s", async (file) => {
        const stacks = await plan();
        const refs = outputReferences(fs.readFileSync(path.join(RUNBOOKS, file), "utf8"));
        for (const { name, stack } of refs) expect(Object.keys(mustGet(stacks, stack).outputs), `${file}: ${name} -s ${stack}`).toContain(name);
    });

    it("the failover runbook uses the outputs of every tier it fails over", () => {
        const refs = outputReferences(fs.readFileSync(path.join(RUNBOOKS, "region-failover.md"), "utf8")).map((r) => r.name);
        for (const name of ["auroraGlobalClusterId", "auroraClusterArn", "redisGlobalReplicationGroupId", "redisReplicationGroupId", "eksClusterName", "eksNodeGroupNames", "neo4jBackupBucketName", "apiRecordFqdn", "failoverDetectionSeconds"]) {
            expect(refs).toContain(name);
        }
    });

    it("would catch a renamed output", () => {
        expect(outputReferences("x $(pulumi stack output auroraWriterEndpointX -s us-east-1)")).toEqual([{ name: "auroraWriterEndpointX", stack: "us-east-1" }]);
        expect(outputReferences("pulumi stack output peeringConnectionIds --json -s interconnect-us")).toEqual([{ name: "peeringConnectionIds", stack: "interconnect-us" }]);
    });
});

/** `## N. Title (step `id`)` headings of a runbook, in order. */
const stepHeadings = (text: string) => [...text.matchAll(/^## \d+\. .*\(step `([a-z]+)`\)$/gm)].map((m) => m[1]);

describe("runbooks follow the failover CLI", () => {
    const read = (f: string) => fs.readFileSync(path.join(RUNBOOKS, f), "utf8");

    it("region-failover.md has one section per CLI step, in the CLI's order, each with a manual fallback", async () => {
        const { failoverSteps } = await import("../tools/failover/plan");
        expect(stepHeadings(read("region-failover.md"))).toEqual([...STEP_IDS]);
        const sections = read("region-failover.md").split(/^## /m);
        for (const id of STEP_IDS) {
            const section = sections.find((x) => x.includes(`(step \`${id}\`)`)) ?? "";
            expect(section, id).toMatch(/Manual|manual|no call/);
        }
        // The CLI's own order is the same list.
        const fakeView = { region: "r", environment: "e", residencyZone: "z", auroraGlobalClusterId: "g", auroraClusterArn: "arn:c", auroraClusterId: "c", redisGlobalReplicationGroupId: "rg", redisReplicationGroupId: "r", eksClusterName: "k", eksNodeGroupNames: ["n"], eksGraphNodeGroupNames: ["n"], neo4jBackupBucketName: "b", apiTargetGroupArn: "arn:t", apiLoadBalancerArn: "arn:l", apiRecordFqdn: "f", dnsWeight: 0, neo4jFullBackupEveryDays: 7 };
        const steps = failoverSteps({ mode: "unplanned", from: { ...fakeView, stack: "a" }, to: { ...fakeView, stack: "b" }, maxLagMs: 0, secrets: [], origins: { from: "a.json", to: "b.json" } }, { runId: "x", by: "y", runCommand: async () => "" });
        expect(steps.map((x) => x.id)).toEqual([...STEP_IDS]);
    });

    it("the failover, failback and drill runbooks name the command", () => {
        for (const f of ["region-failover.md", "failback.md", "dr-drill.md"]) expect(read(f), f).toContain("npm run failover");
        expect(read("failback.md")).toMatch(/--from us-east-1 --to us-west-2 --planned/);
    });

    it("keeps the corrections: the survivor's member is disassociated; failback re-joins Redis by replacement and does not claim pulumi up rejoins Aurora", () => {
        expect(read("region-failover.md")).toMatch(/disassociate-global-replication-group --region us-east-1 [^\n]*--replication-group-region us-east-1/);
        expect(read("region-failover.md")).not.toMatch(/--replication-group-region us-west-2/);
        expect(read("failback.md")).toContain("--replace");
        expect(read("failback.md")).not.toMatch(/pulumi up -s us-east-1` re-associates/);
    });

    it("failback sets the old primary's Aurora membership before its first pulumi up, and back with the weights; deploys check the freeze", () => {
        const failback = read("failback.md");
        expect(failback).toContain("`intelgraph:aurora.membership: secondary` in `Pulumi.us-west-2.yaml`");
        expect(failback).toContain("**before the first `pulumi up -s us-west-2`**");
        expect(failback).toContain("`intelgraph:aurora.membership: writer` in `Pulumi.us-west-2.yaml`");
        expect(failback).toContain("rds:unplanned-global-failover-");
        for (const f of ["failback.md", "region-failover.md", "dr-drill.md"]) expect(read(f), f).toContain("npm run failover -- freeze-status");
        // The values the runbook names are the ones the schema takes.
        expect(read("../Pulumi.us-west-2.yaml")).toMatch(/^ {4}membership: writer$/m);
    });

    it("the graph section says what the CLI does: builders in order, the stop at intelgraph:neo4j.promoted, the password read in the pod; failback rejoins with the builders", () => {
        const step5 = read("region-failover.md").split(/^## /m).find((x) => x.includes("(step `graph`)")) ?? "";
        for (const name of ["systemStatusCheck", "systemRecoveryPrepare", "systemRecoveryComplete", "databasePromotion", "failbackSwitch"]) expect(step5, name).toContain(`\`${name}\``);
        expect(step5).toContain("Set `intelgraph:neo4j.promoted: true` in `Pulumi.us-east-1.yaml`");
        expect(step5).toContain('"${NEO4J_AUTH#neo4j/}"');
        expect(step5).toContain("same `--run-id`");
        expect(step5).not.toMatch(/until it\s+is given the builders' output/);
        expect(read("failback.md")).toContain("`failbackRejoin`");
        expect(read("failback.md")).not.toContain("restore there as in region-failover step 5");
    });

    it("would catch a runbook out of order", () => {
        expect(stepHeadings("## 1. A (step `aurora`)\n## 2. B (step `freeze`)\n")).toEqual(["aurora", "freeze"]);
    });
});
