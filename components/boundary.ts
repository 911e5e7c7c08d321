/**
 * Argument checks at a component's boundary. A component runs them right after `super()`, before it registers
 * any child, and refuses bad arguments with one `pulumi.ResourceError` naming the component and every problem
 * found (the stack config schema checks stack files; these keep the components safe for any other caller).
 */
import * as pulumi from "@pulumi/pulumi";

/** Collects the problems of one component's arguments. */
export class Problems {
    private readonly found: string[] = [];

    add(problem: string): void {
        this.found.push(problem);
    }

    /** Adds `problem` unless `ok`. */
    check(ok: boolean, problem: string): void {
        if (!ok) this.found.push(problem);
    }

    /** Throws `<Type> '<name>': <problem>; <problem>` against the component when any problem was found. */
    throwIfAny(component: pulumi.Resource, type: string, name: string): void {
        if (this.found.length) throw new pulumi.ResourceError(`${type} '${name}': ${this.found.join("; ")}`, component);
    }
}

export const isIntIn = (v: number, min: number, max: number = Number.MAX_SAFE_INTEGER): boolean => Number.isInteger(v) && v >= min && v <= max;

/** Plain strings of the list (Inputs that are outputs are checked by AWS, not here). */
export const knownStrings = (values: readonly pulumi.Input<string>[]): string[] => values.filter((v): v is string => typeof v === "string");

export const duplicatesOf = (values: readonly string[]): string[] => [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];

/** An RFC 1123 label: Kubernetes namespaces and most object names. */
export const isDnsLabel = (v: string, maxLength = 63): boolean => v.length <= maxLength && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v);

/** An RFC 1035 label: Kubernetes Service names (starts with a letter). */
export const isServiceName = (v: string): boolean => v.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(v);

export const isRegion = (v: string): boolean => /^[a-z]{2}(-[a-z]+)+-\d+$/.test(v);

export const isPort = (v: number): boolean => isIntIn(v, 1, 65535);

/** `us-west-2a` -> `us-west-2`; undefined for a name that is not an AZ name. */
export function regionOfZone(az: string): string | undefined {
    return /^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$/.exec(az)?.[1];
}
