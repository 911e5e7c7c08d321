/** The failover CLI against AWS faked with aws-sdk-client-mock and a fake kubectl (the graph step). */
import { graphPromotionSeconds } from "../../../policy-pack/lib/resilience";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UpdateNodegroupConfigCommand } from "@aws-sdk/client-eks";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { decisionBudget } from "../../../tools/failover/budgets";
import { main } from "../../../tools/failover/cli";
import { type StackView, stackOutputsSchema } from "../../../tools/failover/inputs";
import { FREEZE_KEY } from "../../../tools/failover/steps/freeze";
import { unwrapWire } from "../../../tools/offline/wire";
import { mustGet, plan } from "../../helpers/plan";
import budgets from "../../../policy-pack/data/recovery-times.json";
import { fakeAws } from "./fakeAws";
import { type FakeGraph, fakeGraph, kubectlRunner } from "./fakeNeo4j";

const FROM = "us-west-2";
const TO = "us-east-1";

/** The planned stacks' outputs, as `pulumi stack output --json --show-secrets` prints them. */
async function outputs(stack: string): Promise<Record<string, unknown>> {
    return unwrapWire(mustGet(await plan(), stack).outputs as never) as Record<string, unknown>;
}

let dir: string;
let fake: ReturnType<typeof fakeAws>;
let graph: FakeGraph;
let secrets: string[];
let t: number;

async function writeOutputs(overrides: Record<string, Record<string, unknown>> = {}) {
    for (const s of [FROM, TO]) fs.writeFileSync(path.join(dir, `${s}.json`), JSON.stringify({ ...(await outputs(s)), ...(overrides[s] ?? {}) }));
}

const view = async (s: string): Promise<StackView> => ({ ...stackOutputsSchema.parse(await outputs(s)), stack: s });

async function run(...args: string[]) {
    let stdout = "", stderr = "";
    const code = await main(["--from", FROM, "--to", TO, "--outputs-dir", dir, "--evidence-dir", path.join(dir, "evidence"), "--run-id", "drill-1", ...args], {
        stdout: (s) => void (stdout += s),
        stderr: (s) => void (stderr += s),
        now: () => t,
        sleep: async (ms) => void (t += ms),
        runCommand: async (argv) => kubectlRunner(graph, fake, String((await outputs(TO)).neo4jBackupBucketName), String((await outputs(TO)).eksClusterName))(argv),
    });
    return { code, stdout, stderr };
}

beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-"));
    t = Date.parse("2026-12-01T23:00:00Z");
    await writeOutputs();
    const [f, o] = [await outputs(FROM), await outputs(TO)];
    // These tests are about the AWS steps: the graph is already promoted (planned: both regions' servers enabled);
    // test/tools/failover/graph.test.ts runs the promotion itself.
    graph = fakeGraph({ fromAddresses: f.neo4jAddresses as string[], toAddresses: o.neo4jAddresses as string[], fromTag: "uswest2", toTag: "useast1", mode: "promoted" });
    fake = fakeAws(await view(FROM), await view(TO));
    const p = await outputs(FROM);
    secrets = [p.auroraMasterPassword, p.redisAuthToken, p.kubeconfig].map(String);
    expect(secrets.every((s) => s.length > 8)).toBe(true);
});
afterEach(() => fake.restore());

const groups = async () => {
    const o = await outputs(TO);
    return [...new Set([...(o.eksNodeGroupNames as string[]), ...(o.eksGraphNodeGroupNames as string[])])];
};

describe("npm run failover", () => {
    it("a dry run reads and prints the plan but changes nothing", async () => {
        const r = await run("--planned");
        expect(r.code).toBe(0);
        expect(await fake.mutating()).toEqual([]);
        expect(await fake.uploads()).toEqual([]);
        expect(graph.ran.filter((c) => c.mutating)).toEqual([]);
        expect(r.stdout).toContain("Dry run (planned) us-west-2 (us-west-2) -> us-east-1 (us-east-1)");
        expect(r.stdout).toContain("rds SwitchoverGlobalCluster in us-east-1");
        expect(fake.state.auroraWriter).toBe((await outputs(FROM)).auroraClusterArn);
    });

    it("--json prints the plan as data: each step's calls, precondition, check, sourced duration and timeout", async () => {
        const r = await run("--unplanned", "--json");
        const report = JSON.parse(r.stdout) as { plan: { steps: { id: string; calls: { operation: string; region: string; params: Record<string, unknown> }[]; durationSource: string; timeoutSeconds: number }[] } };
        expect(report.plan.steps.map((s) => s.id)).toEqual(["freeze", "aurora", "redis", "capacity", "graph", "dns"]);
        const aurora = report.plan.steps[1];
        expect(aurora.calls).toEqual([{ service: "rds", region: TO, operation: "FailoverGlobalCluster", params: { GlobalClusterIdentifier: (await outputs(TO)).auroraGlobalClusterId, TargetDbClusterIdentifier: (await outputs(TO)).auroraClusterArn, AllowDataLoss: true } }]);
        expect(report.plan.steps.every((s) => s.durationSource.length > 0 && s.timeoutSeconds > 0)).toBe(true);
        expect(await fake.mutating()).toEqual([]);
    });

    it("the plan's durations are the RTO model's budgets (policy-pack/data/recovery-times.json), decision included", async () => {
        const r = await run("--unplanned", "--json");
        const p = (JSON.parse(r.stdout) as { plan: { rtoBudgetSeconds: number; automationSeconds: number; steps: { id: string; expectedSeconds: number; durationSource: string }[] } }).plan;
        const byId = Object.fromEntries(p.steps.map((s) => [s.id, s]));
        expect([byId.aurora.expectedSeconds, byId.redis.expectedSeconds, byId.capacity.expectedSeconds, byId.graph.expectedSeconds]).toEqual([
            budgets.auroraPromotionSeconds.value, budgets.redisPromotionSeconds.value, budgets.eksScaleUpSeconds.value, graphPromotionSeconds(),
        ]);
        expect(byId.aurora.durationSource).toContain(budgets.auroraPromotionSeconds.source);
        expect(byId.graph.durationSource).toContain("neo4jPromotionSteps");
        expect(p.rtoBudgetSeconds).toBe(budgets.decisionSeconds.value + p.automationSeconds);
        // Planned: failbackSwitch's budgets, one pair of servers after the other (a store copy each; writes stay available).
        const planned = (JSON.parse((await run("--planned", "--json")).stdout) as { plan: { steps: { id: string; expectedSeconds: number; durationSource: string }[] } }).plan.steps.find((x) => x.id === "graph")!;
        const steps = budgets.neo4jPromotionSteps;
        expect(planned.expectedSeconds).toBe(3 * (steps.storeCopy.value + steps.cypher.value));
        expect(planned.durationSource).toContain(steps.storeCopy.source);
    });

    it("the decision time is config (the target's policy config, else the seed's 300 s; --decision-seconds overrides) and the hot paths are set against the 5 min stretch", async () => {
        type P = { plan: { decision: { seconds: number; source: string }; rtoBudgetSeconds: number; automationSeconds: number; stretch: { objective: { seconds: number }; hotPathSeconds: number; withDecisionSeconds: number }; steps: { id: string; expectedSeconds: number }[] } };
        const seed = (JSON.parse((await run("--unplanned", "--json")).stdout) as P).plan;
        expect(seed.decision.seconds).toBe(budgets.decisionSeconds.value);
        const hot = seed.steps.filter((x) => x.id !== "graph").reduce((a, x) => a + x.expectedSeconds, 0);
        expect(seed.stretch).toEqual({ objective: { seconds: budgets.stretchRtoSeconds.value, source: expect.stringContaining("seed 001") }, hotPathSeconds: hot, withDecisionSeconds: hot + budgets.decisionSeconds.value });
        const fast = await run("--unplanned", "--decision-seconds", "0");
        expect(fast.stdout).toContain(`RTO budget: decision 0 s (--decision-seconds) + steps ${seed.automationSeconds} s`);
        expect(fast.stdout).toContain(`Stretch (hot paths < 5.0 min, seed 001): automation ${hot} s ${hot <= 300 ? "meets" : "MISSES"} it; with the decision ${hot} s`);
        expect((await run("--unplanned", "--decision-seconds", "soon")).code).toBe(2);
        // A stack's policy config sets it for both npm run plan and the CLI.
        const cfg = fs.mkdtempSync(path.join(os.tmpdir(), "policy-"));
        fs.writeFileSync(path.join(cfg, `${TO}.json`), JSON.stringify({ "intelgraph-resilience-objectives": { decisionSeconds: 60 } }));
        expect(decisionBudget(TO, cfg)).toEqual({ seconds: 60, source: `policy-pack/config/${TO}.json: intelgraph-resilience-objectives.decisionSeconds` });
        expect(decisionBudget("no-such-stack", cfg).seconds).toBe(budgets.decisionSeconds.value);
    });

    it("planned: switchover, datastore failover, scale-up, graph; stops at the weights (config), then completes once they are applied", async () => {
        const to = await outputs(TO), from = await outputs(FROM);
        graph = fakeGraph({ fromAddresses: from.neo4jAddresses as string[], toAddresses: to.neo4jAddresses as string[], fromTag: "uswest2", toTag: "useast1", mode: "secondaries" });
        const first = await run("--planned", "--execute");
        expect(first.code).toBe(1);
        expect(first.stdout).toContain(`set intelgraph:dns.weight to 100 in Pulumi.${TO}.yaml and 0 in Pulumi.${FROM}.yaml`);
        const expected = [
            { service: "s3", operation: "PutObject", region: TO, bucket: to.neo4jBackupBucketName },
            { service: "s3", operation: "PutObject", region: FROM, bucket: from.neo4jBackupBucketName },
        ];
        const m = await fake.mutating();
        expect(m.slice(0, 2).map((c) => ({ service: c.service, operation: c.operation, region: c.region, bucket: c.input.Bucket }))).toEqual(expected);
        expect(m.slice(0, 2).every((c) => c.input.Key === FREEZE_KEY)).toBe(true);
        expect(m.slice(2, 4)).toEqual([
            { service: "rds", operation: "SwitchoverGlobalCluster", region: TO, input: { GlobalClusterIdentifier: to.auroraGlobalClusterId, TargetDbClusterIdentifier: to.auroraClusterArn } },
            { service: "elasticache", operation: "FailoverGlobalReplicationGroup", region: TO, input: { GlobalReplicationGroupId: to.redisGlobalReplicationGroupId, PrimaryRegion: TO, PrimaryReplicationGroupId: to.redisReplicationGroupId } },
        ]);
        expect(m.slice(4).map((c) => [c.operation, c.region, c.input.nodegroupName, (c.input.scalingConfig as { desiredSize: number }).desiredSize])).toEqual(
            (await groups()).map((g) => ["UpdateNodegroupConfig", TO, g, g.includes("graph") ? 2 : 8]),
        );
        // The graph: failbackSwitch, one pair at a time (a us-east-1 server may host primaries, then a us-west-2 one gives them up).
        const ids = (tag: string) => graph.servers.filter((x) => x.tag === tag).map((x) => x.serverId);
        const [east, west] = [ids("useast1"), ids("uswest2")];
        expect(graph.ran.filter((c) => c.mutating).map((c) => c.argv[c.argv.length - 1])).toEqual(
            east.flatMap((e, i) => [`ALTER SERVER '${e}' SET OPTIONS {modeConstraint: 'PRIMARY'}`, `ALTER SERVER '${west[i]}' SET OPTIONS {modeConstraint: 'SECONDARY'}`]),
        );

        // The reviewed weight change is applied and the outputs re-exported: the re-run finds every step done.
        await writeOutputs({ [TO]: { dnsWeight: 100 }, [FROM]: { dnsWeight: 0 } });
        const before = (await fake.mutating()).length;
        const second = await run("--planned", "--execute");
        expect(second.code).toBe(0);
        expect((await fake.mutating()).length).toBe(before);
        expect(second.stdout).toMatch(/RTO achieved/);
    });

    it("unplanned: failover allowing data loss and disassociation of the survivor's member, all in the surviving region, nothing to us-west-2", async () => {
        const to = await outputs(TO);
        const r = await run("--unplanned", "--execute", "--decided-at", "2026-12-01T22:58:00Z");
        expect(r.code, r.stdout).toBe(0);
        const all = await fake.calls();
        expect(all.filter((c) => c.region === FROM)).toEqual([]);
        const m = await fake.mutating();
        expect(m.slice(0, 3)).toEqual([
            { service: "s3", operation: "PutObject", region: TO, input: expect.objectContaining({ Bucket: to.neo4jBackupBucketName, Key: FREEZE_KEY }) },
            { service: "rds", operation: "FailoverGlobalCluster", region: TO, input: { GlobalClusterIdentifier: to.auroraGlobalClusterId, TargetDbClusterIdentifier: to.auroraClusterArn, AllowDataLoss: true } },
            { service: "elasticache", operation: "DisassociateGlobalReplicationGroup", region: TO, input: { GlobalReplicationGroupId: to.redisGlobalReplicationGroupId, ReplicationGroupId: to.redisReplicationGroupId, ReplicationGroupRegion: TO } },
        ]);
        expect(m.slice(3).every((c) => c.operation === "UpdateNodegroupConfig" && c.region === TO)).toBe(true);
        expect(all.some((c) => c.service === "route53")).toBe(false);
    });

    it("a failing step stops the run with what to do next; the re-run resumes without repeating finished steps", async () => {
        const eks = fake.stubs.find(([s]) => s === "eks")![1];
        eks.on(UpdateNodegroupConfigCommand).rejectsOnce(Object.assign(new Error("not authorized to perform eks:UpdateNodegroupConfig"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }));
        const first = await run("--unplanned", "--execute");
        expect(first.code).toBe(1);
        expect(first.stdout).toContain("[failed] EKS");
        expect(first.stdout).toMatch(/Next: step capacity: re-run to resume, or by hand: aws eks update-nodegroup-config --region us-east-1/);
        const ops = async () => (await fake.mutating()).map((c) => c.operation);
        expect((await ops()).filter((o) => o === "FailoverGlobalCluster")).toHaveLength(1);

        eks.on(UpdateNodegroupConfigCommand).callsFake((input: { nodegroupName?: string; scalingConfig?: { desiredSize?: number } }) => ((fake.state.desired[String(input.nodegroupName)] = Number(input.scalingConfig?.desiredSize)), {}));
        const second = await run("--unplanned", "--execute");
        expect(second.code, second.stdout).toBe(0);
        const after = await ops();
        expect(after.filter((o) => o === "FailoverGlobalCluster")).toHaveLength(1);
        expect(after.filter((o) => o === "DisassociateGlobalReplicationGroup")).toHaveLength(1);
        expect(after.filter((o) => o === "PutObject")).toHaveLength(1);
        expect(second.stdout).toMatch(/1\. \[done-before\] Freeze/);
        expect(second.stdout).toMatch(/2\. \[done-before\] Aurora/);
    });

    it("refuses a planned switchover above the lag limit, and any move to a region without healthy targets", async () => {
        fake.state.lagMs = 45_000;
        const lag = await run("--planned", "--execute");
        expect(lag.code).toBe(1);
        expect(lag.stdout).toContain("[refused] Aurora");
        expect(lag.stdout).toContain(`Aurora replication lag of ${(await outputs(TO)).auroraClusterId} is 45000 ms, above the planned-switchover limit of 30000 ms (--max-lag-ms): wait for it to drop`);
        expect((await fake.mutating()).map((c) => c.operation)).not.toContain("SwitchoverGlobalCluster");

        fake.state.lagMs = 100;
        fake.state.healthyHosts = 0;
        const hosts = await run("--unplanned", "--execute");
        expect(hosts.code).toBe(1);
        expect(hosts.stdout).toContain(`the API target group of ${TO} has 0 healthy targets: traffic must not move there`);
    });

    it("retries an idempotent call after throttling, with backoff", async () => {
        const s3 = fake.stubs.find(([n]) => n === "s3")![1];
        s3.on(PutObjectCommand)
            .rejectsOnce(Object.assign(new Error("Please reduce your request rate."), { name: "SlowDown", $retryable: { throttling: true }, $metadata: { httpStatusCode: 503 } }))
            .callsFake((input: { Bucket?: string; Key?: string }) => (fake.state.objects.add(`${input.Bucket}/${input.Key}`), {}));
        const t0 = t;
        const r = await run("--unplanned", "--execute");
        expect(r.code, r.stdout).toBe(0);
        expect((await fake.mutating()).filter((c) => c.operation === "PutObject")).toHaveLength(2);
        expect(t - t0).toBeGreaterThanOrEqual(1000);
    });

    it("a step whose check never holds times out with its check named", async () => {
        fake.state.auroraCompletes = false;
        const r = await run("--unplanned", "--execute");
        expect(r.code).toBe(1);
        expect(r.stdout).toContain("[failed] Aurora");
        expect(r.stdout).toContain("not done after 900 s (check: DescribeGlobalClusters:");
        expect((await fake.mutating()).map((c) => c.operation)).not.toContain("DisassociateGlobalReplicationGroup");
    });

    it("writes the evidence (JSON and summary): steps with start and end, the lag at the cut, who ran it, RTO against the objective, and no secret", async () => {
        const r = await run("--unplanned", "--execute", "--decided-at", "2026-12-01T22:58:00Z", "--json");
        expect(r.code).toBe(0);
        const json = fs.readFileSync(path.join(dir, "evidence", "failover-drill-1.json"), "utf8");
        const md = fs.readFileSync(path.join(dir, "evidence", "failover-drill-1.md"), "utf8");
        const e = JSON.parse(json) as { by: string; facts: Record<string, number>; rtoSeconds: number; rtoObjectiveSeconds: number; steps: { startedAt: string; endedAt: string }[] };
        expect(e.by).toBe("arn:aws:sts::123456789012:assumed-role/intelgraph-break-glass/oncall");
        expect(e.facts.auroraReplicationLagMsAtCut).toBe(800);
        expect(e.rtoObjectiveSeconds).toBe(900);
        expect(e.rtoSeconds).toBeGreaterThanOrEqual(120);
        expect(e.steps.every((s) => s.startedAt && s.endedAt)).toBe(true);
        expect(md).toMatch(/RTO achieved: [\d.]+ min against an objective of 15.0 min/);
        for (const text of [json, md, r.stdout, r.stderr]) for (const s of secrets) expect(text.includes(s)).toBe(false);
    });

    it("an executed run uploads its record to the target region's Object Lock bucket with the audit retention, keeps the local files, and uploads no secret", async () => {
        const to = await outputs(TO);
        const r = await run("--unplanned", "--execute", "--decided-at", "2026-12-01T22:58:00Z");
        expect(r.code, r.stderr).toBe(0);
        const uploads = await fake.uploads();
        expect(uploads.map((c) => [c.region, c.input.Bucket, c.input.Key, c.input.ObjectLockMode, c.input.ChecksumAlgorithm])).toEqual([
            [TO, to.evidenceBucketName, "evidence/failover/failover-drill-1.json", "COMPLIANCE", "SHA256"],
            [TO, to.evidenceBucketName, "evidence/failover/failover-drill-1.md", "COMPLIANCE", "SHA256"],
        ]);
        expect(to.evidenceBucketName).toBe(`intelgraph-dr-evidence-123456789012-${TO}`);
        const retainDays = ((uploads[0].input.ObjectLockRetainUntilDate as Date).getTime() - t) / 86_400_000;
        expect(Math.round(retainDays)).toBe(to.evidenceAuditRetentionDays);
        expect(uploads[0].input.Body).toEqual(fs.readFileSync(path.join(dir, "evidence", "failover-drill-1.json")));
        for (const u of uploads) for (const secret of secrets) expect(String(u.input.Body).includes(secret)).toBe(false);
        expect(r.stderr).toContain(`and s3://${to.evidenceBucketName}/evidence/failover/failover-drill-1.json`);
        expect((await fake.calls()).filter((c) => c.region === FROM)).toEqual([]);
    });

    it("a failed upload keeps the local record and says how to upload it; the failover still completes", async () => {
        const s3 = fake.stubs.find(([n]) => n === "s3")![1];
        s3.on(PutObjectCommand, { Key: "evidence/failover/failover-drill-1.json" }).rejects(Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
        const r = await run("--unplanned", "--execute");
        expect(r.code).toBe(0);
        expect(r.stderr).toContain(`failover: evidence kept in ${path.join(dir, "evidence", "failover-drill-1.json")} only: the upload to s3://intelgraph-dr-evidence-123456789012-${TO} in ${TO} failed (Access Denied)`);
        expect(fs.existsSync(path.join(dir, "evidence", "failover-drill-1.md"))).toBe(true);
    });

    it("bad input exits 2 naming the file or flag and what is allowed", async () => {
        fs.rmSync(path.join(dir, `${TO}.json`));
        const missing = await run("--planned");
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain(`${path.join(dir, `${TO}.json`)}: cannot read the outputs of stack ${TO}`);
        expect(missing.stderr).toContain(`pulumi stack output --json --show-secrets --stack ${TO}`);
        await writeOutputs();
        const neither = await run();
        expect(neither.code).toBe(2);
        expect(neither.stderr).toContain("say --planned (both regions up) or --unplanned");
        const lag = await run("--planned", "--max-lag-ms", "soon");
        expect(lag.code).toBe(2);
        expect(lag.stderr).toContain("--max-lag-ms must be a whole number of milliseconds");
    });
});
