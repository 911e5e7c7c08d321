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

/** Plain JS value of a wire value, secrets unwrapped (for answering a StackReference, or asserting in tests). */
export function unwrapWire(v: WireValue): unknown {
    if (isSecret(v)) return unwrapWire((v as { value: WireValue }).value);
    if (Array.isArray(v)) return v.map(unwrapWire);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrapWire(x)]));
    return v;
}
