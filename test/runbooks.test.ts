/** Runbooks name stack outputs; every one they name must exist in the planned stack it is read from. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
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
