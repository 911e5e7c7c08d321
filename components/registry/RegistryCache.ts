import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isRegion } from "../boundary";
import { type ImageReference, UPSTREAMS, type Upstream, cachedRepositoryName, upstreamOf } from "./images";

export interface RegistryCacheArgs {
    readonly region: string;
    readonly accountId: string;
    readonly partition: string;
    /** The region's key: every cached repository is encrypted with it. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /**
     * The Docker Hub credentials secret (`ecr-pullthroughcache/...`, same account and region as the rule: Amazon ECR
     * User Guide, "Creating a pull through cache rule"), created out of band before the first deploy.
     */
    readonly dockerHubCredentialArn: string;
    /** The images the workloads run, pinned by digest: their repositories are created here, encrypted, protected. */
    readonly images: readonly ImageReference[];
    readonly namePrefix: string;
}

/**
 * The region's own copy of every image the platform runs: ECR pull-through cache rules for Docker Hub (with
 * credentials: Docker Hub requires them) and ECR Public (none), a repository creation template so any repository
 * ECR creates for a cache is encrypted with the region's key, and the repositories of the images the workloads use,
 * created up front (encrypted, protected, no lifecycle expiry: an image whose upstream tag moved stays pullable by
 * its digest). A pull through an existing repository needs no ecr:CreateRepository of the puller ("IAM
 * permissions required to sync an upstream registry": only when the repository does not exist yet); the nodes'
 * AmazonEC2ContainerRegistryPullOnly policy grants the ecr:BatchImportUpstreamImage a first pull needs.
 *
 * Each region pulls from its own registry: a failover or a deploy while the other region is down never reaches it,
 * and once an image is cached a Docker Hub outage or rate limit does not stop a pod from starting.
 */
export class RegistryCache extends pulumi.ComponentResource {
    /** The rules and repositories a pod pulling through the cache needs (a workload waits for them). */
    readonly ready: pulumi.Resource[];
    readonly repositoryNames: pulumi.Output<string>[];

    constructor(name: string, args: RegistryCacheArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:registry:RegistryCache", name, {}, opts);
        validateArgs(args).throwIfAny(this, "RegistryCache", name);
        const child = { parent: this };

        const rules = (Object.values(UPSTREAMS) as Upstream[]).map(
            (u) =>
                new aws.ecr.PullThroughCacheRule(
                    `${name}-${u.prefix}`,
                    {
                        ecrRepositoryPrefix: u.prefix,
                        upstreamRegistryUrl: u.registryUrl,
                        // Every property of a rule is replace-on-change (CloudFormation AWS::ECR::PullThroughCacheRule): a
                        // rotated token keeps the secret's ARN, so rotation is a new secret value, not a new rule.
                        ...(u.needsCredentials ? { credentialArn: args.dockerHubCredentialArn } : {}),
                    },
                    child,
                ),
        );

        // Encrypting a repository ECR creates with a customer key needs a role ECR assumes (Amazon ECR User Guide,
        // "Create an IAM role for repository creation templates"), with the actions of its custom policy.
        const templateRole = new aws.iam.Role(
            `${name}-template-role`,
            {
                name: `${args.namePrefix}-ecr-templates`,
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ecr.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
            },
            child,
        );
        const templatePolicy = new aws.iam.RolePolicy(
            `${name}-template-policy`,
            {
                role: templateRole.id,
                policy: pulumi.output(args.kmsKeyArn).apply((key) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Effect: "Allow",
                                Action: ["ecr:CreateRepository", "ecr:ReplicateImage", "ecr:TagResource"],
                                Resource: `arn:${args.partition}:ecr:${args.region}:${args.accountId}:repository/*`,
                            },
                            { Effect: "Allow", Action: ["kms:CreateGrant", "kms:RetireGrant", "kms:DescribeKey"], Resource: key },
                        ],
                    }),
                ),
            },
            child,
        );
        const encryption = [{ encryptionType: "KMS", kmsKey: args.kmsKeyArn }];
        const templates = (Object.values(UPSTREAMS) as Upstream[]).map(
            (u) =>
                new aws.ecr.RepositoryCreationTemplate(
                    `${name}-${u.prefix}-template`,
                    {
                        prefix: u.prefix,
                        appliedFors: ["PULL_THROUGH_CACHE"],
                        description: `Repositories ECR creates for the ${u.prefix} pull-through cache: encrypted with the region's key`,
                        customRoleArn: templateRole.arn,
                        encryptionConfigurations: encryption,
                    },
                    { ...child, dependsOn: [templatePolicy] },
                ),
        );

        const names = [...new Set(args.images.map(cachedRepositoryName))];
        const repositories = names.map(
            (repo) =>
                new aws.ecr.Repository(
                    `${name}-${repo.replace(/\//g, "-")}`,
                    {
                        name: repo,
                        // Encryption is fixed when a repository is created (createOnly: aws-cloudformation-resource-providers-ecr#31; ForceNew in the provider): set here, never changed.
                        encryptionConfigurations: encryption,
                        imageTagMutability: "MUTABLE",
                        forceDelete: false,
                    },
                    // The region's copy of what a recovery runs: deleting it would send the next pull to the internet.
                    { ...child, protect: true },
                ),
        );

        this.ready = [...rules, ...templates, ...repositories];
        this.repositoryNames = repositories.map((r) => r.name);
        this.registerOutputs({ repositoryNames: this.repositoryNames });
    }
}

function validateArgs(args: RegistryCacheArgs): Problems {
    const p = new Problems();
    p.check(isRegion(args.region), `region must be an AWS region such as us-west-2, got ${JSON.stringify(args.region)}`);
    const secret = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):(\d{12}):secret:ecr-pullthroughcache\/[A-Za-z0-9/_+=.@-]+$/.exec(args.dockerHubCredentialArn);
    p.check(
        secret !== null && secret[1] === args.region && secret[2] === args.accountId,
        `dockerHubCredentialArn must be a Secrets Manager secret named ecr-pullthroughcache/... in ${args.region} of account ${args.accountId} (the pull-through cache rule's own account and region), got ${JSON.stringify(args.dockerHubCredentialArn)}`,
    );
    for (const image of args.images) {
        p.check(upstreamOf(image) !== undefined, `images must come from Docker Hub or public.ecr.aws (the cached upstreams), got one from ${image.host ?? "docker.io"}`);
    }
    return p;
}
