/**
 * Reads the project and stack files the way the Pulumi CLI hands them to the language host: stack values
 * from Pulumi.<stack>.yaml (objects JSON-encoded, scalars as written), then Pulumi.yaml project defaults
 * where the stack file has no value. `secure:` values cannot be decrypted offline and are reported, not guessed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as YAML from "yaml";

export interface ProjectFile {
    readonly name: string;
    readonly dir: string;
    readonly main?: string;
    readonly config: Readonly<Record<string, unknown>>;
}

export interface StackFile {
    readonly stack: string;
    readonly file: string;
    /** `ns:key` -> the string the program sees through pulumi.Config#get. */
    readonly config: Readonly<Record<string, string>>;
    /** Keys holding `secure:` ciphertext that only the Pulumi CLI can decrypt. */
    readonly encryptedKeys: readonly string[];
}

export class ProjectFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ProjectFileError";
    }
}

export function loadProject(dir: string): ProjectFile {
    const file = path.join(dir, "Pulumi.yaml");
    if (!fs.existsSync(file)) throw new ProjectFileError(`no Pulumi.yaml in ${dir}`);
    const doc = YAML.parse(fs.readFileSync(file, "utf8")) as { name?: unknown; main?: unknown; config?: Record<string, unknown> } | null;
    if (!doc || typeof doc.name !== "string") throw new ProjectFileError(`${file}: 'name' is missing`);
    return { name: doc.name, dir, main: typeof doc.main === "string" ? doc.main : undefined, config: doc.config ?? {} };
}

/** Stack names that have a Pulumi.<stack>.yaml beside Pulumi.yaml. */
export function listStacks(project: ProjectFile): string[] {
    return fs
        .readdirSync(project.dir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

function sortKeys(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    return v;
}

const isSecure = (v: unknown): boolean =>
    !!v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { secure?: unknown }).secure === "string";

function containsSecure(v: unknown): boolean {
    if (isSecure(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecure);
    if (v && typeof v === "object") return Object.values(v).some(containsSecure);
    return false;
}

function toConfigString(value: unknown, text: unknown): string {
    if (value === null || value === undefined) return "";
    if (typeof value === "object") return JSON.stringify(sortKeys(value));
    // Scalars reach the program as written in YAML (e.g. `1.10` stays "1.10", not "1.1").
    return typeof text === "string" ? text : String(value);
}

export function loadStackFile(project: ProjectFile, stack: string): StackFile {
    const file = path.join(project.dir, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new ProjectFileError(`no stack file Pulumi.${stack}.yaml in ${project.dir}`);
    const text = fs.readFileSync(file, "utf8");
    let doc: { config?: Record<string, unknown> } | null;
    let docText: { config?: Record<string, unknown> } | null;
    try {
        doc = YAML.parse(text);
        docText = YAML.parse(text, { schema: "failsafe" });
    } catch (e) {
        throw new ProjectFileError(`Pulumi.${stack}.yaml is not valid YAML: ${(e as Error).message}`);
    }
    const raw = doc?.config ?? {};
    const rawText = docText?.config ?? {};
    const config: Record<string, string> = {};
    const encryptedKeys: string[] = [];
    for (const [k, v] of Object.entries(raw)) {
        if (!k.includes(":")) throw new ProjectFileError(`Pulumi.${stack}.yaml: config key '${k}' must be <namespace>:<name>`);
        if (containsSecure(v)) {
            encryptedKeys.push(k);
            continue;
        }
        config[k] = toConfigString(v, rawText[k]);
    }
    for (const [k, v] of Object.entries(project.config)) {
        const key = k.includes(":") ? k : `${project.name}:${k}`;
        if (key in config || encryptedKeys.includes(key)) continue;
        let def: unknown;
        if (v === null || typeof v !== "object" || Array.isArray(v)) def = v;
        else if ("default" in v) def = (v as { default: unknown }).default;
        else if ("value" in v) def = (v as { value: unknown }).value;
        if (def !== undefined) config[key] = toConfigString(def, typeof def === "string" ? def : undefined);
    }
    return { stack, file: `Pulumi.${stack}.yaml`, config, encryptedKeys };
}
