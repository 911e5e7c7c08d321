/** The failover CLI's graph step: the builders' promotion run through a fake kubectl against the target region only. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { databasePromotion, systemRecoveryComplete, systemRecoveryPrepare } from "../../../components/graph/promotion";
import { main } from "../../../tools/failover/cli";
import { type StackView, stackOutputsSchema } from "../../../tools/failover/inputs";
import { GRAPH, lastCommittedTransaction, parseServers, plainRows, statusCheckHolds } from "../../../tools/failover/steps/graph";
import { graphPromotionSeconds } from "../../../policy-pack/lib/resilience";
import { unwrapWire } from "../../../tools/offline/wire";
import { inputsOf, mustGet, ofType, plan } from "../../helpers/plan";
import { fakeAws } from "./fakeAws";
import { type FakeGraph, applyPromotedStackFile, fakeGraph, kubectlRunner, loseRegion } from "./fakeNeo4j";

const FROM = "us-west-2";
const TO = "us-east-1";
const RUN = "incident-7";

async function outputs(stack: string): Promise<Record<string, unknown>> {
    return unwrapWire(mustGet(await plan(), stack).outputs as never) as Record<string, unknown>;
}
const view = async (s: string): Promise<StackView> => ({ ...stackOutputsSchema.parse(await outputs(s)), stack: s });

let dir: string;
let fake: ReturnType<typeof fakeAws>;
let graph: FakeGraph;
let to: StackView;
let t: number;

async function run(...args: string[]) {
    let stdout = "", stderr = "";
    const runner = kubectlRunner(graph, fake, to.neo4jBackupBucketName, to.eksClusterName);
    const code = await main(["--from", FROM, "--to", TO, "--outputs-dir", dir, "--evidence-dir", path.join(dir, "evidence"), "--run-id", RUN, ...args], {
        stdout: (s) => void (stdout += s),
        stderr: (s) => void (stderr += s),
        now: () => t,
        sleep: async (ms) => void (t += ms),
        runCommand: runner,
    });
    return { code, stdout, stderr };
}

const mutating = () => graph.ran.filter((c) => c.mutating);
/** The statement of a cypher-shell command, the neo4j-admin argv of an offline pod, or the kubectl verb. */
const what = (argv: readonly string[]) => (argv.includes("exec") ? argv[argv.length - 1] : argv.includes("run") ? argv.slice(argv.indexOf("--") + 1).join(" ") : argv.slice(5).join(" "));

beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-graph-"));
    t = Date.parse("2026-12-01T23:00:00Z");
    for (const s of [FROM, TO]) fs.writeFileSync(path.join(dir, `${s}.json`), JSON.stringify(await outputs(s)));
    to = await view(TO);
    const from = await view(FROM);
    fake = fakeAws(from, to);
    graph = fakeGraph({ fromAddresses: from.neo4jAddresses ?? [], toAddresses: to.neo4jAddresses ?? [], fromTag: "uswest2", toTag: "useast1", mode: "secondaries" });
    loseRegion(graph, "uswest2");
});
afterEach(() => fake.restore());

const survivors = () => graph.servers.filter((s) => s.tag === "useast1").map((s, i) => ({ serverId: s.serverId, statefulSet: `intelgraph-graph-${i}`, clusterAddress: to.neo4jClusterAddresses![i] }));
const lostIds = () => graph.servers.filter((s) => s.tag === "uswest2").map((s) => s.serverId);
const dumpPath = () => `s3://${to.neo4jBackupBucketName}/neo4j/system-recovery/${RUN}/`;
const promotedInstruction = `set intelgraph:neo4j.promoted: true in Pulumi.${TO}.yaml`;

describe("npm run failover: the graph step (Neo4j secondaries' promotion)", () => {
    it("the outputs name the target's three servers (fixed addresses, cluster addresses) the step maps SHOW SERVERS to, and the names it uses are the program's", async () => {
        expect(to.neo4jAddresses).toHaveLength(3);
        expect(to.neo4jClusterAddresses).toEqual(to.neo4jAddresses!.map((a) => `${a}:6000`));
        const stack = mustGet(await plan(), TO);
        const sets = ofType(stack, "kubernetes:apps/v1:StatefulSet").map(inputsOf) as { metadata: { name: string; namespace: string }; spec: { template: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } } } }[];
        const servers = sets.filter((x) => x.metadata.name.startsWith(`${GRAPH.cluster}-`));
        expect(servers.map((x) => [x.metadata.name, x.metadata.namespace])).toEqual([0, 1, 2].map((i) => [`${GRAPH.cluster}-${i}`, GRAPH.namespace]));
        // The password the pods' cypher-shell reads: NEO4J_AUTH from the auth Secret, never a literal.
        for (const x of servers) expect(x.spec.template.spec.containers[0].env.find((e) => e.name === "NEO4J_AUTH")?.valueFrom).toBeDefined();
        expect(ofType(stack, "kubernetes:core/v1:ServiceAccount").map(inputsOf).map((x) => (x.metadata as { name: string }).name)).toContain(GRAPH.backupServiceAccount);
    });

    it("a dry run reads the facts and prints every command (argv), its check and budget; it runs no mutating command", async () => {
        const r = await run("--unplanned", "--json");
        expect(r.code, r.stderr).toBe(0);
        expect(mutating()).toEqual([]);
        expect(graph.ran.length).toBeGreaterThan(0);
        const report = JSON.parse(r.stdout) as { plan: { steps: { id: string; expectedSeconds: number; durationSource: string; calls: { region: string; operation: string; params: { argv: string[]; check: string[]; expect: string; expectedSeconds: number; source: string } }[] }[] } };
        const g = report.plan.steps.find((s) => s.id === "graph")!;
        expect(g.expectedSeconds).toBe(graphPromotionSeconds());
        expect(g.durationSource).toContain("neo4jPromotionSteps");
        const ids = [
            "system-status",
            "stop-survivors",
            ...[0, 1, 2].map((i) => `unbind-system-intelgraph-graph-${i}`),
            ...[0, 1, 2].map((i) => `system-info-intelgraph-graph-${i}`),
            "dump-system",
            ...[0, 1, 2].map((i) => `load-system-intelgraph-graph-${i}`),
            "restart-promoted",
        ];
        expect(g.calls.map((c) => c.operation)).toEqual(ids);
        for (const c of g.calls) {
            expect(c.region).toBe(TO);
            expect(c.params.check.length, c.operation).toBeGreaterThan(0);
            expect(c.params.expectedSeconds, c.operation).toBeGreaterThan(0);
            expect(c.params.source, c.operation).toMatch(/Operations Manual 5\.26/);
        }
        expect(g.calls[1].params.argv).toEqual(["kubectl", "--context", to.eksClusterName, "-n", "neo4j", "scale", "statefulset", "intelgraph-graph-0", "intelgraph-graph-1", "intelgraph-graph-2", "--replicas=0"]);
        expect(String(g.calls.at(-1)!.params.argv)).toContain(promotedInstruction);
        // Every command went to the target's cluster, none carried the password.
        for (const c of graph.ran) expect(c.argv.slice(0, 3)).toEqual(["kubectl", "--context", to.eksClusterName]);
        expect(r.stdout.includes(graph.password)).toBe(false);
        expect((await fake.calls()).filter((c) => c.region === FROM)).toEqual([]);
    });

    it("unplanned: runs exactly the builders' commands in order against the target only, stops at the stack-file change, then promotes the user database", async () => {
        const first = await run("--unplanned", "--execute");
        expect(first.code).toBe(1);
        expect(first.stdout).toContain("[failed] Neo4j");
        expect(first.stdout).toContain(`graph step restart-promoted: a stack-file change, never a patch: ${promotedInstruction}`);
        expect(first.stdout).toContain(`run pulumi up -s ${TO} with allow-freeze-run: ${RUN}`);
        expect(first.stdout).toContain(`then re-run the same command with --run-id ${RUN}`);
        const seed = "intelgraph-graph-1"; // the fake's highest system transaction (43)
        const prepare = systemRecoveryPrepare({ namespace: "neo4j", survivors: survivors() });
        const complete = systemRecoveryComplete({ namespace: "neo4j", survivors: survivors(), seed, dumpPath: dumpPath() });
        const builderRuns = [...prepare, ...complete]
            .filter((s) => s.run.kind !== "restart-with-settings" && !(s.run.kind === "offline-admin" && s.run.argv.join(" ") === "neo4j-admin database info system"))
            .map((s) => (s.run.kind === "kubectl" ? s.run.argv.slice(2).join(" ") : s.run.kind === "offline-admin" ? s.run.argv.join(" ") : ""));
        expect(mutating().map((c) => what(c.argv))).toEqual(builderRuns);
        // The offline pods mount each server's own claim.
        const dump = mutating().find((c) => what(c.argv).startsWith("neo4j-admin database dump"))!;
        expect(dump.argv[6]).toBe(`${seed}-admin`);
        expect(dump.cmd).toContain(`"claimName":"data-${seed}-0"`);
        expect(fake.state.objects.has(`${to.neo4jBackupBucketName}/neo4j/system-recovery/${RUN}/system.dump`)).toBe(true);

        // The reviewed stack-file change and its pulumi up: the servers start promoted; the re-run goes on from there.
        applyPromotedStackFile(graph);
        const before = graph.ran.length;
        const second = await run("--unplanned", "--execute");
        expect(second.code, second.stdout).toBe(0);
        const promotion = databasePromotion({ database: "neo4j", survivors: survivors(), lostServerIds: lostIds(), primaries: 3 });
        const statements = promotion.map((s) => (s.run.kind === "cypher" ? s.run.statement : "")).filter((x) => x !== "CALL dbms.cluster.statusCheck([])");
        expect(graph.ran.slice(before).filter((c) => c.mutating).map((c) => what(c.argv))).toEqual(statements);
        // No offline command again, nothing outside the target's cluster, nothing to the lost region's AWS.
        expect(graph.ran.slice(before).some((c) => c.argv.includes("run") || c.argv.includes("scale"))).toBe(false);
        expect(graph.ran.every((c) => c.argv[2] === to.eksClusterName)).toBe(true);
        expect((await fake.calls()).filter((c) => c.region === FROM)).toEqual([]);
        expect(graph.servers.filter((s) => !s.dropped).map((s) => s.tag)).toEqual(["useast1", "useast1", "useast1"]);
        expect(second.stdout).toMatch(/RTO achieved/);
    });

    it("a re-run after a failure in the middle resumes without repeating finished steps", async () => {
        graph.failOnce = /database dump system/;
        const first = await run("--unplanned", "--execute");
        expect(first.code).toBe(1);
        expect(first.stdout).toContain("graph step dump-system failed: command failed");
        expect(first.stdout).toContain(`Next: step graph: fix the cause, then re-run the same command with --run-id ${RUN}`);
        const ran1 = mutating().length;
        const second = await run("--unplanned", "--execute");
        expect(second.code).toBe(1);
        const again = mutating().slice(ran1).map((c) => what(c.argv));
        // The survivors are still stopped (no second scale) and their ids come from the run's record next to the dump.
        expect(again.filter((x) => x.startsWith("scale"))).toEqual([]);
        expect(again.filter((x) => x.includes("unbind-system-db"))).toHaveLength(3);
        expect(again.filter((x) => x.startsWith("neo4j-admin database dump"))).toHaveLength(1);
        expect(second.stdout).toContain("graph step restart-promoted: a stack-file change");

        // Third run: the dump is in the bucket, so neither the unbinds nor the dump run again.
        const ran2 = mutating().length;
        await run("--unplanned", "--execute");
        const third = mutating().slice(ran2).map((c) => what(c.argv));
        expect(third.filter((x) => x.includes("unbind-system-db") || x.includes("database dump"))).toEqual([]);

        // In the user database's promotion: a failed deallocation; the re-run does not cordon, alter or recreate again.
        applyPromotedStackFile(graph);
        graph.failOnce = new RegExp(`DEALLOCATE DATABASES FROM SERVER '${lostIds()[1]}'`);
        const fourth = await run("--unplanned", "--execute");
        expect(fourth.code).toBe(1);
        expect(fourth.stdout).toContain(`graph step deallocate-${lostIds()[1]} failed`);
        const ran4 = mutating().length;
        const fifth = await run("--unplanned", "--execute");
        expect(fifth.code, fifth.stdout).toBe(0);
        expect(mutating().slice(ran4).map((c) => what(c.argv))).toEqual([
            ...lostIds().slice(1).map((id) => `DEALLOCATE DATABASES FROM SERVER '${id}'`),
            ...lostIds().map((id) => `DROP SERVER '${id}'`),
        ]);
        expect(fifth.stdout).toMatch(/5\. \[done\] Neo4j/);
    });

    it("a check that does not hold stops the run with the check, what it showed and what to do next", async () => {
        applyPromotedStackFile(graph);
        graph.systemWritable = true;
        // The recreate is accepted but the database never becomes write-available.
        const realRun = kubectlRunner(graph, fake, to.neo4jBackupBucketName, to.eksClusterName);
        let stdout = "";
        const code = await main(["--from", FROM, "--to", TO, "--outputs-dir", dir, "--evidence-dir", path.join(dir, "evidence"), "--run-id", RUN, "--unplanned", "--execute"], {
            stdout: (s) => void (stdout += s),
            stderr: () => undefined,
            now: () => t,
            sleep: async (ms) => void (t += ms),
            runCommand: async (argv) => {
                const out = await realRun(argv);
                if (argv[argv.length - 1].startsWith("CALL dbms.cluster.recreateDatabase")) graph.databaseWritable = false;
                return out;
            },
        });
        expect(code).toBe(1);
        expect(stdout).toContain(`graph step recreate-neo4j: check not met:`);
        expect(stdout).toContain(`should show "replicationSuccessful is true on 3 primaries (write-available)"`);
        expect(stdout).toContain("Next: step graph: find why (Operations Manual 5.26, 'Recreate a database'");
        expect(mutating().map((c) => what(c.argv)).filter((x) => x.startsWith("DROP SERVER"))).toEqual([]);
    });

    it("refuses an unplanned promotion while the other region's servers are available", async () => {
        for (const s of graph.servers) s.health = "Available";
        const r = await run("--unplanned", "--execute");
        expect(r.code).toBe(1);
        expect(r.stdout).toContain("[refused] Neo4j");
        expect(r.stdout).toMatch(/of us-west-2 are Available: us-west-2 is not lost; use --planned/);
        expect(mutating()).toEqual([]);
    });

    it("the evidence, the plan and every argv carry no Neo4j password: the pods read it from NEO4J_AUTH", async () => {
        await run("--unplanned", "--execute");
        applyPromotedStackFile(graph);
        const r = await run("--unplanned", "--execute", "--json");
        expect(r.code).toBe(0);
        const files = fs.readdirSync(path.join(dir, "evidence")).map((f) => fs.readFileSync(path.join(dir, "evidence", f), "utf8"));
        for (const text of [...files, r.stdout, r.stderr, ...graph.ran.map((c) => c.cmd)]) expect(text.includes(graph.password)).toBe(false);
        const cypher = graph.ran.filter((c) => c.argv.includes("exec"));
        expect(cypher.length).toBeGreaterThan(0);
        for (const c of cypher) expect(c.argv).toContain('exec cypher-shell -a bolt+ssc://localhost:7687 -u neo4j -p "${NEO4J_AUTH#neo4j/}" -d system --format plain "$1"');
        const e = JSON.parse(files.find((f) => f.startsWith("{"))!) as { facts: Record<string, string> };
        expect(e.facts.graphSystemSeed).toBeUndefined(); // the second run found the system database recovered
    });
});

describe("npm run failover --planned: the graph step switches the primaries (failbackRejoin / failbackSwitch)", () => {
    beforeEach(() => {
        for (const s of graph.servers) s.health = "Available";
        graph.systemWritable = graph.databaseWritable = true;
    });

    it("servers that restarted after their unbind (Free) are enabled as secondaries and host the database, then the switch runs pair by pair", async () => {
        const east = graph.servers.filter((s) => s.tag === "useast1");
        for (const s of east) Object.assign(s, { state: "Free", hosting: ["system"] });
        const r = await run("--planned", "--execute");
        expect(r.stdout).toMatch(/5\. \[done\] Neo4j: move the primaries/);
        const west = graph.servers.filter((s) => s.tag === "uswest2").map((s) => s.serverId);
        expect(mutating().map((c) => what(c.argv))).toEqual([
            ...east.map((s) => `ENABLE SERVER '${s.serverId}' OPTIONS {modeConstraint: 'SECONDARY', tags: ['useast1']}`),
            "ALTER DATABASE `neo4j` SET TOPOLOGY 3 PRIMARIES 3 SECONDARIES",
            ...east.flatMap((s, i) => [`ALTER SERVER '${s.serverId}' SET OPTIONS {modeConstraint: 'PRIMARY'}`, `ALTER SERVER '${west[i]}' SET OPTIONS {modeConstraint: 'SECONDARY'}`]),
        ]);
        // A re-run finds every check holding: nothing runs again.
        const n = mutating().length;
        await run("--planned", "--execute");
        expect(mutating()).toHaveLength(n);
    });

    it("refuses when the target's servers are not in the cluster at all (rejoin them first)", async () => {
        for (const s of graph.servers) if (s.tag === "useast1") s.dropped = true;
        const r = await run("--planned", "--execute");
        expect(r.stdout).toContain("[refused] Neo4j");
        expect(r.stdout).toContain("after an unplanned failover rejoin them first (failbackRejoin, runbooks/failback.md step 3)");
        expect(mutating()).toEqual([]);
    });
});

describe("reading cypher-shell and neo4j-admin output", () => {
    it("parses plain rows, status checks, SHOW SERVERS and database info", () => {
        expect(plainRows('state\n"Cordoned"\n')).toEqual([["Cordoned"]]);
        const header = "database, serverId, address, replicationSuccessful, memberStatus, recognisedLeader, recognisedLeaderTerm, requester, error";
        expect(statusCheckHolds(`${header}\n"system", "a", "b", TRUE, "x", "y", 1, "z", NULL\n"system", "c", "d", TRUE, "x", "y", 1, "z", NULL\n`, 2)).toBe(true);
        expect(statusCheckHolds(`${header}\n"system", "a", "b", TRUE, "x", "y", 1, "z", NULL\n"system", "c", "d", FALSE, "x", "y", 1, "z", "timed out, no leader"\n`, 1)).toBe(false);
        expect(statusCheckHolds("", 1)).toBe(false);
        expect(parseServers('serverId, address, state, health, modeConstraint, tags\n"00000004-aaaa-4bbb-8ccc-dddddddddddd", "10.20.63.244:7687", "Enabled", "Available", "SECONDARY", ["useast1"]\n')).toEqual([
            { serverId: "00000004-aaaa-4bbb-8ccc-dddddddddddd", address: "10.20.63.244:7687", state: "Enabled", health: "Available", modeConstraint: "SECONDARY", tags: ["useast1"] },
        ]);
        expect(lastCommittedTransaction("Database name: system\nLast committed transaction id:43\n")).toBe(43);
        expect(lastCommittedTransaction("no store")).toBeUndefined();
    });
});
