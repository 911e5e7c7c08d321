/** The Pulumi CLI refuses a stack that lacks a config key Pulumi.yaml declares without a default (found by fake-engine on the billing stack). */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { listStacks, loadProject, loadStackFile } from "../../tools/offline/project";
import { PROJECT_DIR } from "../helpers/plan";

describe("Pulumi.yaml's required config", () => {
    it("every stack file sets every project config key that has no default", () => {
        const project = parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as { config: Record<string, { default?: unknown }> };
        const required = Object.entries(project.config).filter(([, v]) => v.default === undefined).map(([k]) => k);
        expect(required).toContain("intelgraph:residencyZone");
        const p = loadProject(PROJECT_DIR);
        for (const stack of listStacks(p)) {
            const config = loadStackFile(p, stack).config;
            expect(required.filter((k) => config[k] === undefined), `Pulumi.${stack}.yaml`).toEqual([]);
        }
    });
});
