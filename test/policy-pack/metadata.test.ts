import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { policies } from "../../policy-pack/policies";
import { PROJECT_DIR } from "../helpers/plan";

const fileOf = (name: string) => name.replace(/^intelgraph-/, "").replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe("policy metadata", () => {
    it("names are unique", () => {
        expect(new Set(policies.map((p) => p.name)).size).toBe(policies.length);
    });

    it.each(policies.map((p) => [p.name, p] as const))("%s: name, description, enforcement level and remediation", (name, p) => {
        expect(name).toMatch(/^intelgraph-(residency|kms|capacity|data|network|edge|resilience|detect|cost)-[a-z0-9]+(-[a-z0-9]+)*$/);
        expect(p.description.length).toBeGreaterThan(60);
        expect(p.description).toMatch(/^(Residency|KMS per region|N\+1 capacity|Data protection|Exposure|Edge|Resilience|Detection|Cost): /);
        // Only the budget warning is advisory by design; every other control blocks a deploy.
        expect(p.enforcementLevel).toBe(name === "intelgraph-cost-budget-warning" ? "advisory" : "mandatory");
        expect(p.remediationSteps?.length ?? 0).toBeGreaterThan(20);
    });

    it.each(policies.map((p) => [p.name] as const))("%s lives in a file named after the rule", (name) => {
        const file = path.join(PROJECT_DIR, "policy-pack", "policies", `${fileOf(name)}.ts`);
        expect(fs.existsSync(file), file).toBe(true);
        expect(fs.readFileSync(file, "utf8")).toContain(`name: "${name}"`);
    });

    it("index.ts only constructs the pack from the exported list", () => {
        const text = fs.readFileSync(path.join(PROJECT_DIR, "policy-pack", "index.ts"), "utf8");
        expect(text).toContain('new PolicyPack("intelgraph-guardrails"');
        expect(text).toContain('import { policies } from "./policies"');
        expect(text.match(/^import /gm)).toHaveLength(2);
    });

    it("the pack's README lists every rule, and only rules that exist (auditors read it)", () => {
        const text = fs.readFileSync(path.join(PROJECT_DIR, "policy-pack", "README.md"), "utf8");
        const listed = [...text.matchAll(/^\| `(intelgraph-[a-z0-9-]+)` \|/gm)].map((m) => m[1]);
        expect([...listed].sort()).toEqual(policies.map((p) => p.name).sort());
    });

    it.each(policies.filter((p) => p.configSchema).map((p) => [p.name, p] as const))("%s: every config property has its default in the configSchema or is required", (_, p) => {
        // The CLI reconciles the stack's config over the schema defaults, so the schema is the only place a default lives.
        const schema = p.configSchema!;
        for (const [key, property] of Object.entries(schema.properties ?? {})) {
            const hasDefault = typeof property === "object" && property !== null && "default" in property;
            expect(hasDefault || (schema.required ?? []).includes(key), key).toBe(true);
        }
    });

    it("rules merge no defaults of their own over getConfig() and build every message subject with subjectOf/stackSubject", () => {
        const dir = path.join(PROJECT_DIR, "policy-pack", "policies");
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
            const text = fs.readFileSync(path.join(dir, file), "utf8");
            expect(text, file).not.toMatch(/withDefaults|getConfig[^;]*\?\?|\.\.\.args\.getConfig/);
            expect(text, file).not.toMatch(/violationMessage\(\{|region: typeof region/);
        }
    });

    it("has a policy config per stack that names only known rules", () => {
        for (const stack of ["us-west-2", "us-east-1"]) {
            const config = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy-pack", "config", `${stack}.json`), "utf8")) as Record<string, unknown>;
            for (const key of Object.keys(config)) expect(policies.map((p) => p.name)).toContain(key);
        }
    });
});
