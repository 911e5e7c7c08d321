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
        config[RULE] = { rtoSeconds: 600, rpoSeconds: 30 };
        const result = await evaluate(await stackResources("us-east-1"), "us-east-1", RULE, config);
        expect(result.violations.map((v) => v.message)).toEqual([
            "pulumi:pulumi:Stack 'intelgraph-us-east-1' (us-east-1): RTO of tier api (s) is 750; required: at most 600 (detection 90 s + decision 300 s + slowest of Aurora 120 s / ElastiCache 60 s / EKS scale-up 360 s (in parallel)). Shorten the health check (intelgraph:dns.healthCheck), the graph's replication lag bound (intelgraph:neo4j.replicationLag) or the recovery path, or change the objective in a reviewed policy-config change.",
            "pulumi:pulumi:Stack 'intelgraph-us-east-1' (us-east-1): RTO of tier graph (s) is 850; required: at most 600 (detection 90 s + decision 300 s + promotion of the secondaries to write availability 460 s (system-status 10, stop-survivors 60, unbind-system 30, system-info 30, dump-system 30, load-system 30, restart-promoted 120, cordon-lost 10, unconstrain-survivors 10, recreate 120, verify 10); RPO = lag bound 30 s + lag detection 30 s). Shorten the health check (intelgraph:dns.healthCheck), the graph's replication lag bound (intelgraph:neo4j.replicationLag) or the recovery path, or change the objective in a reviewed policy-config change.",
            "pulumi:pulumi:Stack 'intelgraph-us-east-1' (us-east-1): RPO of tier graph (s) is 60; required: at most 30 (detection 90 s + decision 300 s + promotion of the secondaries to write availability 460 s (system-status 10, stop-survivors 60, unbind-system 30, system-info 30, dump-system 30, load-system 30, restart-promoted 120, cordon-lost 10, unconstrain-survivors 10, recreate 120, verify 10); RPO = lag bound 30 s + lag detection 30 s). Shorten the health check (intelgraph:dns.healthCheck), the graph's replication lag bound (intelgraph:neo4j.replicationLag) or the recovery path, or change the objective in a reviewed policy-config change.",
        ]);
    });

    it("meets the seed's 15 min / 5 min for the graph tier with no objective of its own in any policy config", async () => {
        for (const stack of ["us-west-2", "us-east-1", "staging-us-west-2", "staging-us-east-1"]) {
            expect((packConfig(stack)[RULE] as { tiers?: unknown }).tiers, stack).toBeUndefined();
            expect((await evaluate(await stackResources(stack), stack, RULE)).violations, stack).toEqual([]);
        }
    });

    it("moves the graph's RPO with the lag bound in the stack file (intelgraph:neo4j.replicationLag)", async () => {
        const config = packConfig("us-east-1");
        const bounded = await evaluate(await stackResources("us-east-1"), "us-east-1", RULE, { ...config, [RULE]: { rtoSeconds: 900, rpoSeconds: 59 } });
        expect(bounded.violations.map((v) => v.message)).toEqual([expect.stringContaining("RPO of tier graph (s) is 60; required: at most 59")]);
    });

    it("takes the decision time from the policy config: a faster decision moves the API and graph tiers under a tighter objective", async () => {
        const config = packConfig("us-east-1");
        config[RULE] = { rtoSeconds: 650, rpoSeconds: 300, decisionSeconds: 60 };
        const result = await evaluate(await stackResources("us-east-1"), "us-east-1", RULE, config);
        expect(result.violations).toEqual([]);
    });

    it("bounds the graph's RPO by the secondaries' lag, not by a CronJob: neither the backup, the monthly verification nor the lag exporter's schedule counts", async () => {
        const resources = await stackResources("us-east-1");
        const jobs = resources.filter((r) => r.type === "kubernetes:batch/v1:CronJob").map((r) => r.urn.split("::").pop());
        expect(jobs.sort()).toEqual(["neo4j-backup", "neo4j-lag-job", "neo4j-verification-job"]);
        const withoutBackup = resources.filter((r) => !r.urn.endsWith("::neo4j-backup"));
        expect((await evaluate(withoutBackup, "us-east-1", RULE)).violations).toEqual([]);
    });
});
