/**
 * The pack as `pulumi policy publish` ships it: the CLI packs policy-pack/ alone (npm pack) and, where the pack
 * is enforced, extracts the tarball and installs the dependencies its package.json declares. This test does the
 * same offline: `npm pack` into a temporary folder, extract, install the declared dependencies, then load every
 * rule from there in a process of its own (loadInstalledPack.cjs) and check that nothing a pack file imports
 * resolves outside the installed folder.
 *
 * Installing: each declared dependency is linked from the project's node_modules into the installed pack's own
 * node_modules, after checking that the project has exactly the pinned version. `npm install --offline` would
 * need the whole tree of @pulumi/pulumi in the npm cache and take far longer; the link gives the installed pack
 * exactly its declared packages at their pinned versions and nothing else, so an undeclared import fails to
 * resolve (Node looks in the installed folder's node_modules and its parents, never in this project).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { builtinModules } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { policies } from "../../policy-pack/policies";
import { PROJECT_DIR } from "../helpers/plan";

const SOURCE = path.join(PROJECT_DIR, "policy-pack");

interface PackageJson {
    readonly name: string;
    readonly main?: string;
    readonly dependencies?: Readonly<Record<string, string>>;
}

interface Loaded {
    readonly configErrors: string[];
    readonly typescript?: string;
    readonly policies?: { name: string; enforcementLevel: string; kind: string }[];
    readonly resolutions?: { from: string; request: string; resolved: string }[];
    readonly typeErrors?: string[];
    readonly typeFiles?: string[];
}

interface Installed {
    readonly tmp: string;
    readonly packDir: string;
    readonly packed: string[];
    readonly manifest: PackageJson;
    readonly loaded: Loaded;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(file, "utf8")) as T;

/** The npm package a bare specifier names: "@scope/name/sub" -> "@scope/name", "name/sub" -> "name". */
const packageOf = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");
const isBuiltin = (specifier: string) => specifier.startsWith("node:") || builtinModules.includes(specifier);
const inside = (dir: string, file: string) => file === dir || file.startsWith(dir + path.sep);

/**
 * What the pack's files import that a published pack could not load: a relative import leaving the pack's
 * directory (../components, ../stacks, ../tools...) or naming a file that is not in it, and a package its
 * package.json does not declare.
 */
export function importProblems(files: readonly { file: string; text: string }[], packed: readonly string[], packDir: string, declared: readonly string[]): string[] {
    const present = new Set(packed.map((f) => path.resolve(packDir, f)));
    const problems: string[] = [];
    for (const { file, text } of files) {
        for (const { fileName: specifier } of ts.preProcessFile(text, true, true).importedFiles) {
            if (specifier.startsWith(".")) {
                const target = path.resolve(packDir, path.dirname(file), specifier);
                if (!inside(packDir, target)) problems.push(`${file}: "${specifier}" is outside the pack`);
                else if (![target, `${target}.ts`, `${target}.json`, path.join(target, "index.ts")].some((t) => present.has(t))) problems.push(`${file}: "${specifier}" is not packed`);
            } else if (!isBuiltin(specifier) && !declared.includes(packageOf(specifier))) {
                problems.push(`${file}: "${specifier}" is not a dependency in package.json`);
            }
        }
    }
    return problems;
}

function publishAndInstall(): Installed {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-published-pack-")));
    // What `pulumi policy publish` uploads: npm pack of the pack's directory, nothing from around it.
    const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tmp], { cwd: SOURCE, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const [result] = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
    execFileSync("tar", ["-xzf", path.join(tmp, result.filename), "-C", tmp]);
    const packDir = path.join(tmp, "package");
    const manifest = readJson<PackageJson>(path.join(packDir, "package.json"));
    for (const [name, version] of Object.entries(manifest.dependencies ?? {})) {
        const from = path.join(PROJECT_DIR, "node_modules", name);
        const have = readJson<{ version: string }>(path.join(from, "package.json")).version.replace(/^v/, "");
        if (have !== version) throw new Error(`${name}: the project has ${have}, the pack pins ${version}; run npm ci`);
        const to = path.join(packDir, "node_modules", name);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.symlinkSync(from, to, "dir");
    }
    const loaded = JSON.parse(
        execFileSync(process.execPath, [path.join(__dirname, "loadInstalledPack.cjs"), packDir], { cwd: packDir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }),
    ) as Loaded;
    return { tmp, packDir, packed: result.files.map((f) => f.path).sort(), manifest, loaded };
}

describe("the published pack: policy-pack/ packed alone and installed with its declared dependencies", () => {
    let installed: Installed;
    beforeAll(() => {
        installed = publishAndInstall();
    }, 60_000);
    afterAll(() => {
        if (installed) fs.rmSync(installed.tmp, { recursive: true, force: true });
    });

    it("packs what the launcher and the CLI read: PulumiPolicy.yaml, package.json and its main, tsconfig.json, every rule, the data and configs", () => {
        const { packed, manifest } = installed;
        const sourceTs = (dir: string) => fs.readdirSync(path.join(SOURCE, dir)).filter((f) => /\.(ts|json)$/.test(f)).map((f) => `${dir}/${f}`);
        expect(packed).toEqual(expect.arrayContaining(["PulumiPolicy.yaml", "package.json", "tsconfig.json", "index.ts", manifest.main ?? "index.js"]));
        for (const dir of ["policies", "lib", "contracts", "data", "config"]) expect(packed).toEqual(expect.arrayContaining(sourceTs(dir)));
        expect(fs.readFileSync(path.join(installed.packDir, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
        expect(manifest.main).toBe("index.ts");
    });

    it("declares @pulumi/policy, @pulumi/pulumi and typescript, pinned to the versions of the project's package-lock.json", () => {
        const lock = readJson<{ packages: Record<string, { version: string }> }>(path.join(PROJECT_DIR, "package-lock.json"));
        const deps = installed.manifest.dependencies ?? {};
        expect(Object.keys(deps).sort()).toEqual(["@pulumi/policy", "@pulumi/pulumi", "typescript"]);
        for (const [name, version] of Object.entries(deps)) expect(version, name).toBe(lock.packages[`node_modules/${name}`].version);
    });

    it("imports nothing outside its directory and only packages it declares", () => {
        const { packDir, packed, manifest } = installed;
        const files = packed.filter((f) => f.endsWith(".ts")).map((file) => ({ file, text: fs.readFileSync(path.join(packDir, file), "utf8") }));
        expect(files.length).toBeGreaterThan(30);
        expect(importProblems(files, packed, packDir, Object.keys(manifest.dependencies ?? {}))).toEqual([]);
    });

    it("the import check catches a pack file reaching into the program (../components, ../stacks) or an undeclared package", () => {
        const files = [
            { file: "policies/a.ts", text: 'import { TIER_LABEL } from "../../components/labels";\nimport { policies } from "./index";' },
            { file: "lib/b.ts", text: 'export { RESIDENCY_ZONES } from "../../stacks/config/residency";\nconst z = require("zod");' },
            { file: "policies/index.ts", text: 'import type { PolicyPack } from "@pulumi/policy";\nimport * as fs from "node:fs";' },
        ];
        expect(importProblems(files, files.map((f) => f.file), "/pack", ["@pulumi/policy"])).toEqual([
            'policies/a.ts: "../../components/labels" is outside the pack',
            'lib/b.ts: "../../stacks/config/residency" is outside the pack',
            'lib/b.ts: "zod" is not a dependency in package.json',
        ]);
    });

    it("loads every rule from the installed folder, with the declared TypeScript and the pack's own tsconfig", () => {
        const { loaded } = installed;
        expect(loaded.configErrors).toEqual([]);
        expect(loaded.typescript).toBe(installed.manifest.dependencies?.typescript);
        const expected = policies.map((p) => ({ name: p.name, enforcementLevel: p.enforcementLevel, kind: "validateStack" in p ? "stack" : "resource" }));
        expect(loaded.policies).toEqual(expected);
        expect(loaded.policies).toHaveLength(30);
    });

    it("resolves every module a pack file loads inside the installed folder: its own files, or its node_modules", () => {
        const { packDir, loaded, manifest } = installed;
        const resolutions = loaded.resolutions ?? [];
        expect(resolutions.length).toBeGreaterThan(30);
        const declared = Object.keys(manifest.dependencies ?? {});
        const outside = resolutions.filter(({ request, resolved }) => {
            if (request.startsWith(".") || path.isAbsolute(request)) return !inside(packDir, resolved) || inside(path.join(packDir, "node_modules"), resolved);
            if (isBuiltin(request)) return false;
            const name = packageOf(request);
            const link = path.join(packDir, "node_modules", name);
            return !declared.includes(name) || !fs.lstatSync(link, { throwIfNoEntry: false }) || !inside(fs.realpathSync(link), resolved);
        });
        expect(outside).toEqual([]);
        expect(resolutions.map((r) => r.request)).toContain("@pulumi/policy");
    });

    it("type-checks alone, as the launcher's ts-node does: no errors, and no file read from outside the pack but installed packages", () => {
        const { packDir, loaded } = installed;
        expect(loaded.typeErrors).toEqual([]);
        // The declared packages are links into the project's node_modules, and their own dependencies resolve from there.
        const strays = (loaded.typeFiles ?? []).map((f) => path.resolve(f)).filter((f) => !inside(packDir, f) && !f.split(path.sep).includes("node_modules"));
        expect(strays).toEqual([]);
        expect((loaded.typeFiles ?? []).filter((f) => inside(packDir, f) && !f.includes(`${path.sep}node_modules${path.sep}`)).length).toBeGreaterThan(30);
    });
});
