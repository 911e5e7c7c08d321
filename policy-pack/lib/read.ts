/**
 * Reading resource properties the way a rule must at first preview: a value may be unknown, and
 * @pulumi/policy's proxy throws UnknownValueError when a rule touches one. `read` turns that into an
 * explicit UNKNOWN so a rule can fall back to resource relationships (propertyDependencies) instead of
 * being silently downgraded to "can't run during preview".
 */
import { UnknownValueError } from "@pulumi/policy";

export const UNKNOWN_VALUE = Symbol("unknown at preview");
export type Known<T> = T | typeof UNKNOWN_VALUE | undefined;

/** The sentinel the engine sends for unknown values (also what plan reports carry). */
const UNKNOWN_SENTINELS = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bafd-ae4f6a7f1f2a",
]);

export function read<T = unknown>(get: () => T): Known<T> {
    try {
        const v = get();
        return typeof v === "string" && UNKNOWN_SENTINELS.has(v) ? UNKNOWN_VALUE : v;
    } catch (e) {
        if (e instanceof UnknownValueError) return UNKNOWN_VALUE;
        throw e;
    }
}

export const isUnknown = (v: unknown): v is typeof UNKNOWN_VALUE => v === UNKNOWN_VALUE;

/** A property path for messages and lookups: ["blockDeviceMappings", 0, "ebs", "kmsKeyId"] -> blockDeviceMappings[0].ebs.kmsKeyId */
export function pathText(path: readonly (string | number)[]): string {
    return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

/** Reads a nested property, UNKNOWN as soon as any step is unknown. */
export function readPath(props: Record<string, unknown>, path: readonly (string | number)[]): Known<unknown> {
    return read(() => path.reduce<unknown>((v, k) => (v === undefined || v === null ? undefined : (v as Record<string | number, unknown>)[k]), props));
}

/** How a value shows in a violation message: stable, no secrets (rules never read secret-bearing properties). */
export function show(v: unknown): string {
    if (isUnknown(v)) return "unknown until deploy";
    if (v === undefined) return "not set";
    if (typeof v === "string") return JSON.stringify(v);
    return JSON.stringify(v);
}
