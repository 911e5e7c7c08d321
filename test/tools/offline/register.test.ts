/** The TypeScript loader of `npm run plan` / `npm run policy`: transpiles, caches by content, never serves stale code. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as nodeModule from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../../helpers/plan";

const LOADER = path.join(PROJECT_DIR, "tools/offline/register.cjs");
const CACHE = path.join(PROJECT_DIR, "node_modules/.cache/intelgraph-ts");
const cached = () => (fs.existsSync(CACHE) ? fs.readdirSync(CACHE).filter((f) => f.endsWith(".js")) : []);

/** The source file a cache entry was transpiled from, per its inline source map. */
function sourceOf(entry: string): string {
    const base64 = /sourceMappingURL=data:application\/json;charset=utf-8;base64,(\S+)\s*$/.exec(fs.readFileSync(path.join(CACHE, entry), "utf8"))?.[1] ?? "";
    return (JSON.parse(Buffer.from(base64, "base64").toString("utf8") || "{}") as { sources?: string[] }).sources?.[0] ?? "";
}

function run(file: string) {
    const res = spawnSync(process.execPath, ["-r", LOADER, file], { encoding: "utf8", timeout: 30_000 });
    return { code: res.status, stdout: res.stdout.trim(), stderr: res.stderr };
}

describe("tools/offline/register.cjs", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-register-"));
    const file = path.join(dir, "main.ts");
    const existing = new Set(cached());
    afterAll(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        // Entries for this test's temporary files only matter to this test (a plan run re-creates its own).
        for (const f of cached()) if (!existing.has(f) && sourceOf(f).startsWith(dir)) fs.rmSync(path.join(CACHE, f));
    });

    it("runs TypeScript (types erased, imports as CommonJS) and caches the output", () => {
        fs.writeFileSync(path.join(dir, "dep.ts"), "export const answer: number = 41;\n");
        fs.writeFileSync(file, 'import { answer } from "./dep";\ninterface Shape { n: number }\nconst s: Shape = { n: answer + 1 };\nconsole.log(`value ${s.n}`);\n');
        expect(run(file)).toMatchObject({ code: 0, stdout: "value 42" });
        // Other test files' plan runs may add entries concurrently: count only this test's files.
        const mine = cached().filter((f) => sourceOf(f).startsWith(dir));
        expect(mine.map(sourceOf).sort()).toEqual([path.join(dir, "dep.ts"), path.join(dir, "main.ts")]);
    });

    it("keeps V8's compiled code of the modules it ran (Node's compile cache where there is one)", () => {
        expect(run(file)).toMatchObject({ code: 0 });
        const root = path.join(PROJECT_DIR, "node_modules/.cache");
        const own = path.join(root, `intelgraph-v8-${process.version}-${process.arch}.bin`);
        const node = path.join(root, "node-compile-cache");
        const hasEnable = "enableCompileCache" in nodeModule;
        if (hasEnable) {
            expect(fs.existsSync(node)).toBe(true);
            return;
        }
        const buf = fs.readFileSync(own);
        const index = JSON.parse(buf.subarray(4, 4 + buf.readUInt32LE(0)).toString("utf8")) as Record<string, [string, number, number]>;
        // Other test files' runs may rewrite the file concurrently, with what they ran: the SDK's modules or this test's.
        expect(Object.keys(index).some((f) => f.includes(`${path.sep}node_modules${path.sep}`) || f.startsWith(dir))).toBe(true);
    });

    it("drops entries unused for 30 days, looking at most once a day (an unchanged file is then transpiled once more)", () => {
        fs.mkdirSync(CACHE, { recursive: true });
        const stale = path.join(CACHE, `stale-${path.basename(dir)}.js`);
        const fresh = path.join(CACHE, `fresh-${path.basename(dir)}.js`);
        for (const f of [stale, fresh]) fs.writeFileSync(f, "// test entry\n");
        const old = new Date(Date.now() - 40 * 24 * 3600 * 1000);
        fs.utimesSync(stale, old, old);
        // Pruning runs at most once a day: as on the first run of a day.
        fs.rmSync(path.join(CACHE, ".pruned"), { force: true });
        expect(run(file)).toMatchObject({ code: 0 });
        expect(fs.existsSync(stale)).toBe(false);
        expect(fs.existsSync(fresh)).toBe(true);
        fs.utimesSync(fresh, old, old);
        expect(run(file)).toMatchObject({ code: 0 });
        expect(fs.existsSync(fresh)).toBe(true);
        fs.rmSync(fresh);
    });

    it("serves an edited file's new code, not the cached one", () => {
        fs.writeFileSync(path.join(dir, "dep.ts"), "export const answer: number = 99;\n");
        expect(run(file)).toMatchObject({ code: 0, stdout: "value 100" });
    });

    it("reports errors at the TypeScript source position (inline source maps)", () => {
        const bad = path.join(dir, "bad.ts");
        // Type annotations before the throw shift its column in the transpiled code: only a source map restores it.
        fs.writeFileSync(bad, "const n: number = 1; const m: Record<string, number> = {}; throw new Error(`failed at ${n} ${Object.keys(m).length}`);\n");
        const res = spawnSync(process.execPath, ["--enable-source-maps", "-r", LOADER, bad], { encoding: "utf8", timeout: 30_000 });
        expect(res.status).not.toBe(0);
        expect(res.stderr).toContain(`${bad}:1:66`);
    });
});
