/**
 * The parse every non-regional stack file shares (interconnect, billing): its own key set, unknown keys (a
 * region's among them) reported with what the file may set, JSON-encoded keys decoded, and every problem of
 * every key at once, before the caller adds its cross-key rules.
 */
import { z } from "zod";
import { type ConfigProblem, objectKeysAt, unknownKeyProblems } from "./schema";

export interface KeyedParse<T> {
    readonly file: string;
    /** The parsed keys when they all parsed; otherwise undefined, and `problems` says why. */
    readonly data: T | undefined;
    /** Problems so far; the caller appends its cross-key ones and throws ConfigError if any. */
    readonly problems: ConfigProblem[];
}

export function parseKeyed<S extends z.ZodRawShape>(
    stack: string,
    config: Readonly<Record<string, string | undefined>>,
    keys: S,
    jsonKeys: readonly (keyof S & string)[],
    /** Why aws:region is not a key of this kind of stack. */
    regionAllowed: string,
): KeyedParse<z.infer<z.ZodObject<S>>> {
    const file = `Pulumi.${stack}.yaml`;
    const known = Object.keys(keys);
    const problems: ConfigProblem[] = unknownKeyProblems(file, config, known).map((p) => (p.key === "aws:region" ? { ...p, allowed: regionAllowed } : p));
    const values: Record<string, unknown> = {};
    for (const key of known) {
        const text = config[key];
        values[key] = text;
        if (text !== undefined && (jsonKeys as readonly string[]).includes(key)) {
            try {
                values[key] = JSON.parse(text);
            } catch {
                // reported as the wrong type below
            }
        }
    }
    const schema = z.object(keys);
    const parsed = schema.safeParse(values);
    if (parsed.success) return { file, data: parsed.data, problems };
    const at = (path: readonly PropertyKey[]) => path.slice(1).reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), values[String(path[0])]);
    const seen = new Set<string>();
    for (const issue of parsed.error.issues) {
        if (issue.code === "unrecognized_keys") {
            const parent = issue.path.map(String).join(".");
            const fields = objectKeysAt(schema, issue.path);
            for (const k of issue.keys) problems.push({ file, key: `${parent}.${k}`, value: at([...issue.path, k]), allowed: `no such key in ${parent}; its keys are ${fields.join(", ")}` });
            continue;
        }
        const key = issue.path.map(String).join(".");
        if (seen.has(key)) continue;
        seen.add(key);
        problems.push({ file, key, value: at(issue.path), allowed: issue.message });
    }
    return { file, data: undefined, problems };
}
