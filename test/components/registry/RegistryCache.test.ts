import { describe, expect, it } from "vitest";
import { RegistryCache, type RegistryCacheArgs } from "../../../components/registry/RegistryCache";
import { parseImageReference } from "../../../components/registry/images";
import { expectRefused, planComponent } from "../../helpers/component";

const D = `sha256:${"cd".repeat(32)}`;
const ref = (r: string) => {
    const p = parseImageReference(r);
    if (typeof p === "string") throw new Error(p);
    return p;
};
const KEY = "arn:aws:kms:eu-west-1:210987654321:key/test";
const SECRET = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:ecr-pullthroughcache/docker-hub-AbCdEf";
const args: RegistryCacheArgs = {
    region: "eu-west-1",
    accountId: "210987654321",
    partition: "aws",
    kmsKeyArn: KEY,
    dockerHubCredentialArn: SECRET,
    images: [ref(`neo4j:5.26.1-enterprise@${D}`), ref(`public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1@${D}`), ref(`neo4j:5.26.2-enterprise@${D}`)],
    namePrefix: "intelgraph-test",
};
const build = (over: Partial<RegistryCacheArgs> = {}) => planComponent(({ onRegion }) => new RegistryCache("registry", { ...args, ...over }, onRegion), { region: "eu-west-1" });

describe("RegistryCache with its own args", () => {
    it("caches Docker Hub with the out-of-band credentials secret and ECR Public without any, in the region", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const rules = new Map(p.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => [r.name, p.inputs(r.type, r.name)]));
        expect(rules.get("registry-docker-hub")).toEqual({ ecrRepositoryPrefix: "docker-hub", upstreamRegistryUrl: "registry-1.docker.io", credentialArn: SECRET });
        expect(rules.get("registry-ecr-public")).toEqual({ ecrRepositoryPrefix: "ecr-public", upstreamRegistryUrl: "public.ecr.aws" });
        for (const r of p.ofType("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")) expect(p.regionOf(r)).toBe("eu-west-1");
    });

    it("creates the workloads' repositories once each, encrypted with the region's key, protected", async () => {
        const p = await build();
        const repos = p.ofType("aws:ecr/repository:Repository");
        expect(repos.map((r) => p.inputs(r.type, r.name).name).sort()).toEqual(["docker-hub/library/neo4j", "ecr-public/eks/aws-load-balancer-controller"]);
        for (const r of repos) {
            expect(r.protect).toBe(true);
            expect(p.inputs(r.type, r.name)).toMatchObject({ encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }], forceDelete: false });
        }
    });

    it("makes ECR encrypt any repository it creates for a cache with the region's key, through a role ECR assumes with the documented permissions", async () => {
        const p = await build();
        const templates = p.ofType("aws:ecr/repositoryCreationTemplate:RepositoryCreationTemplate").map((t) => p.inputs(t.type, t.name));
        const role = p.one("aws:iam/role:Role");
        expect(templates.map((t) => t.prefix).sort()).toEqual(["docker-hub", "ecr-public"]);
        for (const t of templates) expect(t).toMatchObject({ appliedFors: ["PULL_THROUGH_CACHE"], encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY }], customRoleArn: p.outputs(role.type).arn });
        expect(JSON.parse(String(p.inputs(role.type).assumeRolePolicy))).toEqual({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecr.amazonaws.com" }, Action: "sts:AssumeRole" }] });
        const policy = JSON.parse(String(p.inputs("aws:iam/rolePolicy:RolePolicy").policy)) as { Statement: { Action: string[]; Resource: string }[] };
        expect(policy.Statement).toEqual([
            { Effect: "Allow", Action: ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"], Resource: "arn:aws:ecr:eu-west-1:210987654321:repository/*" },
            { Effect: "Allow", Action: ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"], Resource: KEY },
        ]);
    });

    it.each<[string, Partial<RegistryCacheArgs>, string]>([
        [
            "a secret of another region",
            { dockerHubCredentialArn: SECRET.replace("eu-west-1", "eu-central-1") },
            `dockerHubCredentialArn must be a Secrets Manager secret named ecr-pullthroughcache/... in eu-west-1 of account 210987654321 (the pull-through cache rule's own account and region), got "${SECRET.replace("eu-west-1", "eu-central-1")}"`,
        ],
        [
            "a secret without the ecr-pullthroughcache/ prefix",
            { dockerHubCredentialArn: "arn:aws:secretsmanager:eu-west-1:210987654321:secret:docker-hub-AbCdEf" },
            'dockerHubCredentialArn must be a Secrets Manager secret named ecr-pullthroughcache/... in eu-west-1 of account 210987654321 (the pull-through cache rule\'s own account and region), got "arn:aws:secretsmanager:eu-west-1:210987654321:secret:docker-hub-AbCdEf"',
        ],
        ["an image of an uncached registry", { images: [ref(`ghcr.io/org/app:1@${D}`)] }, "images must come from Docker Hub or public.ecr.aws (the cached upstreams), got one from ghcr.io"],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), RegistryCache, `RegistryCache 'registry': ${problem}`);
    });
});
