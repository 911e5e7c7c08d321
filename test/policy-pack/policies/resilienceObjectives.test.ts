import { describe, expect, it } from "vitest";
import { evaluate, packConfig, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-resilience-objectives";

describe(RULE, () => {
    it("passes the planned stacks with their declared objectives, also at first preview", async () => {
        for (const preview of [false, true]) {
            const result = await evaluate(await stackResources("us-west-2", preview), "us-west-2", RULE);
            expect(result.violations).toEqual([]);
            expect(result.summary.cantRunDuringPreview).toBe(0);
        }
    });

    it("flags a tier whose settings cannot meet its objective", async () => {
        const config = packConfig("us-east-1");
        config[RULE] = { rtoSeconds: 600, rpoSeconds: 300 };
        const result = await evaluate(await stackResources("us-east-1"), "us-east-1", RULE, config);
        expect(result.violations.map((v) => v.message)).toEqual([
            "pulumi:pulumi:Stack 'intelgraph-us-east-1' (us-east-1): RTO of tier api (s) is 750; required: at most 600 (detection 90 s + decision 300 s + slowest of Aurora 120 s / ElastiCache 60 s / EKS scale-up 360 s (in parallel)). Shorten the health check (intelgraph:dns.healthCheck), the backup schedule (intelgraph:neo4j.backupSchedule) or the recovery path, or change the objective in a reviewed policy-config change.",
            "pulumi:pulumi:Stack 'intelgraph-us-east-1' (us-east-1): RTO of tier graph (s) is 1590; required: at most 600 (restore 1200 s after detection and decision; RPO = backup interval 900 s + S3 replication 900 s). Shorten the health check (intelgraph:dns.healthCheck), the backup schedule (intelgraph:neo4j.backupSchedule) or the recovery path, or change the objective in a reviewed policy-config change.",
            "pulumi:pulumi:Stack 'intelgraph-us-east-1' (us-east-1): RPO of tier graph (s) is 1800; required: at most 300 (restore 1200 s after detection and decision; RPO = backup interval 900 s + S3 replication 900 s). Shorten the health check (intelgraph:dns.healthCheck), the backup schedule (intelgraph:neo4j.backupSchedule) or the recovery path, or change the objective in a reviewed policy-config change.",
        ]);
    });

    it("takes the decision time from the policy config: a faster decision moves the API tier under a tighter objective", async () => {
        const config = packConfig("us-east-1");
        config[RULE] = { rtoSeconds: 600, rpoSeconds: 300, decisionSeconds: 60, tiers: { graph: { rtoSeconds: 1800, rpoSeconds: 1800, reason: "test" } } };
        const result = await evaluate(await stackResources("us-east-1"), "us-east-1", RULE, config);
        expect(result.violations).toEqual([]);
    });

    it("bounds the graph's RPO by the backup job only: the monthly verification job's schedule is not a backup interval", async () => {
        const resources = await stackResources("us-east-1");
        const jobs = resources.filter((r) => r.type === "kubernetes:batch/v1:CronJob").map((r) => r.urn.split("::").pop());
        expect(jobs.sort()).toEqual(["neo4j-backup", "neo4j-verification-job"]);
        // Without the backup job the verification job's monthly schedule must not stand in for it.
        const withoutBackup = resources.filter((r) => !r.urn.endsWith("::neo4j-backup"));
        const result = await evaluate(withoutBackup, "us-east-1", RULE);
        expect(result.violations.map((v) => v.message)).toEqual([
            'pulumi:pulumi:Stack \'intelgraph-us-east-1\' (us-east-1): RPO of tier graph (s) is "unbounded (no recognised backup schedule)"; required: at most 1800 (restore 1200 s after detection and decision; RPO = backup interval Infinity s + S3 replication 900 s). Shorten the health check (intelgraph:dns.healthCheck), the backup schedule (intelgraph:neo4j.backupSchedule) or the recovery path, or change the objective in a reviewed policy-config change.',
        ]);
    });
});
