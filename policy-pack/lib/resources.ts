/** Facts about resources that several rules share: region, effective tags, the stack's home region. */
import type { PolicyProviderResource, PolicyResource } from "@pulumi/policy";
import { type Known, UNKNOWN_VALUE, isUnknown, read } from "./read";

interface Located {
    readonly props: Record<string, unknown>;
    readonly provider?: PolicyProviderResource;
}

/** The region a resource is created in: its own `region` input (AWS provider v7), else its provider's region. */
export function regionOf(r: Located): Known<string> {
    const own = read(() => r.props.region);
    if (typeof own === "string" && own) return own;
    if (isUnknown(own)) return own;
    const p = r.provider ? read(() => r.provider!.props.region) : undefined;
    return typeof p === "string" && p ? p : isUnknown(p) ? p : undefined;
}

/** Provider defaultTags arrive as a JSON string (how the engine passes provider config) or as an object. */
export function providerDefaultTags(provider: PolicyProviderResource | undefined): Known<Record<string, string>> {
    if (!provider) return {};
    const raw = read(() => provider.props.defaultTags);
    if (isUnknown(raw)) return raw;
    const parsed = typeof raw === "string" ? (JSON.parse(raw) as unknown) : raw;
    const tags = parsed && typeof parsed === "object" ? (parsed as { tags?: unknown }).tags : undefined;
    return tags && typeof tags === "object" ? (tags as Record<string, string>) : {};
}

/** Provider defaultTags ∪ the resource's own tags (the resource's win, as in AWS's tagsAll). */
export function effectiveTags(r: Located): Known<Record<string, string>> {
    const defaults = providerDefaultTags(r.provider);
    // Spreading touches every tag, so an unknown tag value surfaces here rather than in the rule.
    const own = read(() => ({ ...((r.props.tags as Record<string, string> | undefined) ?? {}) }));
    if (isUnknown(defaults) || isUnknown(own)) return UNKNOWN_VALUE;
    return { ...defaults, ...(own ?? {}) };
}

export const isAws = (type: string) => type.startsWith("aws:");

/**
 * The region a stack deploys to: where most of its AWS resources are. Kubernetes objects have no AWS
 * region of their own; they live in the home region's cluster.
 */
export function homeRegion(resources: readonly PolicyResource[]): string | undefined {
    const counts = new Map<string, number>();
    for (const r of resources) {
        if (!isAws(r.type)) continue;
        const region = regionOf(r);
        if (typeof region === "string") counts.set(region, (counts.get(region) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Region of any resource of a stack: its AWS region, or the home region for Kubernetes objects. */
export function locate(r: PolicyResource, home: string | undefined): string | undefined {
    if (!isAws(r.type)) return home;
    const region = regionOf(r);
    return typeof region === "string" ? region : undefined;
}

/** Region in an ARN (arn:partition:service:region:account:resource); "" for global services. */
export function arnRegion(arn: string): string | undefined {
    const parts = arn.split(":");
    return parts.length >= 6 && parts[0] === "arn" ? parts[3] : undefined;
}
