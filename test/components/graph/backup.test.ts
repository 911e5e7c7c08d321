import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { backupCommand, backupLifecycleDays, chainFolder, chainStartDay } from "../../../components/graph/backup";
import { serverIdentity } from "../../../components/graph/neo4jSettings";
import type { PlannedStack } from "../../../tools/offline/engine";
import { inputsOf, mustGet, one, plan } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

interface Artifact {
    readonly folder: string;
    readonly at: number;
    readonly full: boolean;
}

/**
 * Runs the job every `everyMinutes` for `days` (skipping the runs `skip` picks: failures, Forbid overlaps), with
 * neo4j-admin's rule: the first artifact in a folder is a FULL, later ones DIFFs chained to it.
 */
function simulate(fullEveryDays: number, days: number, everyMinutes: number, skip: (run: number) => boolean): Artifact[] {
    const artifacts: Artifact[] = [];
    const seen = new Set<string>();
    const start = Date.UTC(2026, 0, 1, 0, 7);
    for (let run = 0, at = start; at < start + days * DAY; run++, at += everyMinutes * MINUTE) {
        if (skip(run)) continue;
        const folder = chainFolder("us-west-2", chainStartDay(Math.floor(at / DAY), fullEveryDays));
        artifacts.push({ folder, at, full: !seen.has(folder) });
        seen.add(folder);
    }
    return artifacts;
}

/**
 * The restore points that lost their FULL: artifacts younger than `retentionDays` at some moment whose chain's FULL
 * the lifecycle (expire at `lifecycleDays` of age) has already removed. S3 rounds an expiry up to the next midnight
 * UTC, which only keeps objects longer; this ignores it.
 */
function orphans(artifacts: readonly Artifact[], retentionDays: number, lifecycleDays: number): Artifact[] {
    const fulls = new Map(artifacts.filter((a) => a.full).map((a) => [a.folder, a]));
    return artifacts.filter((a) => {
        const full = fulls.get(a.folder);
        if (!full) return true;
        // The worst moment for a point is the end of its restore window: the FULL is older by (a.at - full.at).
        const lastPromised = a.at + retentionDays * DAY;
        return lastPromised >= full.at + lifecycleDays * DAY;
    });
}

describe("Neo4j backup chains under the bucket lifecycle", () => {
    it.each(["us-west-2", "us-east-1", "staging-us-west-2", "staging-us-east-1"])("%s: no artifact inside the restore window loses its FULL", (stack) => {
        const s = mustGet(stacks, stack);
        const job = inputsOf(one(s, "kubernetes:batch/v1:CronJob", "neo4j-backup")) as { spec: { schedule: string; jobTemplate: { spec: { template: { spec: { containers: { command: string[] }[] } } } } } };
        const script = job.spec.jobTemplate.spec.template.spec.containers[0].command[2];
        const fullEveryDays = Number(/\/ 86400 \/ (\d+) \*/.exec(script)?.[1]);
        const everyMinutes = Number(/^\*\/(\d+) \* \* \* \*$/.exec(job.spec.schedule)?.[1]);
        const lifecycle = inputsOf(one(s, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "neo4j-backups-lifecycle")) as {
            rules: { expiration: { days: number }; noncurrentVersionExpiration: { noncurrentDays: number } }[];
        };
        const lifecycleDays = lifecycle.rules[0].expiration.days;
        expect(lifecycle.rules[0].noncurrentVersionExpiration.noncurrentDays).toBe(lifecycleDays);
        const retentionDays = lifecycleDays - fullEveryDays;
        expect(retentionDays).toBe(stack.startsWith("staging") ? 14 : 35);
        // Every 37th run fails or is skipped, the first of a chain included now and then.
        const artifacts = simulate(fullEveryDays, 3 * lifecycleDays, everyMinutes, (run) => run % 37 === 0);
        expect(artifacts.filter((a) => a.full).length).toBeGreaterThan(3 * lifecycleDays / fullEveryDays - 1);
        expect(orphans(artifacts, retentionDays, lifecycleDays)).toEqual([]);
    });

    it("would lose FULLs with the lifecycle that expired every object at the restore window (the old layout)", () => {
        const artifacts = simulate(7, 105, 15, () => false);
        expect(orphans(artifacts, 35, 35).length).toBeGreaterThan(0);
        expect(orphans(artifacts, 35, backupLifecycleDays(35, 7))).toEqual([]);
    });

    it("starts a chain every fullEveryDays, aligned on the epoch in UTC", () => {
        expect(chainStartDay(20_454, 7)).toBe(20_454 - (20_454 % 7));
        expect([0, 6, 7, 13, 14].map((d) => chainStartDay(d, 7))).toEqual([0, 0, 7, 7, 14]);
        expect(chainFolder("us-east-1", 20_447)).toBe("neo4j/us-east-1/chain-20447/");
    });
});

describe("the backup job's command", () => {
    const cmd = backupCommand([serverIdentity("g", "neo4j", 0), serverIdentity("g", "neo4j", 1)], "bucket-x", "us-east-1", 7);

    it("refuses a region that could change the path", () => {
        expect(() => backupCommand([serverIdentity("g", "neo4j", 0)], "b", "us-east-1/../x", 7)).toThrow('region must be an AWS region name, got "us-east-1/../x"');
    });

    it("backs up every database from any server's backup port into the current chain's folder of its own region", () => {
        expect(cmd.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
        expect(cmd[2].split("\n")).toEqual([
            "set -eu",
            "chain=$(( $(date -u +%s) / 86400 / 7 * 7 ))",
            "exec neo4j-admin database backup --from=g-0.neo4j.svc.cluster.local:6362,g-1.neo4j.svc.cluster.local:6362 --to-path=s3://bucket-x/neo4j/us-east-1/chain-${chain}/ --type=AUTO --compress=true '*'",
        ]);
    });

    it("works out the same folder in a POSIX shell as chainStartDay (neo4j-admin replaced by echo)", () => {
        const script = cmd[2].replace("exec neo4j-admin", "echo");
        const before = Math.floor(Date.now() / DAY);
        const out = execFileSync("/bin/sh", ["-c", script], { encoding: "utf8" }).trim().split(" ");
        const after = Math.floor(Date.now() / DAY);
        const folders = new Set([before, after].map((d) => `--to-path=s3://bucket-x/${chainFolder("us-east-1", chainStartDay(d, 7))}`));
        expect(folders).toContain(out.find((a) => a.startsWith("--to-path=")));
        // The database pattern reaches neo4j-admin unexpanded.
        expect(out.at(-1)).toBe("*");
    });
});
