import { describe, expect, it } from "vitest";
import { cachedImage, cachedRepositoryName, chartImage, parseImageReference, registryHost } from "../../../components/registry/images";

const D = `sha256:${"ab".repeat(32)}`;
const parsed = (ref: string) => {
    const r = parseImageReference(ref);
    if (typeof r === "string") throw new Error(r);
    return r;
};

describe("parseImageReference", () => {
    it("reads a Docker Hub official image as library/<name>, with its tag and digest", () => {
        expect(parseImageReference(`neo4j:5.26.1-enterprise@${D}`)).toEqual({ host: undefined, repository: "library/neo4j", tag: "5.26.1-enterprise", digest: D });
    });
    it("reads an ECR Public image with its host and path", () => {
        expect(parseImageReference(`public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1@${D}`)).toEqual({ host: "public.ecr.aws", repository: "eks/aws-load-balancer-controller", tag: "v2.17.1", digest: D });
    });
    it("refuses a tag-only reference: a tag can be moved", () => {
        expect(parseImageReference("neo4j:5.26.1-enterprise")).toBe('"neo4j:5.26.1-enterprise" is not pinned by digest: add @sha256:<64 hex> (a tag can be moved to other content)');
    });
    it("refuses a short or uppercase digest", () => {
        expect(parseImageReference("neo4j@sha256:abc")).toBe('"neo4j@sha256:abc" has no valid digest: sha256: and 64 lowercase hex digits');
        expect(parseImageReference(`neo4j@sha256:${"AB".repeat(32)}`)).toContain("has no valid digest");
    });
});

describe("the image a region runs", () => {
    const host = registryHost("123456789012", "us-east-1");
    it("comes from the region's own registry under the cache rule's prefix, same tag and digest", () => {
        expect(host).toBe("123456789012.dkr.ecr.us-east-1.amazonaws.com");
        expect(cachedImage(parsed(`neo4j:5.26.1-enterprise@${D}`), host)).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/docker-hub/library/neo4j:5.26.1-enterprise@${D}`);
        expect(cachedRepositoryName(parsed(`public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1@${D}`))).toBe("ecr-public/eks/aws-load-balancer-controller");
    });
    it("carries the digest in a chart's tag, which the chart renders after the repository and a colon", () => {
        expect(chartImage(parsed(`public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1@${D}`), host)).toEqual({
            repository: "123456789012.dkr.ecr.us-east-1.amazonaws.com/ecr-public/eks/aws-load-balancer-controller",
            tag: `v2.17.1@${D}`,
        });
    });
    it("has no cache for another registry", () => {
        expect(() => cachedRepositoryName(parsed(`ghcr.io/org/app:1@${D}`))).toThrow("no pull-through cache rule for registry ghcr.io");
    });
});
