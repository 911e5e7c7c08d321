/** Relationships between a stack's resources, for stack rules that must decide without known values. */
import type { PolicyResource } from "@pulumi/policy";
import { isUnknown, read } from "./read";

export const ofType = (resources: readonly PolicyResource[], type: string) => resources.filter((r) => r.type === type);


/** The resource of `type` a value points at: by a known value matching one of `keys` of its props or its id, else by property dependency. */
export function referencedResource(
    r: PolicyResource,
    property: string,
    value: unknown,
    candidates: readonly PolicyResource[],
    keys: readonly string[],
): PolicyResource | undefined {
    if (typeof value === "string" && !isUnknown(value)) {
        const byValue = candidates.find((c) => keys.some((k) => read(() => c.props[k]) === value));
        if (byValue) return byValue;
    }
    const deps = new Set(r.propertyDependencies[property] ?? []);
    return candidates.find((c) => deps.has(c));
}

/** Outputs of the stack's StackReferences (what a secondary knows about its primary). */
export function stackReferenceOutputs(resources: readonly PolicyResource[]): Record<string, unknown>[] {
    return ofType(resources, "pulumi:pulumi:StackReference")
        .map((r) => read(() => r.props.outputs))
        .filter((o): o is Record<string, unknown> => !!o && typeof o === "object" && !isUnknown(o));
}
