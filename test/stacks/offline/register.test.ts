/** The TypeScript loader of `npm run plan` / `npm run policy`: transpiles, caches by content, never serves stale code. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../../helpers/plan";

const LOADER = path.join(PROJECT_DIR, "stacks/offline/register.cjs");
const CACHE = path.join(PROJECT_DIR, "node_modules/.cache/intelgraph-ts");
const cached = () => (fs.existsSync(CACHE) ? fs.readdirSync(CACHE).filter((f) => f.endsWith(".js")) : []);

function run(file: string) {
    const res = spawnSync(process.execPath, ["-r", LOADER, file], { encoding: "utf8", timeout: 30_000 });
    return { code: res.status, stdout: res.stdout.trim(), stderr: res.stderr };
}

describe("stacks/offline/register.cjs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-register-"));
    const file = path.join(dir, "main.ts");
    const existing = new Set(cached());
    afterAll(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        // Entries for this test's temporary files only matter to this test (a plan run re-creates its own).
        for (const f of cached()) if (!existing.has(f) && fs.readFileSync(path.join(CACHE, f), "utf8").includes("intelgraph-register-")) fs.rmSync(path.join(CACHE, f));
    });

    it("runs TypeScript (types erased, imports as CommonJS) and caches the output", () => {
        fs.writeFileSync(path.join(dir, "dep.ts"), "export const answer: number = 41;\n");
        fs.writeFileSync(file, 'import { answer } from "./dep";\ninterface Shape { n: number }\nconst s: Shape = { n: answer + 1 };\nconsole.log(`value ${s.n}`);\n');
        const before = new Set(cached());
        expect(run(file)).toMatchObject({ code: 0, stdout: "value 42" });
        const added = cached().filter((f) => !before.has(f));
        expect(added).toHaveLength(2);
        expect(fs.readFileSync(path.join(CACHE, added[0]), "utf8")).toMatch(/sourceMappingURL=data:application\/json/);
    });

    it("serves an edited file's new code, not the cached one", () => {
        fs.writeFileSync(path.join(dir, "dep.ts"), "export const answer: number = 99;\n");
        expect(run(file)).toMatchObject({ code: 0, stdout: "value 100" });
    });

    it("reports errors at the TypeScript source line (inline source maps)", () => {
        const bad = path.join(dir, "bad.ts");
        fs.writeFileSync(bad, "const n: number = 1;\n\nthrow new Error(`failed at ${n}`);\n");
        const res = spawnSync(process.execPath, ["--enable-source-maps", "-r", LOADER, bad], { encoding: "utf8", timeout: 30_000 });
        expect(res.status).not.toBe(0);
        expect(res.stderr).toContain(`${bad}:3`);
    });
});
