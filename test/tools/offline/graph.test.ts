import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { mermaidGraph } from "../../../tools/offline/graph";
import { buildReport } from "../../../tools/offline/report";
import { PROJECT_DIR, plan } from "../../helpers/plan";

const graph = async () => mermaidGraph(buildReport([...(await plan()).values()], "test"));

describe("architecture picture", () => {
    it("shows both regions' components, the interconnect's, and every cross-region link", async () => {
        const g = await graph();
        expect(g).toContain('subgraph us_west_2_region["us-west-2 (primary)"]');
        expect(g).toContain('subgraph us_east_1_region["us-east-1 (secondary)"]');
        expect(g).toContain('subgraph interconnect_us_region["interconnect-us (interconnect)"]');
        for (const link of [
            'interconnect_us_peering_us_east_1 -- "VPC peering" --> us_west_2_network',
            'interconnect_us_peering_us_east_1 -- "VPC peering" --> us_east_1_network',
            'us_west_2_aurora -- "Aurora global database" --> us_east_1_aurora',
            'us_west_2_redis -- "global datastore" --> us_east_1_redis',
            'us_west_2_neo4j_backups -- "backup replication (interconnect-us)" --> us_east_1_neo4j_backups',
            'dns_api_intelgraph_example_com -- "weight 100, health-checked" --> us_west_2_dns',
            'dns_api_intelgraph_example_com -- "weight 0, health-checked" --> us_east_1_dns',
        ]) {
            expect(g).toContain(link);
        }
    });

    it("README embeds the current picture", async () => {
        const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
        const embedded = /```mermaid\n([\s\S]*?)```/.exec(readme)?.[1];
        expect(embedded).toBe(await graph());
    });
});
