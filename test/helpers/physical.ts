/**
 * What an AWS resource is physically, independent of which stack or component declares it: its type, the
 * region its provider deploys to, and its inputs, where every reference to another resource (an id, ARN or
 * other output of it, also when it arrived through a StackReference) is replaced by that resource's own
 * identity. Moving resources between stacks, or renaming components, keeps these identities; changing what
 * AWS would create changes them.
 */
import type { PlannedStack } from "../../tools/offline/engine";
import type { RecordedResource } from "../../tools/offline/monitor";
import { unwrapWire } from "../../tools/offline/wire";

type Planned = { readonly stack: PlannedStack; readonly resource: RecordedResource };

function canonical(v: unknown, resolve: (s: string) => string | undefined): unknown {
    if (typeof v === "string") return resolve(v) ?? v;
    if (Array.isArray(v)) return v.map((x) => canonical(x, resolve));
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k], resolve)]));
    return v;
}

/** Identities of every AWS resource of the given stacks, sorted (a multiset: identical resources repeat). */
export function physicalIdentities(stacks: Iterable<PlannedStack>): string[] {
    const all: Planned[] = [];
    for (const stack of stacks) for (const resource of stack.resources) if (resource.custom && !resource.external) all.push({ stack, resource });
    const aws = all.filter((p) => p.resource.type.startsWith("aws:"));
    // Strings another resource could hold as a reference: ids and the string outputs that look like ids or ARNs.
    const owner = new Map<string, Planned>();
    for (const p of aws) {
        const outputs = unwrapWire(p.resource.outputs) as Record<string, unknown>;
        const refs = [p.resource.id, ...Object.values(outputs).filter((v): v is string => typeof v === "string" && /^(arn:|[a-z]+-[0-9a-f]{8,}$)/.test(v))];
        for (const r of refs) if (r && !owner.has(r)) owner.set(r, p);
    }
    const regionOf = (p: Planned): string => {
        const urn = p.resource.provider.split("::").slice(0, -1).join("::");
        const provider = p.stack.resources.find((r) => r.urn === urn);
        return String((provider ? (unwrapWire(provider.inputs) as Record<string, unknown>).region : undefined) ?? "?");
    };
    const memo = new Map<Planned, string>();
    const identity = (p: Planned, seen: Set<Planned>): string => {
        const known = memo.get(p);
        if (known) return known;
        if (seen.has(p)) return `${p.resource.type}(cycle)`;
        seen.add(p);
        const resolve = (s: string) => {
            const target = owner.get(s);
            return target && target !== p ? `<${identity(target, seen)}>` : undefined;
        };
        const id = `${p.resource.type} ${regionOf(p)} ${JSON.stringify(canonical(unwrapWire(p.resource.inputs), resolve))}`;
        seen.delete(p);
        memo.set(p, id);
        return id;
    };
    return aws.map((p) => identity(p, new Set())).sort();
}
