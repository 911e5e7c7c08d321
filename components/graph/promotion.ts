/**
 * Promotion and failback of the graph as pure command builders: what to run, where, in which order, how to check
 * each step and how long it should take. No I/O: the failover automation runs them (and owns the step runner).
 *
 * The procedure is Neo4j's for a cluster whose primaries were in the lost data centre and whose secondaries survive
 * (Operations Manual 5.26, "Geo-redundant deployment", "Recovering from the loss of a data center", and "Disaster
 * recovery"): make the system database write-available from the surviving copies (this restarts the servers with
 * new settings), cordon the lost servers, let the survivors host primaries, recreate the user database seeded from
 * the surviving allocations (`dbms.cluster.recreateDatabase`, its 5.26 name; 2025.04 renamed it
 * `dbms.recreateDatabase`), deallocate and drop the lost servers, then grow the topology back.
 *
 * Steps carry a phase: the steps of one phase run in parallel (one per server), the phases in order. The RTO model
 * (policy-pack/lib/resilience.ts GRAPH_PROMOTION_PHASES) adds one budget per phase up to write availability; the
 * budgets are data (policy-pack/data/recovery-times.json neo4jPromotionSteps), replaced by a drill's measurements.
 */
import recoveryTimes from "../../policy-pack/data/recovery-times.json";
import { GRAPH_PROMOTION_PHASES } from "../../policy-pack/lib/resilience";

/** A server of the surviving (or returning) region, as the cluster and Kubernetes know it. */
export interface GraphServer {
    /** The server id `SHOW SERVERS` lists (a UUID). */
    readonly serverId: string;
    /** Its StatefulSet (one server each); its pod is `<statefulSet>-0`. */
    readonly statefulSet: string;
    /** host:port of its cluster (discovery v2) address. */
    readonly clusterAddress: string;
}

/** Where a step's command runs. */
export type GraphCommand =
    /** Cypher against the system database, through any available server of the surviving region. */
    | { readonly kind: "cypher"; readonly statement: string }
    /** kubectl in the surviving region's cluster. */
    | { readonly kind: "kubectl"; readonly argv: readonly string[] }
    /**
     * neo4j-admin against the volume of a server whose Neo4j process is stopped (its StatefulSet scaled to 0): the
     * automation runs it in a pod of the same image mounting `data-<statefulSet>-0`.
     */
    | { readonly kind: "offline-admin"; readonly statefulSet: string; readonly argv: readonly string[] }
    /**
     * Restart the servers with these neo4j.conf settings. They come from stack config and a `pulumi up`, never a
     * patch (the next `pulumi up` would restart them with the old settings): `intelgraph:neo4j.promoted: true` in the
     * surviving stack's file gives its servers exactly promotedServerSettings (stacks/graphTier.ts), and the up scales
     * the stopped StatefulSets back to one replica.
     */
    | { readonly kind: "restart-with-settings"; readonly settings: Readonly<Record<string, Readonly<Record<string, string>>>> };

export interface GraphStep {
    readonly id: string;
    /** Steps of one phase run in parallel; phases run in order. */
    readonly phase: string;
    readonly title: string;
    readonly run: GraphCommand;
    /** How the automation knows the step is done (a query or command and what its answer must show). */
    readonly check: { readonly command: GraphCommand; readonly expect: string };
    /** Expected duration (a budget until a DR drill measures it: runbooks/dr-drill.md). */
    readonly expectedSeconds: number;
    readonly source: string;
}

/** Budgets, in seconds, with where they come from (one data file for the CLI and the plan's RTO model). */
export const GRAPH_STEP_SECONDS = recoveryTimes.neo4jPromotionSteps;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DATABASE = /^[a-z][a-z0-9.-]{2,62}$/;

/** Server ids and database names go into Cypher as literals: only well-formed ones are accepted. */
function ensure(input: { readonly database?: string; readonly servers?: readonly GraphServer[]; readonly serverIds?: readonly string[] }): void {
    const bad = [...(input.servers ?? []).map((s) => s.serverId), ...(input.serverIds ?? [])].filter((id) => !UUID.test(id));
    if (bad.length) throw new Error(`server ids must be the UUIDs SHOW SERVERS lists, got ${bad.map((b) => JSON.stringify(b)).join(", ")}`);
    if (input.database !== undefined && !DATABASE.test(input.database)) throw new Error(`database must be a standard database name (lowercase, 3-63 characters), got ${JSON.stringify(input.database)}`);
    if (input.servers && input.servers.length === 0) throw new Error("at least one surviving server is needed");
}

const cypher = (statement: string): GraphCommand => ({ kind: "cypher", statement });

/** First check of a promotion: is the system database still write-available (then system recovery is skipped)? */
export function systemStatusCheck(): GraphStep {
    return {
        id: "system-status",
        phase: "system-status",
        title: "Check whether the system database is write-available",
        run: cypher(`CALL dbms.cluster.statusCheck(["system"])`),
        check: { command: cypher(`CALL dbms.cluster.statusCheck(["system"])`), expect: "replicationSuccessful is true on every primary of system" },
        expectedSeconds: GRAPH_STEP_SECONDS.cypher.value,
        source: "Operations Manual 5.26, 'Disaster recovery', 'Make the system database write-available': verifying the state",
    };
}

export interface SystemRecoveryInput {
    readonly namespace: string;
    readonly survivors: readonly GraphServer[];
}

/** System recovery, first half: stop the survivors, reset their system database state, and read how current each copy is. */
export function systemRecoveryPrepare(input: SystemRecoveryInput): GraphStep[] {
    ensure({ servers: input.survivors });
    const source = "Operations Manual 5.26, 'Disaster recovery', 'Make the system database write-available', steps 1-3";
    return [
        {
            id: "stop-survivors",
            phase: "stop-survivors",
            title: "Stop the Neo4j process on every surviving server (downtime for every database until the restart)",
            run: { kind: "kubectl", argv: ["-n", input.namespace, "scale", "statefulset", ...input.survivors.map((s) => s.statefulSet), "--replicas=0"] },
            check: { command: { kind: "kubectl", argv: ["-n", input.namespace, "get", "pods", ...input.survivors.map((s) => `${s.statefulSet}-0`), "--ignore-not-found"] }, expect: "no pod listed" },
            expectedSeconds: GRAPH_STEP_SECONDS.stop.value,
            source,
        },
        ...input.survivors.map((s): GraphStep => ({
            id: `unbind-system-${s.statefulSet}`,
            phase: "unbind-system",
            title: `Reset the system database's cluster state on ${s.statefulSet}`,
            run: { kind: "offline-admin", statefulSet: s.statefulSet, argv: ["neo4j-admin", "dbms", "unbind-system-db"] },
            check: { command: { kind: "offline-admin", statefulSet: s.statefulSet, argv: ["neo4j-admin", "database", "info", "system"] }, expect: "the command exits 0" },
            expectedSeconds: GRAPH_STEP_SECONDS.offlineAdmin.value,
            source,
        })),
        ...input.survivors.map((s): GraphStep => ({
            id: `system-info-${s.statefulSet}`,
            phase: "system-info",
            title: `Read how current ${s.statefulSet}'s copy of the system database is`,
            run: { kind: "offline-admin", statefulSet: s.statefulSet, argv: ["neo4j-admin", "database", "info", "system"] },
            check: { command: { kind: "offline-admin", statefulSet: s.statefulSet, argv: ["neo4j-admin", "database", "info", "system"] }, expect: "a lastCommittedTransaction value; the highest one seeds the others" },
            expectedSeconds: GRAPH_STEP_SECONDS.offlineAdmin.value,
            source,
        })),
    ];
}

export interface SystemRecoveryCompleteInput extends SystemRecoveryInput {
    /** The survivor with the highest lastCommittedTransaction of the system database. */
    readonly seed: string;
    /** Where the dump goes between servers, e.g. s3://<the region's backup bucket>/neo4j/system-recovery/<time>/ */
    readonly dumpPath: string;
}

/**
 * The settings every surviving server restarts with: it hosts the system database as a primary, the new system
 * database forms from the survivors alone, and discovery lists only them (the lost region's addresses would be
 * tried forever). These are the settings the stack config must carry from then on.
 */
export function promotedServerSettings(clusterAddresses: readonly string[]): Record<string, string> {
    return {
        "server.cluster.system_database_mode": "PRIMARY",
        "dbms.cluster.minimum_initial_system_primaries_count": String(clusterAddresses.length),
        "dbms.cluster.discovery.resolver_type": "LIST",
        "dbms.cluster.discovery.v2.endpoints": clusterAddresses.join(","),
    };
}

/** System recovery, second half: dump the most current copy, load it everywhere, restart with the promoted settings. */
export function systemRecoveryComplete(input: SystemRecoveryCompleteInput): GraphStep[] {
    ensure({ servers: input.survivors });
    const seed = input.survivors.find((s) => s.statefulSet === input.seed);
    if (!seed) throw new Error(`seed ${JSON.stringify(input.seed)} is not one of the survivors (${input.survivors.map((s) => s.statefulSet).join(", ")})`);
    const source = "Operations Manual 5.26, 'Disaster recovery', 'Make the system database write-available', steps 4-8 (secondaries switched to server.cluster.system_database_mode=PRIMARY instead of new servers)";
    const settings = promotedServerSettings(input.survivors.map((s) => s.clusterAddress));
    return [
        {
            id: "dump-system",
            phase: "dump-system",
            title: `Dump the most current system database (${seed.statefulSet})`,
            run: { kind: "offline-admin", statefulSet: seed.statefulSet, argv: ["neo4j-admin", "database", "dump", "system", `--to-path=${input.dumpPath}`] },
            check: { command: { kind: "offline-admin", statefulSet: seed.statefulSet, argv: ["neo4j-admin", "database", "info", "system"] }, expect: "the dump command exited 0 and system.dump is in the dump path" },
            expectedSeconds: GRAPH_STEP_SECONDS.offlineAdmin.value,
            source,
        },
        ...input.survivors.map((s): GraphStep => ({
            id: `load-system-${s.statefulSet}`,
            phase: "load-system",
            title: `Load that system database on ${s.statefulSet}`,
            run: { kind: "offline-admin", statefulSet: s.statefulSet, argv: ["neo4j-admin", "database", "load", "system", `--from-path=${input.dumpPath}`, "--overwrite-destination=true"] },
            check: { command: { kind: "offline-admin", statefulSet: s.statefulSet, argv: ["neo4j-admin", "database", "info", "system"] }, expect: `the lastCommittedTransaction the seed reported` },
            expectedSeconds: GRAPH_STEP_SECONDS.offlineAdmin.value,
            source,
        })),
        {
            id: "restart-promoted",
            phase: "restart-promoted",
            title: "Start the survivors as the system database's primaries, discovering only each other",
            run: { kind: "restart-with-settings", settings: Object.fromEntries(input.survivors.map((s) => [s.statefulSet, settings])) },
            check: { command: cypher(`CALL dbms.cluster.statusCheck(["system"])`), expect: `replicationSuccessful is true on all ${input.survivors.length} servers` },
            expectedSeconds: GRAPH_STEP_SECONDS.restart.value,
            source: `${source}; Operations Manual 5.26, 'Geo-redundant deployment': promoting secondary copies of system 'requires restarting processes'`,
        },
    ];
}

export interface DatabasePromotionInput {
    readonly database: string;
    readonly survivors: readonly GraphServer[];
    readonly lostServerIds: readonly string[];
    /** The topology to return to (3 primaries); servers beyond the survivors come from the graph node groups. */
    readonly primaries: number;
}

/** With a write-available system database: move the user database onto the survivors and drop the lost servers. */
export function databasePromotion(input: DatabasePromotionInput): GraphStep[] {
    ensure({ database: input.database, servers: input.survivors, serverIds: input.lostServerIds });
    if (!Number.isInteger(input.primaries) || input.primaries < 1) throw new Error(`primaries must be a whole number of at least 1, got ${input.primaries}`);
    const db = input.database;
    const now = Math.min(input.primaries, input.survivors.length);
    const dr = "Operations Manual 5.26, 'Disaster recovery', 'Make servers available'";
    const steps: GraphStep[] = [
        ...input.lostServerIds.map((id): GraphStep => ({
            id: `cordon-${id}`,
            phase: "cordon-lost",
            title: `Cordon lost server ${id} (no allocation moves to it)`,
            run: cypher(`CALL dbms.cluster.cordonServer('${id}')`),
            check: { command: cypher(`SHOW SERVERS YIELD serverId, state WHERE serverId = '${id}' RETURN state`), expect: "Cordoned" },
            expectedSeconds: GRAPH_STEP_SECONDS.cypher.value,
            source: `${dr}, step 1`,
        })),
        // The survivors joined as secondaries under modeConstraint SECONDARY, an option the system database keeps
        // (ENABLE SERVER / ALTER SERVER ... SET OPTIONS; Operations Manual 5.26, "Managing servers in a cluster").
        ...input.survivors.map((s): GraphStep => ({
            id: `unconstrain-${s.statefulSet}`,
            phase: "unconstrain-survivors",
            title: `Let ${s.statefulSet} host primaries`,
            run: cypher(`ALTER SERVER '${s.serverId}' SET OPTIONS {modeConstraint: 'NONE'}`),
            check: { command: cypher(`SHOW SERVERS YIELD serverId, modeConstraint WHERE serverId = '${s.serverId}' RETURN modeConstraint`), expect: "NONE" },
            expectedSeconds: GRAPH_STEP_SECONDS.cypher.value,
            source: "Operations Manual 5.26, 'Managing servers in a cluster', 'Altering server options'",
        })),
        {
            id: `recreate-${db}`,
            phase: "recreate",
            title: `Recreate ${db} from the surviving allocations, ${now} primaries`,
            // An empty seedingServers list seeds from every allocation on enabled, non-cordoned servers.
            run: cypher(`CALL dbms.cluster.recreateDatabase('${db}', {seedingServers: [], primaries: ${now}, secondaries: 0})`),
            check: { command: cypher(`CALL dbms.cluster.statusCheck(['${db}'])`), expect: `replicationSuccessful is true on ${now} primaries (write-available)` },
            expectedSeconds: GRAPH_STEP_SECONDS.recreate.value,
            source: "Operations Manual 5.26, 'Recreate a database' (seedingServers: [], topology options) and 'Geo-redundant deployment', 'Recovering from the loss of a data center'",
        },
        {
            id: `verify-${db}`,
            phase: "verify",
            title: `Verify every database is write-available`,
            run: cypher("CALL dbms.cluster.statusCheck([])"),
            check: { command: cypher("SHOW DATABASES YIELD name, requestedStatus, currentStatus WHERE requestedStatus <> currentStatus RETURN count(*) AS n"), expect: "0" },
            expectedSeconds: GRAPH_STEP_SECONDS.cypher.value,
            source: "Operations Manual 5.26, 'Disaster recovery', 'Make databases write-available', verifying the state",
        },
        // After write availability: the lost servers leave the cluster's view.
        ...input.lostServerIds.map((id): GraphStep => ({
            id: `deallocate-${id}`,
            phase: "deallocate-lost",
            title: `Move every allocation off lost server ${id}`,
            run: cypher(`DEALLOCATE DATABASES FROM SERVER '${id}'`),
            check: { command: cypher(`SHOW SERVERS YIELD serverId, hosting WHERE serverId = '${id}' RETURN hosting`), expect: "an empty list" },
            expectedSeconds: GRAPH_STEP_SECONDS.cypher.value,
            source: `${dr}, deallocate`,
        })),
        ...input.lostServerIds.map((id): GraphStep => ({
            id: `drop-${id}`,
            phase: "drop-lost",
            title: `Drop lost server ${id}`,
            run: cypher(`DROP SERVER '${id}'`),
            check: { command: cypher(`SHOW SERVERS YIELD serverId WHERE serverId = '${id}' RETURN count(*) AS n`), expect: "0" },
            expectedSeconds: GRAPH_STEP_SECONDS.cypher.value,
            source: `${dr}, drop`,
        })),
    ];
    if (now < input.primaries) {
        steps.push({
            id: `topology-${db}`,
            phase: "topology",
            title: `Grow ${db} back to ${input.primaries} primaries on the added servers`,
            run: cypher(`ALTER DATABASE \`${db}\` SET TOPOLOGY ${input.primaries} PRIMARIES`),
            check: { command: cypher(`SHOW DATABASE \`${db}\` YIELD role, currentStatus WHERE role = 'primary' AND currentStatus = 'online' RETURN count(*) AS n`), expect: String(input.primaries) },
            expectedSeconds: GRAPH_STEP_SECONDS.storeCopy.value,
            source: "Operations Manual 5.26, 'Managing databases in a cluster', ALTER DATABASE ... SET TOPOLOGY",
        });
    }
    return steps;
}

/**
 * What a promotion counts against the RTO, restart included: per phase up to write availability the slowest of its
 * parallel steps (removing the lost servers and growing the topology come after it).
 */
export function promotionSecondsToWritable(steps: readonly GraphStep[]): number {
    return GRAPH_PROMOTION_PHASES.reduce((t, p) => t + Math.max(0, ...steps.filter((s) => s.phase === p.phase).map((s) => s.expectedSeconds)), 0);
}

export interface FailbackInput {
    readonly namespace: string;
    readonly database: string;
    /** The servers of the returning region (new ids after the unbind), to rejoin as secondaries. */
    readonly returning: readonly GraphServer[];
    /** The servers now hosting the primaries (the promoted region). */
    readonly current: readonly GraphServer[];
    /** Region tag of the returning servers (routing policies). */
    readonly returningTag: string;
}

/** Failback, part one: the old region's servers rejoin the running cluster as secondaries. */
export function failbackRejoin(input: FailbackInput): GraphStep[] {
    ensure({ database: input.database, servers: [...input.returning, ...input.current] });
    const current = input.current.map((s) => s.clusterAddress).join(",");
    return [
        ...input.returning.map((s): GraphStep => ({
            id: `unbind-${s.statefulSet}`,
            phase: "unbind-returning",
            title: `Archive ${s.statefulSet}'s old cluster state; it restarts as a new server`,
            run: { kind: "offline-admin", statefulSet: s.statefulSet, argv: ["neo4j-admin", "server", "unbind", "--archive-cluster-state=true"] },
            check: { command: { kind: "offline-admin", statefulSet: s.statefulSet, argv: ["neo4j-admin", "server", "unbind", "--help"] }, expect: "the unbind exited 0" },
            expectedSeconds: GRAPH_STEP_SECONDS.offlineAdmin.value,
            source: "Operations Manual 5.26, 'Unbind a Neo4j cluster server': an unbound server is seen as an entirely new server",
        })),
        {
            id: "restart-returning",
            phase: "restart-returning",
            title: "Start the returning servers as secondaries discovering the current cluster",
            run: {
                kind: "restart-with-settings",
                settings: Object.fromEntries(input.returning.map((s) => [s.statefulSet, {
                    "server.cluster.system_database_mode": "SECONDARY",
                    "initial.server.mode_constraint": "SECONDARY",
                    "initial.server.tags": input.returningTag,
                    "dbms.cluster.discovery.resolver_type": "LIST",
                    "dbms.cluster.discovery.v2.endpoints": current,
                }])),
            },
            check: { command: cypher("SHOW SERVERS YIELD serverId, state WHERE state = 'Free' RETURN count(*) AS n"), expect: String(input.returning.length) },
            expectedSeconds: GRAPH_STEP_SECONDS.restart.value,
            source: "Operations Manual 5.26, 'Managing servers in a cluster', 'Adding a server to the cluster'",
        },
        ...input.returning.map((s): GraphStep => ({
            id: `enable-${s.statefulSet}`,
            phase: "enable-returning",
            title: `Enable ${s.statefulSet} as a secondary`,
            run: cypher(`ENABLE SERVER '${s.serverId}' OPTIONS {modeConstraint: 'SECONDARY', tags: ['${input.returningTag}']}`),
            check: { command: cypher(`SHOW SERVERS YIELD serverId, state, health WHERE serverId = '${s.serverId}' RETURN state, health`), expect: "Enabled, Available" },
            expectedSeconds: GRAPH_STEP_SECONDS.cypher.value,
            source: "Operations Manual 5.26, 'Managing servers in a cluster', 'Enabled state' (options kept in the system database)",
        })),
        {
            id: `secondaries-${input.database}`,
            phase: `secondaries-${input.database}`,
            title: `Host ${input.database} on the returning servers as secondaries`,
            run: cypher(`ALTER DATABASE \`${input.database}\` SET TOPOLOGY ${input.current.length} PRIMARIES ${input.returning.length} SECONDARIES`),
            check: { command: cypher(`SHOW DATABASE \`${input.database}\` YIELD role, currentStatus WHERE role = 'secondary' AND currentStatus = 'online' RETURN count(*) AS n`), expect: String(input.returning.length) },
            expectedSeconds: GRAPH_STEP_SECONDS.storeCopy.value,
            source: "Operations Manual 5.26, 'Managing databases in a cluster', ALTER DATABASE ... SET TOPOLOGY",
        },
    ];
}

/**
 * Failback, part two (planned, both regions up): the primaries move back one server at a time, so the database keeps
 * a majority throughout: first a returning server may host primaries, then a current one is constrained to secondary.
 */
export function failbackSwitch(input: FailbackInput): GraphStep[] {
    ensure({ database: input.database, servers: [...input.returning, ...input.current] });
    if (input.returning.length !== input.current.length) throw new Error(`a planned switch pairs servers: ${input.returning.length} returning, ${input.current.length} current`);
    const source = "Operations Manual 5.26, 'Managing servers in a cluster', 'Altering server options': altering servers may cause databases to be moved";
    const settled = (id: string): GraphStep["check"] => ({ command: cypher(`CALL dbms.cluster.statusCheck(['${input.database}'])`), expect: `replicationSuccessful on every primary, ${id} settled` });
    return input.returning.flatMap((r, i): GraphStep[] => {
        const c = input.current[i];
        return [
            {
                id: `primary-${r.statefulSet}`,
            phase: `primary-${r.statefulSet}`,
                title: `Let ${r.statefulSet} host primaries`,
                run: cypher(`ALTER SERVER '${r.serverId}' SET OPTIONS {modeConstraint: 'PRIMARY'}`),
                check: settled(r.serverId),
                expectedSeconds: GRAPH_STEP_SECONDS.storeCopy.value,
                source,
            },
            {
                id: `secondary-${c.statefulSet}`,
            phase: `secondary-${c.statefulSet}`,
                title: `Move ${c.statefulSet}'s primaries away (secondary only)`,
                run: cypher(`ALTER SERVER '${c.serverId}' SET OPTIONS {modeConstraint: 'SECONDARY'}`),
                check: settled(c.serverId),
                expectedSeconds: GRAPH_STEP_SECONDS.cypher.value,
                source,
            },
        ];
    });
}
