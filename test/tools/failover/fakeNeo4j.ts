/**
 * kubectl against a Neo4j cluster as the graph step sees it, faked: a small state machine answering the commands the
 * builders emit (cypher-shell in a pod, kubectl scale/get, neo4j-admin in an offline pod), in cypher-shell's plain
 * format. Every command is recorded with whether it changes anything.
 */
import type { FakeState } from "./fakeAws";

export interface FakeServer {
    readonly serverId: string;
    readonly address: string;
    readonly tag: string;
    state: "Enabled" | "Cordoned" | "Free" | "Deallocating";
    health: "Available" | "Unavailable";
    modeConstraint: "NONE" | "PRIMARY" | "SECONDARY";
    hosting: string[];
    dropped: boolean;
}

export interface FakeGraph {
    readonly servers: FakeServer[];
    /** The target region's pods are running (false once scaled to 0, until the pulumi up of the stack-file change). */
    running: boolean;
    /** The system database is write-available. */
    systemWritable: boolean;
    /** The neo4j database is write-available on the survivors (recreated). */
    databaseWritable: boolean;
    /** The password in the pods' NEO4J_AUTH: a command never carries it. */
    readonly password: string;
    unbound: Set<string>;
    loaded: Set<string>;
    /** Transaction ids the stopped servers' system databases report. */
    readonly systemTxn: Record<string, number>;
    /** Every command run: argv joined, and whether it mutates. */
    readonly ran: { cmd: string; argv: readonly string[]; mutating: boolean }[];
    /** Make the next command matching this fail once. */
    failOnce?: RegExp;
}

const uuid = (n: number) => `${String(n).padStart(8, "0")}-aaaa-4bbb-8ccc-dddddddddddd`;

export function fakeGraph(o: { fromAddresses: readonly string[]; toAddresses: readonly string[]; fromTag: string; toTag: string; mode: "secondaries" | "promoted" }): FakeGraph {
    const promoted = o.mode === "promoted";
    const servers: FakeServer[] = [
        ...o.fromAddresses.map((a, i): FakeServer => ({ serverId: uuid(i + 1), address: `${a}:7687`, tag: o.fromTag, state: "Enabled", health: promoted ? "Unavailable" : "Available", modeConstraint: "NONE", hosting: ["system", "neo4j"], dropped: promoted })),
        ...o.toAddresses.map((a, i): FakeServer => ({ serverId: uuid(i + 4), address: `${a}:7687`, tag: o.toTag, state: "Enabled", health: "Available", modeConstraint: promoted ? "NONE" : "SECONDARY", hosting: ["system", "neo4j"], dropped: false })),
    ];
    return { servers, running: true, systemWritable: true, databaseWritable: true, password: "mock-neo4j-password-5f1e", unbound: new Set(), loaded: new Set(), systemTxn: { "intelgraph-graph-0": 41, "intelgraph-graph-1": 43, "intelgraph-graph-2": 42 }, ran: [] };
}

/** The cluster after us-west-2 is lost: its servers unavailable, the system database without a majority. */
export function loseRegion(g: FakeGraph, tag: string): void {
    for (const s of g.servers) if (s.tag === tag) s.health = "Unavailable";
    g.systemWritable = false;
    g.databaseWritable = false;
}

const plain = (header: string, rows: string[][]) => [header, ...rows.map((r) => r.join(", "))].join("\n") + "\n";
const q = (s: string) => `"${s}"`;

/** The stack-file change and its pulumi up: the servers start with promotedServerSettings from the loaded system database. */
export function applyPromotedStackFile(g: FakeGraph): void {
    g.running = true;
    if (g.loaded.size === 3) g.systemWritable = true;
}

export function kubectlRunner(g: FakeGraph, aws: { state: FakeState }, bucket: string, toContext: string) {
    const live = () => g.servers.filter((s) => !s.dropped);
    const byId = (id: string) => live().find((s) => s.serverId === id);
    return async (argv: readonly string[]): Promise<string> => {
        const cmd = argv.join(" ");
        if (argv[0] !== "kubectl" || argv[1] !== "--context" || argv[2] !== toContext) throw new Error(`fake kubectl: not the target cluster: ${cmd}`);
        const verb = argv[5];
        const statement = verb === "exec" ? argv[argv.length - 1] : "";
        const admin = verb === "run" ? argv.slice(argv.indexOf("--") + 1).join(" ") : "";
        const mutating =
            verb === "scale" ||
            (verb === "run" && !/database info/.test(admin)) ||
            (verb === "exec" && !/^(SHOW |CALL dbms\.cluster\.statusCheck)/.test(statement));
        g.ran.push({ cmd, argv, mutating });
        if (g.failOnce && g.failOnce.test(cmd)) {
            g.failOnce = undefined;
            throw new Error(`command failed: ${cmd.slice(0, 80)}`);
        }
        if (verb === "get" && argv[6] === "pods") return g.running ? argv.slice(7).filter((a) => a.endsWith("-0")).map((p) => `${p}   1/1   Running`).join("\n") : "";
        if (verb === "get" && argv[6] === "statefulset") {
            return JSON.stringify({ spec: { template: { spec: { nodeSelector: { "intelgraph.io/tier": "graph" }, tolerations: [{ key: "intelgraph.io/graph", operator: "Equal", value: "true", effect: "NoSchedule" }], securityContext: { runAsUser: 7474, fsGroup: 7474 }, containers: [{ image: "123.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/neo4j@sha256:abc", env: [{ name: "NEO4J_ACCEPT_LICENSE_AGREEMENT", value: "yes" }, { name: "NEO4J_AUTH", valueFrom: { secretKeyRef: { name: "intelgraph-graph-auth", key: "NEO4J_AUTH" } } }] }] } } } });
        }
        if (verb === "scale") {
            g.running = false;
            return "";
        }
        if (verb === "run") {
            if (g.running) throw new Error("the volume is in use by the running server");
            const sts = argv[6].replace(/-admin$/, "");
            if (/dbms unbind-system-db/.test(admin)) g.unbound.add(sts);
            else if (/database dump system --to-path=s3:\/\/([^/]+)\/(.*)$/.test(admin)) {
                const m = /--to-path=s3:\/\/([^/]+)\/(.*)$/.exec(admin)!;
                aws.state.objects.add(`${m[1]}/${m[2]}system.dump`);
            } else if (/database load system/.test(admin)) {
                if (![...aws.state.objects].some((k) => k.startsWith(bucket) && k.endsWith("system.dump"))) throw new Error("no dump");
                g.loaded.add(sts);
                g.systemTxn[sts] = Math.max(...Object.values(g.systemTxn));
            }
            if (/database info system/.test(admin)) return `Database name:                system\nDatabase in use:              false\nLast committed transaction id:${g.systemTxn[sts]}\nStore needs recovery:         false\n`;
            return "";
        }
        if (verb !== "exec") throw new Error(`fake kubectl: unexpected ${cmd}`);
        if (!g.running) throw new Error("error: unable to upgrade connection: container not found");
        if (!argv.includes('exec cypher-shell -a bolt+ssc://localhost:7687 -u neo4j -p "${NEO4J_AUTH#neo4j/}" -d system --format plain "$1"')) throw new Error(`fake kubectl: not cypher-shell with the pod's password: ${cmd}`);
        let m: RegExpExecArray | null;
        if ((m = /^CALL dbms\.cluster\.statusCheck\(\[(.*)\]\)$/.exec(statement))) {
            const db = m[1].replace(/["']/g, "") || "neo4j";
            const ok = db === "system" ? g.systemWritable : g.databaseWritable;
            // Lost servers drop out of the rows once their copies no longer count (system recovered, database recreated).
            const rows = live().filter((s) => s.hosting.includes(db) && (s.health === "Available" || !ok)).map((s) => [q(db), q(s.serverId), q(s.address), s.health === "Available" && ok ? "TRUE" : "FALSE", q("up"), q(""), "1", q("x"), "NULL"]);
            return plain("database, serverId, address, replicationSuccessful, memberStatus, recognisedLeader, recognisedLeaderTerm, requester, error", rows);
        }
        if (statement.startsWith("SHOW SERVERS YIELD serverId, address, state, health, modeConstraint, tags")) {
            return plain("serverId, address, state, health, modeConstraint, tags", live().map((s) => [q(s.serverId), q(s.address), q(s.state), q(s.health), q(s.modeConstraint), `[${q(s.tag)}]`]));
        }
        if ((m = /^SHOW SERVERS YIELD serverId, (state|modeConstraint|hosting) WHERE serverId = '([^']+)' RETURN \w+$/.exec(statement))) {
            const s = byId(m[2]);
            if (!s) return plain(m[1], []);
            const v = m[1] === "state" ? q(s.state) : m[1] === "modeConstraint" ? q(s.modeConstraint) : `[${s.hosting.map(q).join(", ")}]`;
            return plain(m[1], [[v]]);
        }
        if ((m = /^SHOW SERVERS YIELD serverId WHERE serverId = '([^']+)' RETURN count\(\*\) AS n$/.exec(statement))) return plain("n", [[byId(m[1]) ? "1" : "0"]]);
        if (statement.startsWith("SHOW DATABASES YIELD name, requestedStatus, currentStatus")) return plain("n", [[g.databaseWritable ? "0" : "1"]]);
        if ((m = /^SHOW SERVERS YIELD serverId, state, health WHERE serverId = '([^']+)' RETURN state, health$/.exec(statement))) {
            const s = byId(m[1]);
            return plain("state, health", s ? [[q(s.state), q(s.health)]] : []);
        }
        if (/^SHOW DATABASE `neo4j` YIELD role, currentStatus WHERE role = 'secondary' AND currentStatus = 'online' RETURN count\(\*\) AS n$/.test(statement)) {
            return plain("n", [[String(live().filter((s) => s.state === "Enabled" && s.modeConstraint === "SECONDARY" && s.hosting.includes("neo4j")).length)]]);
        }
        if (!g.systemWritable) throw new Error("No write operations are allowed on this database");
        if ((m = /^CALL dbms\.cluster\.cordonServer\('([^']+)'\)$/.exec(statement))) byId(m[1])!.state = "Cordoned";
        else if ((m = /^ALTER SERVER '([^']+)' SET OPTIONS \{modeConstraint: '(\w+)'\}$/.exec(statement))) byId(m[1])!.modeConstraint = m[2] as FakeServer["modeConstraint"];
        else if ((m = /^ENABLE SERVER '([^']+)' OPTIONS \{modeConstraint: '(\w+)', tags: \['(\w+)'\]\}$/.exec(statement))) {
            const s = byId(m[1])!;
            if (s.state !== "Free") throw new Error(`server ${m[1]} is not free`);
            Object.assign(s, { state: "Enabled", modeConstraint: m[2] });
        } else if ((m = /^ALTER DATABASE `neo4j` SET TOPOLOGY (\d+) PRIMARIES (\d+) SECONDARIES$/.exec(statement))) {
            for (const s of live()) if (s.state === "Enabled" && !s.hosting.includes("neo4j")) s.hosting.push("neo4j");
        }
        else if (/^CALL dbms\.cluster\.recreateDatabase\('neo4j'/.test(statement)) {
            if (live().some((s) => s.tag === "useast1" && s.modeConstraint !== "NONE")) throw new Error("not enough servers allowed to host primaries");
            g.databaseWritable = true;
        } else if (statement === "CALL dbms.cluster.statusCheck([])") return "";
        else if ((m = /^DEALLOCATE DATABASES FROM SERVER '([^']+)'$/.exec(statement))) byId(m[1])!.hosting = [];
        else if ((m = /^DROP SERVER '([^']+)'$/.exec(statement))) {
            const s = byId(m[1])!;
            if (s.hosting.length) throw new Error("cannot drop a server hosting databases");
            s.dropped = true;
        } else throw new Error(`fake cypher: unexpected ${statement}`);
        return "";
    };
}
