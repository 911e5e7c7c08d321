/**
 * The graph tier's step: the promotion of the Neo4j secondaries (unplanned) or the one-pair-at-a-time switch of the
 * primaries (planned), as the pure builders of components/graph/promotion.ts emit them, run by kubectl against the
 * target region's EKS cluster only (`--context <its cluster>`, reached over its private endpoint from a runner in its
 * VPC). The builders stay pure: the facts they need at run time (server ids and who is lost, from `SHOW SERVERS`; the
 * most current system database, from `neo4j-admin database info`) are read here with read-only commands first.
 *
 * Resumable from the services' state: a step whose check already holds is skipped. The stopped servers' offline
 * steps show no state before the dump exists, so they are re-run (unbind and load are idempotent on a stopped store,
 * info only reads); the dump is skipped once `system.dump` is in the run's recovery folder of the target's bucket.
 * The restart with promoted settings is a stack-file change (`intelgraph:neo4j.promoted: true`, then `pulumi up`),
 * never a patch the next `pulumi up` would revert: the run stops there with the instruction, like the planned DNS
 * weights (dns.ts), and the re-run finds the system database write-available and goes on.
 *
 * Secrets: the Neo4j password is never in an argv. cypher-shell reads it inside the pod from the container's
 * NEO4J_AUTH (`neo4j/<password>`, from the cluster's auth Secret, Neo4jCluster.ts), expanded by the pod's shell.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import {
    type GraphCommand as BuilderCommand,
    type GraphServer,
    type GraphStep,
    GRAPH_STEP_SECONDS,
    databasePromotion,
    failbackRejoin,
    failbackSwitch,
    systemRecoveryComplete,
    systemRecoveryPrepare,
    systemStatusCheck,
} from "../../../components/graph/promotion";
import { regionTag } from "../../../components/graph/neo4jSettings";
import { STEP_BUDGETS } from "../budgets";
import { withRetries } from "../retry";
import type { FailoverInputs, StackView } from "../inputs";
import { type PlannedCall, type Step, type StepContext, StepFailed } from "../types";

/** One command as the CLI runs it: the builder step, its argv (kubectl ...) and how its check reads. */
export interface GraphCommand {
    readonly id: string;
    readonly phase: string;
    readonly description: string;
    /** argv of the command, run inside the target region; undefined for a stack-file change (the run stops there). */
    readonly argv?: readonly string[];
    /** A read-only command and what its output must show once this command's effect is in place. */
    readonly check: { readonly argv: readonly string[]; readonly expect: string; readonly holds: (output: string) => boolean };
    /**
     * What shows the command's own effect when its check alone cannot (a switch's check, replication settled, holds
     * before the switch too): skipped only when both hold.
     */
    readonly state?: { readonly argv: readonly string[]; readonly expect: string; readonly holds: (output: string) => boolean };
    /** Whether a check that holds before the command means it is done (false: the offline steps, re-run each time). */
    readonly skipWhenHolds: boolean;
    readonly expectedSeconds: number;
    readonly source: string;
    /** For a stack-file change: what to change and how to resume. */
    readonly stackChange?: string;
}

/** Runs a command, resolving with its stdout (a fake in tests; `kubectl` through execFile in the CLI). */
export type CommandRunner = (argv: readonly string[]) => Promise<string>;

/** The names the program gives the region's graph (stacks/graphTier.ts, components/graph/neo4jSettings.ts serverIdentity). */
export const GRAPH = { namespace: "neo4j", cluster: "intelgraph-graph", database: "neo4j", backupServiceAccount: "neo4j-backup", primaries: 3 } as const;

const statefulSetOf = (i: number) => `${GRAPH.cluster}-${i}`;
const podOf = (sts: string) => `${sts}-0`;

/** The run's system-recovery folder in the target's backup bucket (the IRSA role of neo4j-backup may write neo4j/*). */
export const recoveryPrefix = (runId: string) => `neo4j/system-recovery/${runId}/`;

const kubectl = (to: StackView, ...rest: string[]): string[] => ["kubectl", "--context", to.eksClusterName, "-n", GRAPH.namespace, ...rest];

/**
 * cypher-shell in a server's pod, against that server (bolt+ssc: the connection never leaves the pod, and the
 * server's certificate names its addresses, not localhost). The password comes from NEO4J_AUTH in the pod: `sh -c`
 * with the statement as a positional argument ($1), so nothing is quoted into the script.
 */
export function cypherArgv(to: StackView, pod: string, statement: string): string[] {
    return kubectl(to, "exec", pod, "-c", "neo4j", "--", "sh", "-c", 'exec cypher-shell -a bolt+ssc://localhost:7687 -u neo4j -p "${NEO4J_AUTH#neo4j/}" -d system --format plain "$1"', "cypher", statement);
}

/** What the offline pods copy from the server's StatefulSet (read with kubectl get, read-only). */
export interface ServerPodSpec {
    readonly image: string;
    readonly license: string;
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly tolerations: readonly unknown[];
    readonly securityContext: Readonly<Record<string, unknown>>;
}

/**
 * neo4j-admin on a stopped server's volume: a pod of the server's own image, on its node tier, mounting its claim
 * data-<sts>-0, as the backup service account (its IRSA role reaches the region's bucket for the dump). neo4j-admin
 * run as the neo4j image's command against a mounted /data is how the Operations Manual 5.26's Docker pages ("Docker
 * specific operations") use it; on EKS this is unproven until a staging drill (docs/graph-secondaries.md, Open). The
 * Neo4j process must be stopped first: the claim is ReadWriteOnce and the store is offline (the stop-survivors step).
 */
export function offlineAdminArgv(to: StackView, sts: string, spec: ServerPodSpec, argv: readonly string[]): string[] {
    const name = `${sts}-admin`;
    const overrides = {
        spec: {
            serviceAccountName: GRAPH.backupServiceAccount,
            nodeSelector: spec.nodeSelector,
            tolerations: spec.tolerations,
            securityContext: spec.securityContext,
            volumes: [{ name: "data", persistentVolumeClaim: { claimName: `data-${sts}-0` } }],
            containers: [
                {
                    name,
                    env: [
                        { name: "NEO4J_ACCEPT_LICENSE_AGREEMENT", value: spec.license },
                        { name: "AWS_REGION", value: to.region },
                    ],
                    volumeMounts: [{ name: "data", mountPath: "/data" }],
                },
            ],
        },
    };
    return kubectl(to, "run", name, `--image=${spec.image}`, "--restart=Never", "--rm", "-i", "--quiet", "--override-type=strategic", `--overrides=${JSON.stringify(overrides)}`, "--", ...argv);
}

/** cypher-shell --format plain: a header line, then one line per row, values joined by ", ", strings quoted. */
export function plainRows(output: string): string[][] {
    const lines = output.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
    return lines.slice(1).map((l) => l.split(", ").map((v) => v.replace(/^"(.*)"$/, "$1")));
}

/** `CALL dbms.cluster.statusCheck(...)`: every row's replicationSuccessful true, and at least `rows` rows. */
export function statusCheckHolds(output: string, rows: number): boolean {
    const lines = output.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
    const col = (lines[0] ?? "").split(", ").indexOf("replicationSuccessful");
    if (col < 0) return false;
    const values = lines.slice(1).map((l) => l.split(", ")[col]?.toUpperCase());
    return values.length >= rows && values.every((v) => v === "TRUE");
}

/** `neo4j-admin database info`: "Last committed transaction id:<n>" (Operations Manual 5.26, "Display store information"). */
export function lastCommittedTransaction(output: string): number | undefined {
    const m = /Last committed transaction id:\s*(\d+)/i.exec(output);
    return m ? Number(m[1]) : undefined;
}

/** How a builder's check reads, from its stated expectation (the builders' own strings, tested with them). */
function holdsFor(check: GraphStep["check"]): (output: string) => boolean {
    const e = check.expect;
    if (e === "no pod listed") return (o) => o.trim() === "";
    if (e.startsWith("replicationSuccessful")) {
        // "on all 2 servers", "on 2 primaries": at least that many rows; otherwise every row listed.
        const n = /on (?:all )?(\d+) (?:servers|primaries)/.exec(e);
        return (o) => statusCheckHolds(o, n ? Number(n[1]) : 1);
    }
    if (e === "an empty list") return (o) => plainRows(o)[0]?.join(", ") === "[]";
    if (/^(the command exits 0|the unbind exited 0)$/.test(e)) return () => true;
    if (/lastCommittedTransaction/.test(e) || /dump command exited 0/.test(e)) return (o) => lastCommittedTransaction(o) !== undefined;
    return (o) => plainRows(o)[0]?.join(", ") === e;
}

/** Builder step -> the command the CLI runs, in the target region only. */
export function toCommand(to: StackView, step: GraphStep, pod: string, spec: ServerPodSpec | undefined, stackChange: (settings: Readonly<Record<string, Readonly<Record<string, string>>>>) => string): GraphCommand {
    const argvOf = (c: BuilderCommand): string[] | undefined => {
        switch (c.kind) {
            case "cypher":
                return cypherArgv(to, pod, c.statement);
            case "kubectl":
                return kubectl(to, ...c.argv.slice(2));
            case "offline-admin":
                return offlineAdminArgv(to, c.statefulSet, spec ?? { image: `<image of ${c.statefulSet} (kubectl get statefulset ${c.statefulSet} -o json)>`, license: "<its NEO4J_ACCEPT_LICENSE_AGREEMENT>", nodeSelector: {}, tolerations: [], securityContext: {} }, c.argv);
            case "restart-with-settings":
                return undefined;
        }
    };
    const checkArgv = argvOf(step.check.command) ?? [];
    return {
        id: step.id,
        phase: step.phase,
        description: step.title,
        argv: argvOf(step.run),
        check: { argv: checkArgv, expect: step.check.expect, holds: holdsFor(step.check) },
        // Offline steps: the stopped store shows nothing a check could read before the dump (see the file comment).
        skipWhenHolds: step.run.kind !== "offline-admin",
        expectedSeconds: step.expectedSeconds,
        source: step.source,
        stackChange: step.run.kind === "restart-with-settings" ? stackChange(step.run.settings) : undefined,
    };
}

/** A row of `SHOW SERVERS YIELD serverId, address, state, health, tags` (the facts the builders need). */
export interface ServerRow {
    readonly serverId: string;
    readonly address: string;
    readonly state: string;
    readonly health: string;
    readonly tags: readonly string[];
    readonly modeConstraint: string;
}

/** systemStatusCheck's statement (the builder's), read first: write-available means the system recovery is skipped. */
const SYSTEM_STATUS = (() => {
    const run = systemStatusCheck().run;
    if (run.kind !== "cypher") throw new Error("internal: systemStatusCheck is a Cypher statement");
    return run.statement;
})();

export const SHOW_SERVERS = "SHOW SERVERS YIELD serverId, address, state, health, modeConstraint, tags RETURN serverId, address, state, health, modeConstraint, tags";

export function parseServers(output: string): ServerRow[] {
    const lines = output.split("\n").map((l) => l.trim()).filter((l) => l.length > 0);
    return lines.slice(1).map((l) => {
        const m = /^"?([^",]+)"?, "?([^",]+)"?, "?([^",]+)"?, "?([^",]+)"?, "?([^",]+)"?, \[(.*)\]$/.exec(l);
        if (!m) throw new Error(`unexpected SHOW SERVERS row: ${l}`);
        return { serverId: m[1], address: m[2], state: m[3], health: m[4], modeConstraint: m[5], tags: m[6].split(",").map((t) => t.trim().replace(/^"(.*)"$/, "$1")).filter(Boolean) };
    });
}

/** The target's servers in statefulSet order, from its outputs (fixed addresses, components/graph/addresses.ts). */
function servers(s: StackView): { statefulSet: string; address: string; clusterAddress: string }[] {
    const addresses = s.neo4jAddresses ?? [];
    return addresses.map((a, i) => ({ statefulSet: statefulSetOf(i), address: a, clusterAddress: s.neo4jClusterAddresses?.[i] ?? `${a}:6000` }));
}

/** Survivors (the target's tag) with their ids; lost: every other server the cluster still lists. */
export function splitServers(to: StackView, rows: readonly ServerRow[]): { survivors: GraphServer[]; lost: ServerRow[]; missing: string[] } {
    const tag = regionTag(to.region);
    const survivors: GraphServer[] = [];
    const missing: string[] = [];
    for (const s of servers(to)) {
        const row = rows.find((r) => r.address.split(":")[0] === s.address);
        if (row) survivors.push({ serverId: row.serverId, statefulSet: s.statefulSet, clusterAddress: s.clusterAddress });
        else missing.push(`${s.statefulSet} (${s.address})`);
    }
    const ids = new Set(survivors.map((s) => s.serverId));
    return { survivors, lost: rows.filter((r) => !ids.has(r.serverId) && !r.tags.includes(tag)), missing };
}

export interface GraphPlanDeps {
    readonly runId: string;
    readonly run: CommandRunner;
}

/** What the plan shows before the facts are read: the read-only commands that produce them. */
function factCommands(to: StackView, pod: string): PlannedCall[] {
    return [
        { service: "kubernetes", region: to.region, operation: "facts:show-servers", params: { argv: cypherArgv(to, pod, SHOW_SERVERS), readOnly: true } },
        { service: "kubernetes", region: to.region, operation: "facts:system-status", params: { argv: cypherArgv(to, pod, SYSTEM_STATUS), readOnly: true } },
    ];
}

const callOf = (to: StackView, c: GraphCommand): PlannedCall => ({
    service: "kubernetes",
    region: to.region,
    operation: c.id,
    params: { phase: c.phase, argv: c.argv ?? `stack-file change: ${c.stackChange}`, check: c.check.argv, expect: c.check.expect, expectedSeconds: c.expectedSeconds, source: c.source },
});

/** Sum over phases (in order) of each phase's slowest step: the builders' phase model. */
export function phaseSeconds(commands: readonly { phase: string; expectedSeconds: number }[]): number {
    const phases = new Map<string, number>();
    for (const c of commands) phases.set(c.phase, Math.max(phases.get(c.phase) ?? 0, c.expectedSeconds));
    return [...phases.values()].reduce((a, b) => a + b, 0);
}

export function graphStep(inputs: FailoverInputs, deps: GraphPlanDeps): Step {
    const { to, from, mode } = inputs;
    const planned = mode === "planned";
    const own = servers(to);
    const pods = own.map((s) => podOf(s.statefulSet));
    const prefix = recoveryPrefix(deps.runId);
    const dumpPath = `s3://${to.neo4jBackupBucketName}/${prefix}`;
    const rerun = `re-run the same command with --run-id ${deps.runId} (steps whose check holds are skipped)`;
    const promotedChange = `set intelgraph:neo4j.promoted: true in Pulumi.${to.stack}.yaml (reviewed change; the servers then host the system database as primaries and discover only each other: promotedServerSettings), run pulumi up -s ${to.stack} with allow-freeze-run: ${deps.runId} (it also scales the StatefulSets back to 1), then ${rerun}`;
    const rejoinChange = (settings: Readonly<Record<string, Readonly<Record<string, string>>>>) =>
        `restart ${Object.keys(settings).join(", ")} with ${JSON.stringify(Object.values(settings)[0] ?? {})} from the stack file of ${to.stack} (the program has no config for a rejoining region yet: runbooks/failback.md step 3), pulumi up -s ${to.stack}, then ${rerun}`;
    let resolved: GraphCommand[] | undefined;
    let note = "";
    const budget = planned
        ? { seconds: own.length * (GRAPH_STEP_SECONDS.storeCopy.value + GRAPH_STEP_SECONDS.cypher.value), source: `policy-pack/data/recovery-times.json: neo4jPromotionSteps, failbackSwitch per server pair: storeCopy ${GRAPH_STEP_SECONDS.storeCopy.value} s (${GRAPH_STEP_SECONDS.storeCopy.source}) + cypher ${GRAPH_STEP_SECONDS.cypher.value} s; the database stays write-available throughout` }
        : STEP_BUDGETS.graph;

    /** Runs a read-only cypher statement on the first of the target's pods that answers. */
    async function read(statement: string): Promise<{ output: string; pod: string } | undefined> {
        for (const pod of pods) {
            try {
                return { output: await deps.run(cypherArgv(to, pod, statement)), pod };
            } catch {
                // The next server may answer (this one stopped, restarting or lost its pod).
            }
        }
        return undefined;
    }

    async function podSpec(sts: string): Promise<ServerPodSpec> {
        const raw = JSON.parse(await deps.run(kubectl(to, "get", "statefulset", sts, "-o", "json"))) as { spec: { template: { spec: { nodeSelector?: Record<string, string>; tolerations?: unknown[]; securityContext?: Record<string, unknown>; containers: { image: string; env?: { name: string; value?: string }[] }[] } } } };
        const pod = raw.spec.template.spec;
        const c = pod.containers[0];
        return { image: c.image, license: c.env?.find((e) => e.name === "NEO4J_ACCEPT_LICENSE_AGREEMENT")?.value ?? "yes", nodeSelector: pod.nodeSelector ?? {}, tolerations: pod.tolerations ?? [], securityContext: pod.securityContext ?? {} };
    }

    /** The survivors' ids are kept next to the dump before the servers stop: while stopped, no server can list them. */
    const survivorsKey = `${prefix}survivors.json`;
    async function recordedSurvivors(ctx: StepContext): Promise<GraphServer[] | undefined> {
        try {
            const res = await ctx.clients.in(to.region).s3.send(new GetObjectCommand({ Bucket: to.neo4jBackupBucketName, Key: survivorsKey }));
            return JSON.parse((await res.Body?.transformToString()) ?? "") as GraphServer[];
        } catch {
            return undefined;
        }
    }
    async function dumped(ctx: StepContext): Promise<boolean> {
        try {
            await ctx.clients.in(to.region).s3.send(new HeadObjectCommand({ Bucket: to.neo4jBackupBucketName, Key: `${prefix}system.dump` }));
            return true;
        } catch {
            return false;
        }
    }

    type Stage =
        | { kind: "system-recovery"; survivors: GraphServer[]; pod: string }
        | { kind: "database"; commands: GraphCommand[] }
        | { kind: "switch"; commands: GraphCommand[] }
        | { kind: "unknown"; reason: string };

    /** Reads the facts (read-only) and builds what is left, from the services' state. */
    async function stage(ctx: StepContext): Promise<Stage> {
        if (own.length === 0) return { kind: "unknown", reason: `the outputs of ${to.stack} list no neo4jAddresses: re-export them (pulumi stack output --json --show-secrets --stack ${to.stack})` };
        const status = await read(SYSTEM_STATUS);
        if (!status) {
            // No server answers: either the survivors are stopped for the system recovery, or not there at all.
            const survivors = await recordedSurvivors(ctx);
            if (survivors) return { kind: "system-recovery", survivors, pod: podOf(survivors[0].statefulSet) };
            return { kind: "unknown", reason: `no Neo4j server of ${to.stack} answers (kubectl --context ${to.eksClusterName} -n ${GRAPH.namespace} get pods) and no run stopped them (no s3://${to.neo4jBackupBucketName}/${survivorsKey}): start them, or re-run with the --run-id of the run that stopped them` };
        }
        const listed = await read(SHOW_SERVERS);
        const rows = parseServers(listed?.output ?? "");
        const split = splitServers(to, rows);
        if (planned) {
            const current = servers(from).map((s, i) => ({ s, row: rows.find((r) => r.address.split(":")[0] === s.address), i }));
            if (split.missing.length || current.some((c) => !c.row)) {
                return { kind: "unknown", reason: `the cluster does not list ${[...split.missing, ...current.filter((c) => !c.row).map((c) => c.s.statefulSet)].join(", ")}: a planned switch needs both regions' servers enabled; after an unplanned failover rejoin them first (failbackRejoin, runbooks/failback.md step 3)` };
            }
            const freeRejoin = split.survivors.filter((s) => rows.find((r) => r.serverId === s.serverId)?.state === "Free");
            const currentServers = current.map((c) => ({ serverId: c.row!.serverId, statefulSet: c.s.statefulSet, clusterAddress: c.s.clusterAddress }));
            const input = { namespace: GRAPH.namespace, database: GRAPH.database, returning: split.survivors, current: currentServers, returningTag: regionTag(to.region) };
            // Servers restarted after their unbind join Free: the rejoin's enable and topology steps come first.
            const rejoin = freeRejoin.length ? failbackRejoin(input).filter((s) => !s.id.startsWith("unbind-") && s.id !== "restart-returning") : [];
            const modeOf = new Map(failbackSwitch(input).map((s) => [s.id, s.run.kind === "cypher" ? /modeConstraint: '(\w+)'/.exec(s.run.statement)?.[1] : undefined]));
            const idOf = new Map(failbackSwitch(input).map((s) => [s.id, s.run.kind === "cypher" ? /ALTER SERVER '([^']+)'/.exec(s.run.statement)?.[1] : undefined]));
            return {
                kind: "switch",
                commands: [...rejoin, ...failbackSwitch(input)].map((s) => {
                    const c = toCommand(to, s, status.pod, undefined, rejoinChange);
                    const mode = modeOf.get(s.id), id = idOf.get(s.id);
                    if (!mode || !id) return c;
                    // The switch's check (replication settled) holds before it too: the server's option shows whether it ran.
                    const statement = `SHOW SERVERS YIELD serverId, modeConstraint WHERE serverId = '${id}' RETURN modeConstraint`;
                    return { ...c, state: { argv: cypherArgv(to, status.pod, statement), expect: mode, holds: (o: string) => plainRows(o)[0]?.join(", ") === mode } };
                }),
            };
        }
        const available = split.lost.filter((r) => r.health === "Available");
        if (available.length) return { kind: "unknown", reason: `${available.map((r) => r.serverId).join(", ")} of ${from.stack} ${available.length === 1 ? "is" : "are"} Available: ${from.region} is not lost; use --planned` };
        if (split.missing.length) return { kind: "unknown", reason: `SHOW SERVERS does not list ${split.missing.join(", ")}: every survivor must be a member before the promotion` };
        if (!statusCheckHolds(status.output, 1)) return { kind: "system-recovery", survivors: split.survivors, pod: status.pod };
        const steps = databasePromotion({ database: GRAPH.database, survivors: split.survivors, lostServerIds: split.lost.map((r) => r.serverId), primaries: GRAPH.primaries });
        return { kind: "database", commands: steps.map((s) => toCommand(to, s, status.pod, undefined, () => promotedChange)) };
    }

    async function holds(c: GraphCommand): Promise<{ ok: boolean; output: string }> {
        try {
            if (c.state) {
                const state = await deps.run(c.state.argv);
                if (!c.state.holds(state)) return { ok: false, output: state };
            }
            const output = await deps.run(c.check.argv);
            return { ok: c.check.holds(output), output };
        } catch (e) {
            return { ok: false, output: (e as Error).message };
        }
    }

    /**
     * Runs one command unless its check holds, then its check: an online step's is polled for three times its budget
     * (the cluster settles); an offline step's is read once (the stopped store is what it is). Resolves with the
     * check's output.
     */
    async function runOne(ctx: StepContext, c: GraphCommand): Promise<string> {
        if (c.stackChange) {
            const h = await holds(c);
            if (h.ok) return h.output;
            throw new StepFailed("graph", `graph step ${c.id}: a stack-file change, never a patch: ${c.stackChange}`, c.stackChange);
        }
        if (c.skipWhenHolds) {
            const h = await holds(c);
            if (h.ok) return h.output;
        }
        if (!c.argv) throw new Error(`internal: ${c.id} has no command`);
        try {
            await deps.run(c.argv);
        } catch (e) {
            throw new StepFailed("graph", `graph step ${c.id} failed: ${(e as Error).message}`, `fix the cause, then ${rerun}; by hand: ${c.argv.join(" ")}`);
        }
        const deadline = ctx.now() + Math.max(60, 3 * c.expectedSeconds) * 1000;
        for (;;) {
            const h = await holds(c);
            if (h.ok) return h.output;
            if (ctx.now() >= deadline || !c.skipWhenHolds) {
                throw new StepFailed("graph", `graph step ${c.id}: check not met: ${c.check.argv.join(" ")} should show ${JSON.stringify(c.check.expect)}, got ${JSON.stringify(h.output.trim().slice(0, 300))}`, `find why (${c.source}), fix it, then ${rerun}; by hand: ${c.argv.join(" ")}`);
            }
            await ctx.sleep(10_000);
        }
    }

    async function systemRecovery(ctx: StepContext, survivors: GraphServer[], pod: string): Promise<void> {
        const prepare = systemRecoveryPrepare({ namespace: GRAPH.namespace, survivors });
        const specs = new Map<string, ServerPodSpec>();
        for (const s of survivors) specs.set(s.statefulSet, await podSpec(s.statefulSet));
        const cmd = (s: GraphStep, change: () => string) => toCommand(to, s, pod, s.run.kind === "offline-admin" ? specs.get(s.run.statefulSet) : undefined, change);
        const shown = (seedSts: string) => (resolved = [systemStatusCheck(), ...prepare, ...systemRecoveryComplete({ namespace: GRAPH.namespace, survivors, seed: seedSts, dumpPath })].map((x) => cmd(x, () => promotedChange)));
        // Before the stop: the ids go next to the dump (the only place they are readable while the servers are stopped).
        if (!(await recordedSurvivors(ctx))) await withRetries(ctx, () => ctx.clients.in(to.region).s3.send(new PutObjectCommand({ Bucket: to.neo4jBackupBucketName, Key: survivorsKey, Body: JSON.stringify(survivors), ContentType: "application/json" })));
        const already = await dumped(ctx);
        const info = new Map<string, number>();
        for (const s of prepare) {
            // Once the dump exists the unbinds were done; the info reads are always taken again (they pick the seed).
            if (already && s.phase === "unbind-system") continue;
            const out = await runOne(ctx, cmd(s, () => promotedChange));
            const txn = lastCommittedTransaction(out);
            if (s.phase === "system-info" && txn !== undefined && s.run.kind === "offline-admin") info.set(s.run.statefulSet, txn);
        }
        const seed = [...info.entries()].sort((a, b) => b[1] - a[1])[0];
        if (!seed) throw new StepFailed("graph", "graph: no survivor reported a last committed transaction of the system database", `read neo4j-admin database info system on each stopped server, then ${rerun}`);
        ctx.record("graphSystemSeed", `${seed[0]} (last committed transaction ${seed[1]})`);
        // What the evidence and the plan show is what ran: the seed read, the StatefulSets' own pod specs.
        shown(seed[0]);
        ctx.record("graphSystemDump", dumpPath);
        for (const s of systemRecoveryComplete({ namespace: GRAPH.namespace, survivors, seed: seed[0], dumpPath })) {
            if (s.id === "dump-system" && already) continue;
            const out = await runOne(ctx, cmd(s, () => promotedChange));
            if (s.id === "dump-system" && !(await dumped(ctx))) throw new StepFailed("graph", `graph step dump-system: no ${dumpPath}system.dump after the dump`, `check the backup service account's access to s3://${to.neo4jBackupBucketName}/${prefix}, then ${rerun}`);
            if (s.phase === "load-system" && lastCommittedTransaction(out) !== undefined && lastCommittedTransaction(out) !== seed[1]) {
                throw new StepFailed("graph", `graph step ${s.id}: loaded system database reports transaction ${lastCommittedTransaction(out)}, the seed ${seed[1]}`, `load the dump again, then ${rerun}`);
            }
        }
    }

    return {
        id: "graph",
        title: planned ? `Neo4j: move the primaries to ${to.stack}, one server pair at a time (failbackSwitch)` : `Neo4j: promote ${to.stack}'s secondaries (system recovery, then the user database)`,
        get calls(): readonly PlannedCall[] {
            return resolved ? resolved.map((c) => callOf(to, c)) : factCommands(to, pods[0] ?? podOf(statefulSetOf(0)));
        },
        precondition: `kubectl reaches ${to.eksClusterName} (context ${to.eksClusterName}: aws eks update-kubeconfig --region ${to.region} --name ${to.eksClusterName} --alias ${to.eksClusterName}, from a runner inside its VPC, as the break-glass role: its access entry has AmazonEKSClusterAdminPolicy for exec, run and scale); ${planned ? "both regions' servers enabled" : `${from.region}'s servers unavailable`}`,
        get check(): string {
            const list = resolved ? resolved.map((c) => `${c.id}: ${c.check.expect}`).join("; ") : "";
            return `each builder step's check (skipped when it already holds)${list ? `: ${list}` : ""}${note ? ` (${note})` : ""}`;
        },
        expectedSeconds: budget.seconds,
        durationSource: budget.source,
        timeoutSeconds: 2400,
        manual: `runbooks/${planned ? "failback.md step 3 / region-failover.md step 5 (planned)" : "region-failover.md step 5"}: the builders' commands in order, each after its check`,
        async done(ctx) {
            const s = await stage(ctx);
            if (s.kind === "unknown") {
                note = s.reason;
                return false;
            }
            if (s.kind === "system-recovery") {
                // The plan shows the real offline pods (the StatefulSets are read, read-only); the seed is only known
                // once the survivors are stopped and their system databases read, so the plan shows the first.
                const specs = new Map<string, ServerPodSpec | undefined>();
                for (const x of s.survivors) specs.set(x.statefulSet, await podSpec(x.statefulSet).catch(() => undefined));
                resolved = [systemStatusCheck(), ...systemRecoveryPrepare({ namespace: GRAPH.namespace, survivors: s.survivors }), ...systemRecoveryComplete({ namespace: GRAPH.namespace, survivors: s.survivors, seed: s.survivors[0].statefulSet, dumpPath })].map((x) =>
                    toCommand(to, x, s.pod, x.run.kind === "offline-admin" ? specs.get(x.run.statefulSet) : undefined, () => promotedChange),
                );
                note = `dump-system runs on the survivor whose system-info shows the highest last committed transaction, read at run time; dump in ${dumpPath}`;
                return false;
            }
            resolved = s.commands;
            for (const c of s.commands) if (!(await holds(c)).ok) return false;
            return true;
        },
        async refuse(ctx) {
            const s = await stage(ctx);
            return s.kind === "unknown" ? s.reason : undefined;
        },
        async perform(ctx) {
            let s = await stage(ctx);
            if (s.kind === "unknown") throw new StepFailed("graph", s.reason, `fix it, then ${rerun}`, "refused");
            if (s.kind === "system-recovery") {
                ctx.record("graphSurvivors", s.survivors.map((x) => `${x.statefulSet}=${x.serverId}`).join(", "));
                await systemRecovery(ctx, s.survivors, s.pod);
                s = await stage(ctx);
                if (s.kind !== "database") throw new StepFailed("graph", `graph: the system database is not write-available after its recovery`, `check CALL dbms.cluster.statusCheck(["system"]), then ${rerun}`);
            }
            if (s.kind === "database" || s.kind === "switch") {
                resolved = s.commands;
                for (const c of s.commands) await runOne(ctx, c);
            }
        },
    };
}
