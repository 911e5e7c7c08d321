/**
 * Image references (pure): the stack files name each image as its upstream publishes it, pinned by digest; the
 * program runs it from this region's ECR pull-through cache under the same digest. A pull-through cache keeps the
 * upstream repository path under the rule's prefix, Docker Hub official images under `library/` (Amazon ECR User
 * Guide, "Pulling an image with a pull through cache rule in Amazon ECR").
 */

/** An upstream registry this platform caches, by the pull-through cache rule's prefix. */
export interface Upstream {
    /** ECR repository prefix of the rule (2-30 characters, lowercase: CloudFormation AWS::ECR::PullThroughCacheRule). */
    readonly prefix: string;
    /** Registry URL the rule names (CreatePullThroughCacheRule, upstreamRegistryUrl). */
    readonly registryUrl: string;
    /** How an image of this upstream is written in a stack file (its host, none for Docker Hub). */
    readonly referenceHost: string | undefined;
    /** Docker Hub requires credentials in a Secrets Manager secret whose name starts ecr-pullthroughcache/; ECR Public needs none. */
    readonly needsCredentials: boolean;
}

export const UPSTREAMS = {
    dockerHub: { prefix: "docker-hub", registryUrl: "registry-1.docker.io", referenceHost: undefined, needsCredentials: true },
    ecrPublic: { prefix: "ecr-public", registryUrl: "public.ecr.aws", referenceHost: "public.ecr.aws", needsCredentials: false },
} as const satisfies Record<string, Upstream>;

export interface ImageReference {
    /** The registry host, undefined for Docker Hub. */
    readonly host: string | undefined;
    /** Repository path as the registry serves it (`library/neo4j` for a Docker Hub official image). */
    readonly repository: string;
    readonly tag: string | undefined;
    /** sha256:<64 hex>. */
    readonly digest: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PATH = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;

/** Parses `[host/]path[:tag]@sha256:<hex>`; a reference without a digest is refused (a tag can be moved). */
export function parseImageReference(ref: string): ImageReference | string {
    const at = ref.indexOf("@");
    if (at < 0) return `${JSON.stringify(ref)} is not pinned by digest: add @sha256:<64 hex> (a tag can be moved to other content)`;
    const digest = ref.slice(at + 1);
    if (!DIGEST.test(digest)) return `${JSON.stringify(ref)} has no valid digest: sha256: and 64 lowercase hex digits`;
    let name = ref.slice(0, at);
    let tag: string | undefined;
    const colon = name.lastIndexOf(":");
    if (colon > name.lastIndexOf("/")) {
        tag = name.slice(colon + 1);
        name = name.slice(0, colon);
        if (!TAG.test(tag)) return `${JSON.stringify(ref)} has an invalid tag ${JSON.stringify(tag)}`;
    }
    const first = name.split("/")[0];
    const host = name.includes("/") && (first.includes(".") || first.includes(":")) ? first : undefined;
    let repository = host ? name.slice(host.length + 1) : name;
    if (!host && !repository.includes("/")) repository = `library/${repository}`;
    if (!PATH.test(repository)) return `${JSON.stringify(ref)} has an invalid repository path ${JSON.stringify(repository)}`;
    return { host, repository, tag, digest };
}

/** The upstream a reference comes from, or undefined when no cache rule covers it. */
export function upstreamOf(ref: ImageReference): Upstream | undefined {
    return Object.values(UPSTREAMS).find((u) => u.referenceHost === ref.host);
}

/** The cached repository's name in this registry: `<prefix>/<upstream path>`. */
export function cachedRepositoryName(ref: ImageReference): string {
    const upstream = upstreamOf(ref);
    if (!upstream) throw new Error(`no pull-through cache rule for registry ${ref.host ?? "docker.io"}`);
    return `${upstream.prefix}/${ref.repository}`;
}

/** The image as this region runs it: from its own ECR registry, same tag and digest. */
export function cachedImage(ref: ImageReference, registryHost: string): string {
    return `${registryHost}/${cachedRepositoryName(ref)}${ref.tag ? `:${ref.tag}` : ""}@${ref.digest}`;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com` (Amazon ECR User Guide, "Amazon ECR private registry"). */
/** An image run from an ECR registry (the region's own, by cachedImage) and pinned by digest. */
export const isEcrPinned = (image: string): boolean => /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\/.+@sha256:[0-9a-f]{64}$/.test(image);

export const registryHost = (accountId: string, region: string): string => `${accountId}.dkr.ecr.${region}.amazonaws.com`;

/**
 * The image as a Helm chart that renders `"<repository>:<tag>"` takes it (eks-charts aws-load-balancer-controller,
 * templates/deployment.yaml): the digest rides in the tag, so the rendered reference is `repo:tag@sha256:...`.
 */
export function chartImage(ref: ImageReference, registryHost: string): { readonly repository: string; readonly tag: string } {
    if (!ref.tag) throw new Error(`a chart's image needs a tag before its digest, got ${ref.repository}@${ref.digest}`);
    return { repository: `${registryHost}/${cachedRepositoryName(ref)}`, tag: `${ref.tag}@${ref.digest}` };
}
