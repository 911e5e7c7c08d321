/**
 * Pulumi's wire encoding of property values, and helpers over it. No SDK import here: tests and report
 * readers use it without loading @pulumi/pulumi.
 */

/** Secrets are sig-wrapped objects, unknowns the UNKNOWN string. */
export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };
export type WireProps = Record<string, WireValue>;

export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isSecret(v: WireValue | undefined): boolean {
    return !!v && typeof v === "object" && !Array.isArray(v) && v[SIG_KEY] === SECRET_SIG;
}

/** Whether a secret sits anywhere in the value (the engine lists such an output among a stack's secret outputs). */
export function containsSecret(v: WireValue): boolean {
    if (isSecret(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    return !!v && typeof v === "object" && Object.values(v).some(containsSecret);
}

/** The bag with the given keys marked secret, as the engine marks additionalSecretOutputs and referenced secret outputs. */
export function withSecretKeys(bag: WireProps, keys: readonly string[]): WireProps {
    const out = { ...bag };
    for (const k of keys) if (k in out && !isSecret(out[k])) out[k] = { [SIG_KEY]: SECRET_SIG, value: out[k] };
    return out;
}

/** Plain JS value of a wire value, secrets unwrapped (for answering a StackReference, or asserting in tests). */
export function unwrapWire(v: WireValue): unknown {
    if (isSecret(v)) return unwrapWire((v as { value: WireValue }).value);
    if (Array.isArray(v)) return v.map(unwrapWire);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapWire(x)]));
    return v;
}
