import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../stacks/config/schema";
import { loadProject, loadStackFile } from "../../tools/offline/project";
import { problemsOf } from "../helpers/config";
import { PROJECT_DIR, inputsOf, mustGet, one, plan } from "../helpers/plan";

const project = loadProject(PROJECT_DIR);
const neo4j = (stack: string) => JSON.parse(loadStackFile(project, stack).config["intelgraph:neo4j"]) as Record<string, unknown>;
const withNeo4j = (stack: string, change: Record<string, unknown>) => ({ "intelgraph:neo4j": JSON.stringify({ ...neo4j(stack), ...change }) });

describe("the graph backup job's state is stack config (intelgraph:neo4j.backupJob), not the stack's role", () => {
    it("the committed files: active where the graph is written, suspended on the standby", () => {
        expect(["us-west-2", "us-east-1", "staging-us-west-2", "staging-us-east-1"].map((s) => neo4j(s).backupJob)).toEqual(["active", "suspended", "active", "suspended"]);
    });

    it("after a failover the runbook's change keeps the promoted secondary's job running, and the returning old primary's suspended", async () => {
        const stacks = await plan({
            stacks: ["us-west-2", "us-east-1"],
            configOverrides: { "us-east-1": withNeo4j("us-east-1", { backupJob: "active" }), "us-west-2": withNeo4j("us-west-2", { backupJob: "suspended" }) },
        });
        const suspend = (stack: string) => (inputsOf(one(mustGet(stacks, stack), "kubernetes:batch/v1:CronJob", "neo4j-backup")).spec as { suspend: boolean }).suspend;
        expect(suspend("us-east-1")).toBe(false);
        expect(suspend("us-west-2")).toBe(true);
    });

    it.each<[string, Record<string, unknown>, string, unknown, string]>([
        ["an unknown job state", { backupJob: "paused" }, "intelgraph:neo4j.backupJob", "paused", '"active" (this region writes the graph) or "suspended" (it does not)'],
        ["no job state", { backupJob: undefined }, "intelgraph:neo4j.backupJob", undefined, '"active" (this region writes the graph) or "suspended" (it does not)'],
        ["FULLs further apart than half the retention", { fullBackupEveryDays: 18 }, "intelgraph:neo4j.fullBackupEveryDays", 18, "at most half of backupRetentionDays: every restore window holds at least two FULL backups"],
        ["FULLs more than 28 days apart", { fullBackupEveryDays: 29, backupRetentionDays: 90 }, "intelgraph:neo4j.fullBackupEveryDays", 29, "at most 28 days between FULL backups"],
    ])("refuses %s, naming the file and key", (_, change, key, value, allowed) => {
        const config = { ...loadStackFile(project, "us-east-1").config, ...withNeo4j("us-east-1", change) };
        const problems = problemsOf(() => parseStackConfig("us-east-1", config));
        expect(problems.map((p) => ({ ...p }))).toEqual([expect.objectContaining({ file: "Pulumi.us-east-1.yaml", key, allowed, ...(value === undefined ? {} : { value }) })]);
    });
});
