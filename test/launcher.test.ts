/**
 * Pulumi's language host runs stacks/index.ts with ts-node from stacks/ (Pulumi.yaml `main`), and the policy
 * pack from policy-pack/; ts-node takes the tsconfig.json of that directory. Without one there, it compiles
 * with its defaults (no strict), where zod's inferred types differ and the program fails to compile.
 */
import * as path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "./helpers/plan";

describe("what the real launchers compile with", () => {
    it.each(["stacks", "policy-pack"])("%s/ has a tsconfig.json with the project's strict settings", (dir) => {
        const file = ts.findConfigFile(path.join(PROJECT_DIR, dir), ts.sys.fileExists);
        expect(file).toBe(path.join(PROJECT_DIR, dir, "tsconfig.json"));
        const parsed = ts.getParsedCommandLineOfConfigFile(file!, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
        expect(parsed?.options).toMatchObject({ strict: true, module: ts.ModuleKind.CommonJS, skipLibCheck: true });
    });

    it("Pulumi.yaml points the language host at the program entry", async () => {
        const { loadProject } = await import("../tools/offline/project");
        expect(loadProject(PROJECT_DIR)).toMatchObject({ name: "intelgraph", main: "stacks/index.ts" });
    });
});
