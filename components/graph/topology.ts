/**
 * The one operator step of a fresh account's first deploy (docs/graph-secondaries.md, "The four runs"): once the
 * other region's servers have joined as secondaries, the user database is hosted on them too. A database's topology
 * is kept in the system database, not in neo4j.conf (Operations Manual 5.26, "Managing databases in a cluster",
 * ALTER DATABASE ... SET TOPOLOGY); `initial.dbms.default_secondaries_count` would apply only at the DBMS's first start,
 * before the secondaries exist. Pure builder, run like the promotion's steps (components/graph/promotion.ts).
 */
import recoveryTimes from "../../policy-pack/data/recovery-times.json";
import type { GraphStep } from "./promotion";

export interface SecondariesJoinInput {
    readonly database: string;
    readonly primaries: number;
    readonly secondaries: number;
    /** The secondaries' region tag (neo4jSettings.ts regionTag): the check counts only them. */
    readonly tag: string;
}

export function secondariesJoin(input: SecondariesJoinInput): GraphStep[] {
    if (!/^[a-z][a-z0-9.-]{2,62}$/.test(input.database)) throw new Error(`database must be a standard database name (lowercase, 3-63 characters), got ${JSON.stringify(input.database)}`);
    if (!/^[a-z0-9]+$/.test(input.tag)) throw new Error(`tag must be a region tag of letters and digits (regionTag), got ${JSON.stringify(input.tag)}`);
    for (const [k, v] of [["primaries", input.primaries], ["secondaries", input.secondaries]] as const) {
        if (!Number.isInteger(v) || v < 1) throw new Error(`${k} must be a whole number of at least 1, got ${v}`);
    }
    const cypher = (statement: string) => ({ kind: "cypher" as const, statement });
    return [
        {
            id: "secondaries-enabled",
            phase: "secondaries-enabled",
            title: `Check that the ${input.secondaries} secondaries joined and were enabled with their options`,
            run: cypher(`SHOW SERVERS YIELD serverId, state, health, modeConstraint, tags WHERE '${input.tag}' IN tags RETURN serverId, state, health, modeConstraint`),
            check: {
                command: cypher(`SHOW SERVERS YIELD state, health, modeConstraint, tags WHERE '${input.tag}' IN tags AND state = 'Enabled' AND health = 'Available' AND modeConstraint = 'SECONDARY' RETURN count(*) AS n`),
                expect: String(input.secondaries),
            },
            expectedSeconds: recoveryTimes.neo4jPromotionSteps.cypher.value,
            source: "Operations Manual 5.26, 'Managing servers in a cluster': initial.dbms.automatically_enable_free_servers enables a joining server with its initial.server.* options",
        },
        {
            id: `topology-${input.database}`,
            phase: "topology",
            title: `Host ${input.database} on the secondaries too`,
            run: cypher(`ALTER DATABASE \`${input.database}\` SET TOPOLOGY ${input.primaries} PRIMARIES ${input.secondaries} SECONDARIES`),
            check: {
                command: cypher(`SHOW DATABASE \`${input.database}\` YIELD role, currentStatus WHERE role = 'secondary' AND currentStatus = 'online' RETURN count(*) AS n`),
                expect: String(input.secondaries),
            },
            // Each secondary copies the whole store once.
            expectedSeconds: recoveryTimes.neo4jPromotionSteps.storeCopy.value,
            source: "Operations Manual 5.26, 'Managing databases in a cluster', ALTER DATABASE ... SET TOPOLOGY",
        },
    ];
}
