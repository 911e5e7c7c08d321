import { describe, expect, it } from "vitest";
import {
    GRAPH_STEP_SECONDS,
    type GraphServer,
    databasePromotion,
    failbackRejoin,
    failbackSwitch,
    promotedServerSettings,
    promotionSecondsToWritable,
    systemRecoveryComplete,
    systemRecoveryPrepare,
    systemStatusCheck,
} from "../../../components/graph/promotion";
import { GRAPH_PROMOTION_PHASES, graphPromotionSeconds } from "../../../policy-pack/lib/resilience";

const id = (n: number) => `0000000${n}-aaaa-4bbb-8ccc-dddddddddddd`;
const server = (n: number, sts: string): GraphServer => ({ serverId: id(n), statefulSet: sts, clusterAddress: `${sts}.graph.us-east-1.internal:6000` });
const survivors = [server(4, "intelgraph-graph-secondary-0"), server(5, "intelgraph-graph-secondary-1")];
const lost = [id(1), id(2), id(3)];
const statements = (steps: { run: { kind: string; statement?: string } }[]) => steps.map((s) => (s.run.kind === "cypher" ? s.run.statement : s.run.kind));

describe("graph promotion (Neo4j 5.26 disaster recovery from the secondaries)", () => {
    it("checks the system database first", () => {
        expect(systemStatusCheck().run).toEqual({ kind: "cypher", statement: 'CALL dbms.cluster.statusCheck(["system"])' });
    });

    it("stops the survivors, resets their system database state and reads each copy's last transaction, in that order", () => {
        const steps = systemRecoveryPrepare({ namespace: "neo4j", survivors });
        expect(steps.map((s) => s.id)).toEqual([
            "stop-survivors",
            "unbind-system-intelgraph-graph-secondary-0",
            "unbind-system-intelgraph-graph-secondary-1",
            "system-info-intelgraph-graph-secondary-0",
            "system-info-intelgraph-graph-secondary-1",
        ]);
        expect(steps[0].run).toEqual({ kind: "kubectl", argv: ["-n", "neo4j", "scale", "statefulset", "intelgraph-graph-secondary-0", "intelgraph-graph-secondary-1", "--replicas=0"] });
        expect(steps[0].check.expect).toBe("no pod listed");
        expect(steps[1].run).toEqual({ kind: "offline-admin", statefulSet: "intelgraph-graph-secondary-0", argv: ["neo4j-admin", "dbms", "unbind-system-db"] });
        expect(steps[3].run).toEqual({ kind: "offline-admin", statefulSet: "intelgraph-graph-secondary-0", argv: ["neo4j-admin", "database", "info", "system"] });
    });

    it("dumps the most current copy, loads it on every survivor, then restarts them as system primaries discovering only each other", () => {
        const steps = systemRecoveryComplete({ namespace: "neo4j", survivors, seed: "intelgraph-graph-secondary-1", dumpPath: "s3://b/neo4j/system-recovery/t1/" });
        expect(steps.map((s) => s.id)).toEqual(["dump-system", "load-system-intelgraph-graph-secondary-0", "load-system-intelgraph-graph-secondary-1", "restart-promoted"]);
        expect(steps[0].run).toEqual({ kind: "offline-admin", statefulSet: "intelgraph-graph-secondary-1", argv: ["neo4j-admin", "database", "dump", "system", "--to-path=s3://b/neo4j/system-recovery/t1/"] });
        expect(steps[1].run).toEqual({
            kind: "offline-admin",
            statefulSet: "intelgraph-graph-secondary-0",
            argv: ["neo4j-admin", "database", "load", "system", "--from-path=s3://b/neo4j/system-recovery/t1/", "--overwrite-destination=true"],
        });
        const expected = {
            "server.cluster.system_database_mode": "PRIMARY",
            "dbms.cluster.minimum_initial_system_primaries_count": "2",
            "dbms.cluster.discovery.resolver_type": "LIST",
            "dbms.cluster.discovery.v2.endpoints": "intelgraph-graph-secondary-0.graph.us-east-1.internal:6000,intelgraph-graph-secondary-1.graph.us-east-1.internal:6000",
        };
        expect(promotedServerSettings(survivors.map((x) => x.clusterAddress))).toEqual(expected);
        expect(steps[3].run).toEqual({ kind: "restart-with-settings", settings: { "intelgraph-graph-secondary-0": expected, "intelgraph-graph-secondary-1": expected } });
        expect(steps[3].check).toEqual({ command: { kind: "cypher", statement: 'CALL dbms.cluster.statusCheck(["system"])' }, expect: "replicationSuccessful is true on all 2 servers" });
        expect(() => systemRecoveryComplete({ namespace: "neo4j", survivors, seed: "intelgraph-graph-0", dumpPath: "x" })).toThrow(
            'seed "intelgraph-graph-0" is not one of the survivors (intelgraph-graph-secondary-0, intelgraph-graph-secondary-1)',
        );
    });

    it("cordons the lost servers, lifts the survivors' SECONDARY constraint, recreates from them, deallocates and drops the lost, grows back to 3 primaries", () => {
        const steps = databasePromotion({ database: "neo4j", survivors, lostServerIds: lost, primaries: 3 });
        expect(statements(steps)).toEqual([
            `CALL dbms.cluster.cordonServer('${id(1)}')`,
            `CALL dbms.cluster.cordonServer('${id(2)}')`,
            `CALL dbms.cluster.cordonServer('${id(3)}')`,
            `ALTER SERVER '${id(4)}' SET OPTIONS {modeConstraint: 'NONE'}`,
            `ALTER SERVER '${id(5)}' SET OPTIONS {modeConstraint: 'NONE'}`,
            "CALL dbms.cluster.recreateDatabase('neo4j', {seedingServers: [], primaries: 2, secondaries: 0})",
            // Write-available here; the lost servers leave the cluster's view and the topology grows afterwards.
            "CALL dbms.cluster.statusCheck([])",
            `DEALLOCATE DATABASES FROM SERVER '${id(1)}'`,
            `DEALLOCATE DATABASES FROM SERVER '${id(2)}'`,
            `DEALLOCATE DATABASES FROM SERVER '${id(3)}'`,
            `DROP SERVER '${id(1)}'`,
            `DROP SERVER '${id(2)}'`,
            `DROP SERVER '${id(3)}'`,
            "ALTER DATABASE `neo4j` SET TOPOLOGY 3 PRIMARIES",
        ]);
        const byId = Object.fromEntries(steps.map((s) => [s.id, s]));
        expect(byId[`cordon-${id(1)}`].check.expect).toBe("Cordoned");
        expect(byId["recreate-neo4j"].check).toEqual({ command: { kind: "cypher", statement: "CALL dbms.cluster.statusCheck(['neo4j'])" }, expect: "replicationSuccessful is true on 2 primaries (write-available)" });
        expect(byId[`drop-${id(3)}`].check.expect).toBe("0");
        for (const s of steps) expect(s.source, s.id).toMatch(/Operations Manual 5\.26/);
    });

    it("needs no topology step when the survivors already make the primaries", () => {
        const three = [...survivors, server(6, "intelgraph-graph-secondary-2")];
        const steps = databasePromotion({ database: "neo4j", survivors: three, lostServerIds: lost, primaries: 3 });
        expect(steps.some((s) => s.id.startsWith("topology-"))).toBe(false);
        expect(steps.find((s) => s.id === "recreate-neo4j")?.run).toEqual({ kind: "cypher", statement: "CALL dbms.cluster.recreateDatabase('neo4j', {seedingServers: [], primaries: 3, secondaries: 0})" });
    });

    it("counts one budget per phase up to write availability (restart included; lost-server removal and topology growth after), as the plan's RTO model does", () => {
        const steps = [
            systemStatusCheck(),
            ...systemRecoveryPrepare({ namespace: "neo4j", survivors }),
            ...systemRecoveryComplete({ namespace: "neo4j", survivors, seed: "intelgraph-graph-secondary-0", dumpPath: "s3://b/x/" }),
            ...databasePromotion({ database: "neo4j", survivors, lostServerIds: lost, primaries: 3 }),
        ];
        // The builders emit the model's phases, in its order (then the steps after write availability).
        const phases = [...new Set(steps.map((x) => x.phase))];
        expect(phases).toEqual([...GRAPH_PROMOTION_PHASES.map((p) => p.phase), "deallocate-lost", "drop-lost", "topology"]);
        for (const x of steps) {
            const model = GRAPH_PROMOTION_PHASES.find((p) => p.phase === x.phase);
            if (model) expect(x.expectedSeconds, x.id).toBe(GRAPH_STEP_SECONDS[model.kind].value);
        }
        const s = GRAPH_STEP_SECONDS;
        // status + stop + unbind + info + dump + load + restart + cordon + unconstrain + recreate + verify; parallel steps count once
        expect(promotionSecondsToWritable(steps)).toBe(s.cypher.value * 4 + s.stop.value + s.offlineAdmin.value * 4 + s.restart.value + s.recreate.value);
        expect(promotionSecondsToWritable(steps)).toBe(graphPromotionSeconds());
        expect(promotionSecondsToWritable(steps)).toBe(460);
        const slower = steps.map((x) => (x.id === "restart-promoted" ? { ...x, expectedSeconds: x.expectedSeconds + 600 } : x));
        expect(promotionSecondsToWritable(slower)).toBe(promotionSecondsToWritable(steps) + 600);
        // One slow server of a parallel phase delays the phase, not once per server.
        const oneSlowLoad = steps.map((x) => (x.id === "load-system-intelgraph-graph-secondary-1" ? { ...x, expectedSeconds: 90 } : x));
        expect(promotionSecondsToWritable(oneSlowLoad)).toBe(promotionSecondsToWritable(steps) + 60);
    });

    it.each<[string, () => unknown, string]>([
        ["a server id that is not a UUID", () => databasePromotion({ database: "neo4j", survivors, lostServerIds: ["x'}) DETACH DELETE n //"], primaries: 3 }), 'server ids must be the UUIDs SHOW SERVERS lists, got "x\'}) DETACH DELETE n //"'],
        ["a database name with a backtick", () => databasePromotion({ database: "neo`4j", survivors, lostServerIds: lost, primaries: 3 }), 'database must be a standard database name (lowercase, 3-63 characters), got "neo`4j"'],
        ["no survivor", () => systemRecoveryPrepare({ namespace: "neo4j", survivors: [] }), "at least one surviving server is needed"],
    ])("refuses %s", (_, build, message) => {
        expect(build).toThrow(message);
    });
});

describe("graph failback", () => {
    const returning = [server(7, "intelgraph-graph-0"), server(8, "intelgraph-graph-1")];
    const input = { namespace: "neo4j", database: "neo4j", returning, current: survivors, returningTag: "us-west-2" };

    it("unbinds the returning servers, restarts them as secondaries discovering the current cluster, enables them and hosts the database on them", () => {
        const steps = failbackRejoin(input);
        expect(steps.map((s) => s.id)).toEqual(["unbind-intelgraph-graph-0", "unbind-intelgraph-graph-1", "restart-returning", "enable-intelgraph-graph-0", "enable-intelgraph-graph-1", "secondaries-neo4j"]);
        expect(steps[0].run).toEqual({ kind: "offline-admin", statefulSet: "intelgraph-graph-0", argv: ["neo4j-admin", "server", "unbind", "--archive-cluster-state=true"] });
        const restart = steps[2].run as { settings: Record<string, Record<string, string>> };
        expect(restart.settings["intelgraph-graph-1"]).toEqual({
            "server.cluster.system_database_mode": "SECONDARY",
            "initial.server.mode_constraint": "SECONDARY",
            "initial.server.tags": "us-west-2",
            "dbms.cluster.discovery.resolver_type": "LIST",
            "dbms.cluster.discovery.v2.endpoints": "intelgraph-graph-secondary-0.graph.us-east-1.internal:6000,intelgraph-graph-secondary-1.graph.us-east-1.internal:6000",
        });
        expect(statements(steps.slice(3))).toEqual([
            `ENABLE SERVER '${id(7)}' OPTIONS {modeConstraint: 'SECONDARY', tags: ['us-west-2']}`,
            `ENABLE SERVER '${id(8)}' OPTIONS {modeConstraint: 'SECONDARY', tags: ['us-west-2']}`,
            "ALTER DATABASE `neo4j` SET TOPOLOGY 2 PRIMARIES 2 SECONDARIES",
        ]);
        expect(steps[3].check.expect).toBe("Enabled, Available");
    });

    it("switches the primaries back one pair at a time: a returning server may host primaries before a current one gives them up", () => {
        expect(statements(failbackSwitch(input))).toEqual([
            `ALTER SERVER '${id(7)}' SET OPTIONS {modeConstraint: 'PRIMARY'}`,
            `ALTER SERVER '${id(4)}' SET OPTIONS {modeConstraint: 'SECONDARY'}`,
            `ALTER SERVER '${id(8)}' SET OPTIONS {modeConstraint: 'PRIMARY'}`,
            `ALTER SERVER '${id(5)}' SET OPTIONS {modeConstraint: 'SECONDARY'}`,
        ]);
        for (const s of failbackSwitch(input)) expect(s.check.command).toEqual({ kind: "cypher", statement: "CALL dbms.cluster.statusCheck(['neo4j'])" });
        expect(() => failbackSwitch({ ...input, returning: returning.slice(0, 1) })).toThrow("a planned switch pairs servers: 1 returning, 2 current");
    });
});
