import * as pulumi from "@pulumi/pulumi";
import type { StackOutputs } from "./outputs";

export type OutputKey = keyof StackOutputs;

export interface StackLink<K extends OutputKey, S extends OutputKey> {
    /** The fully qualified name the StackReference reads (org/project/stack). */
    readonly stackName: string;
    readonly reference: pulumi.StackReference;
    readonly values: Pick<StackOutputs, K>;
    /** Secret Outputs, never plain values. */
    readonly secrets: Readonly<Record<S, pulumi.Output<string>>>;
}

/** `us-west-2` -> `<org>/intelgraph/us-west-2`; a fully qualified name is used as written. */
export function referenceName(stack: string): string {
    return stack.includes("/") ? stack : `${pulumi.getOrganization()}/${pulumi.getProject()}/${stack}`;
}

/**
 * Reads another stack's outputs before anything is created, and refuses (naming the stack file, the key
 * that names the stack and every missing output) when the stack has not been deployed far enough. Secret
 * outputs are checked for presence but stay secret Outputs end to end.
 */
export async function readStack<K extends OutputKey, S extends OutputKey>(
    where: { readonly file: string; readonly key: string; readonly why: string },
    stack: string,
    keys: readonly K[],
    secretKeys: readonly S[] = [],
): Promise<StackLink<K, S>> {
    const stackName = referenceName(stack);
    const reference = new pulumi.StackReference(stackName);
    const required: OutputKey[] = [...keys, ...secretKeys];
    const details = await Promise.all(required.map((k) => reference.getOutputDetails(k)));
    const missing = required.filter((_, i) => details[i].value === undefined && details[i].secretValue === undefined);
    if (missing.length) {
        throw new Error(`${where.file}: ${where.key} "${stack}" (${stackName}) has no output(s) ${missing.join(", ")}; deploy that stack first (pulumi up -s ${stack}): ${where.why}`);
    }
    const values = Object.fromEntries(keys.map((k, i) => [k, details[i].value ?? details[i].secretValue])) as Pick<StackOutputs, K>;
    const secrets = Object.fromEntries(secretKeys.map((k) => [k, pulumi.secret(reference.getOutput(k)) as pulumi.Output<string>])) as Record<S, pulumi.Output<string>>;
    return { stackName, reference, values, secrets };
}
