/**
 * A copy of the project in a temporary folder, for tests that change stack files: the project and stack files
 * and the policy configs are copied (and may be changed), the program's source is linked, so the offline engine
 * runs the real program from Pulumi.yaml's `main` against the changed files.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PROJECT_DIR } from "./plan";

const PROGRAM_DIRS = ["stacks", "components", "policy-pack"];

/** `extra` adds files (relative paths, e.g. a new Pulumi.<stack>.yaml and its policy-pack/config/<stack>.json). */
export function projectCopy(change?: (file: string, text: string) => string, extra: Readonly<Record<string, string>> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-project-"));
    for (const f of fs.readdirSync(PROJECT_DIR).filter((f) => /^Pulumi(\..+)?\.yaml$/.test(f))) {
        const text = fs.readFileSync(path.join(PROJECT_DIR, f), "utf8");
        fs.writeFileSync(path.join(dir, f), change ? change(f, text) : text);
    }
    for (const d of PROGRAM_DIRS.filter((d) => d !== "policy-pack")) fs.symlinkSync(path.join(PROJECT_DIR, d), path.join(dir, d), "dir");
    fs.cpSync(path.join(PROJECT_DIR, "policy-pack", "config"), path.join(dir, "policy-pack", "config"), { recursive: true });
    for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), text);
    return dir;
}
