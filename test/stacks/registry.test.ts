/** Each region runs every image from its own ECR, by digest (the planned stacks). */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../tools/offline/engine";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});
const DIGEST = `sha256:${"0".repeat(64)}`;

describe.each([
    ["us-west-2", "123456789012"],
    ["us-east-1", "123456789012"],
    ["staging-us-east-1", "210987654321"],
] as const)("%s", (stack, account) => {
    const s = () => mustGet(stacks, stack);
    const region = () => String(s().outputs.region);
    const registry = () => `${account}.dkr.ecr.${region()}.amazonaws.com`;

    it("has a pull-through cache of Docker Hub (with the stack file's secret of its own region) and of ECR Public, in its own region", () => {
        const rules = ofType(s(), "aws:ecr/pullThroughCacheRule:PullThroughCacheRule");
        expect(rules.map((r) => inputsOf(r)).sort((a, b) => String(a.ecrRepositoryPrefix).localeCompare(String(b.ecrRepositoryPrefix)))).toEqual([
            { ecrRepositoryPrefix: "docker-hub", upstreamRegistryUrl: "registry-1.docker.io", credentialArn: `arn:aws:secretsmanager:${region()}:${account}:secret:ecr-pullthroughcache/docker-hub-IntLgr` },
            { ecrRepositoryPrefix: "ecr-public", upstreamRegistryUrl: "public.ecr.aws" },
        ]);
        for (const r of rules) expect(providerRegion(s(), r)).toBe(region());
    });

    it("keeps the repositories of the images it runs, encrypted with its own key", () => {
        const key = outputsOf(one(s(), "aws:kms/key:Key")).arn;
        const repos = ofType(s(), "aws:ecr/repository:Repository");
        expect(repos.map((r) => inputsOf(r).name).sort()).toEqual(["docker-hub/library/neo4j", "ecr-public/aws-cli/aws-cli", "ecr-public/eks/aws-load-balancer-controller"]);
        for (const r of repos) expect(inputsOf(r).encryptionConfigurations).toEqual([{ encryptionType: "KMS", kmsKey: key }]);
    });

    it("runs every Neo4j server, the backup job and the verification job from its own registry by digest, after the cache exists", () => {
        const image = `${registry()}/docker-hub/library/neo4j:5.26.1-enterprise@${DIGEST}`;
        const sets = ofType(s(), "kubernetes:apps/v1:StatefulSet");
        expect(sets.length).toBe(3);
        const repo = one(s(), "aws:ecr/repository:Repository", "registry-docker-hub-library-neo4j").urn;
        for (const set of sets) {
            const spec = inputsOf(set).spec as { template: { spec: { containers: { image: string }[] } } };
            expect(spec.template.spec.containers.map((c) => c.image)).toEqual([image]);
            expect(set.dependencies).toContain(repo);
        }
        const pods = new Map(
            ofType(s(), "kubernetes:batch/v1:CronJob").map((job) => {
                const spec = inputsOf(job).spec as { jobTemplate: { spec: { template: { spec: { containers: { name: string; image: string }[]; initContainers?: { name: string; image: string }[] } } } } };
                const pod = spec.jobTemplate.spec.template.spec;
                return [job.name, [...(pod.initContainers ?? []), ...pod.containers].map((c) => [c.name, c.image])];
            }),
        );
        const cli = `${registry()}/ecr-public/aws-cli/aws-cli:2.27.0@${DIGEST}`;
        expect(pods.get("neo4j-backup")).toEqual([["backup", image]]);
        expect(pods.get("neo4j-verification-job")).toEqual([
            ["fetch", cli],
            ["verify", image],
            ["report", cli],
        ]);
        expect(ofType(s(), "aws:ecr/repository:Repository").map((r) => inputsOf(r).name)).toContain("ecr-public/aws-cli/aws-cli");
    });
});
