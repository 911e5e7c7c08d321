import { describe, expect, it } from "vitest";
import { secondariesJoin } from "../../../components/graph/topology";

describe("hosting the database on the joined secondaries (first deploy)", () => {
    it("checks the secondaries are enabled under SECONDARY with their region tag, then alters the topology", () => {
        const steps = secondariesJoin({ database: "neo4j", primaries: 3, secondaries: 3, tag: "useast1" });
        expect(steps.map((s) => s.id)).toEqual(["secondaries-enabled", "topology-neo4j"]);
        expect(steps[0].check).toEqual({
            command: { kind: "cypher", statement: "SHOW SERVERS YIELD state, health, modeConstraint, tags WHERE 'useast1' IN tags AND state = 'Enabled' AND health = 'Available' AND modeConstraint = 'SECONDARY' RETURN count(*) AS n" },
            expect: "3",
        });
        expect(steps[1].run).toEqual({ kind: "cypher", statement: "ALTER DATABASE `neo4j` SET TOPOLOGY 3 PRIMARIES 3 SECONDARIES" });
        expect(steps[1].check.expect).toBe("3");
        expect(steps[1].expectedSeconds).toBe(1800);
    });

    it.each<[string, Parameters<typeof secondariesJoin>[0], string]>([
        ["a tag with a quote", { database: "neo4j", primaries: 3, secondaries: 3, tag: "x' OR 1=1" }, `tag must be a region tag of letters and digits (regionTag), got "x' OR 1=1"`],
        ["no secondaries", { database: "neo4j", primaries: 3, secondaries: 0, tag: "useast1" }, "secondaries must be a whole number of at least 1, got 0"],
        ["a database name with a backtick", { database: "neo`4j", primaries: 3, secondaries: 3, tag: "useast1" }, 'database must be a standard database name (lowercase, 3-63 characters), got "neo`4j"'],
    ])("refuses %s", (_, input, message) => {
        expect(() => secondariesJoin(input)).toThrow(message);
    });
});
