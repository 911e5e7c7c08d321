/**
 * Schemas of the structured tier keys (intelgraph:eks, intelgraph:aurora, intelgraph:redis) and the rules
 * that depend on the stack's role. Messages are the "allowed" half of a config problem.
 */
import { z } from "zod";
import { parseCidr } from "../../components/network/cidr";

const count = (what: string, min: number, max: number) =>
    z.number({ error: `a whole number of ${what} from ${min} to ${max}` }).int({ error: `a whole number of ${what} from ${min} to ${max}` }).min(min, { error: `at least ${min} ${what}` }).max(max, { error: `at most ${max} ${what}` });

const nodeGroup = z
    .object(
        {
            instanceTypes: z.array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "EC2 instance types such as m6i.xlarge" }), { error: "a list of EC2 instance types" }).min(1, { error: "at least one instance type" }),
            minSize: count("nodes", 0, 100),
            desiredSize: count("nodes", 0, 100),
            maxSize: count("nodes", 1, 100),
        },
        { error: "an object { instanceTypes, minSize, desiredSize, maxSize }" },
    )
    .strict()
    .refine((g) => g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize, {
        error: "sizes with minSize <= desiredSize <= maxSize",
    });

export type NodeGroupSizing = z.infer<typeof nodeGroup>;

// 1.30 and later: ValidatingAdmissionPolicy (v1) guards the public entry; 1.28/1.29 are past EKS extended support.
const K8S_VERSION = /^1\.[3-9]\d$/;

/** The AWS Load Balancer Controller's Helm chart: pinned, so a controller upgrade is a reviewed, per-region change. */
const loadBalancerController = z
    .object(
        {
            chartVersion: z.string({ error: 'an exact chart version of eks-charts/aws-load-balancer-controller such as "1.17.1"' }).regex(/^\d+\.\d+\.\d+$/, {
                error: 'an exact chart version of eks-charts/aws-load-balancer-controller such as "1.17.1" (no ranges: the chart is pinned)',
            }),
            /**
             * The controller's image as ECR Public publishes it, pinned by digest; run from this region's ECR
             * pull-through cache instead of the chart's default.
             */
            image: z.string({ error: "public.ecr.aws/eks/aws-load-balancer-controller:<tag>@sha256:<64 hex digits>" }).regex(/^public\.ecr\.aws\/eks\/aws-load-balancer-controller:[\w][\w.-]*@sha256:[0-9a-f]{64}$/, {
                error: "public.ecr.aws/eks/aws-load-balancer-controller:<tag>@sha256:<64 hex digits>: the controller's image pinned by digest (a tag alone can be moved to other content)",
            }),
            /** It serves admission webhooks for pods in the API namespace: one replica lost must leave one serving. */
            replicas: count("replicas (one may be lost while another serves the webhooks)", 2, 5),
        },
        { error: "an object { chartVersion, image, replicas }" },
    )
    .strict();

/**
 * An IAM role ARN as an EKS access entry takes it: the role's full ARN with its path (access entries, unlike
 * the aws-auth ConfigMap, keep the path; EKS User Guide, "Create access entries"), never an STS session ARN.
 */
const roleArn = z
    .string({ error: "an IAM role ARN such as arn:aws:iam::123456789012:role/ci/intelgraph-deploy" })
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, {
        error: "an IAM role ARN with its full path, e.g. arn:aws:iam::123456789012:role/ci/intelgraph-deploy (not an sts assumed-role session ARN)",
    });
const roleArns = (min: number, what: string) => z.array(roleArn, { error: `a list of IAM role ARNs (${what})` }).min(min, { error: `at least ${min} IAM role ARN (${what})` });

/** What each kind of identity may do in the cluster; the access policy each gets is in EksCluster (ACCESS_POLICIES). */
export const ACCESS_KINDS = ["admins", "deployers", "previewers", "breakGlass"] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

const access = z
    .object(
        {
            /** Operators administering the cluster by hand. */
            admins: roleArns(1, "operators, cluster admin"),
            /** Identities that run `pulumi up`: the CI deploy role and platform engineers' deploy role. */
            deployers: roleArns(1, "identities that run pulumi up"),
            /** Identities that run `pulumi preview` only (the PR workflow): read-only in the cluster. */
            previewers: roleArns(0, "identities that only preview").default([]),
            /** On-call's break-glass role for a failover when the usual sign-in path is down. */
            breakGlass: roleArns(1, "on-call break-glass role"),
        },
        { error: "an object { admins, deployers, previewers?, breakGlass } of IAM role ARNs" },
    )
    .strict()
    .superRefine((a, ctx) => {
        // One access entry per principal: a second CreateAccessEntry answers 409 ResourceInUseException.
        const seen = new Map<string, string>();
        for (const kind of ACCESS_KINDS) {
            a[kind].forEach((arn, i) => {
                const first = seen.get(arn);
                if (first !== undefined) {
                    ctx.addIssue({ code: "custom", path: [kind, i], message: `a role listed once across admins, deployers, previewers and breakGlass (already in ${first}; EKS allows one access entry per principal and answers 409 to a second)` });
                } else seen.set(arn, `${kind}[${i}]`);
            });
        }
    });

/** A CIDR that reaches the API endpoint: never the whole internet. */
const endpointCidr = (where: string) =>
    z
        .string({ error: `an IPv4 CIDR (${where})` })
        .refine((c) => typeof parseCidr(c) !== "string", { error: `a canonical IPv4 CIDR such as 203.0.113.0/28 (${where})` })
        .refine((c) => c !== "0.0.0.0/0", { error: `a CIDR narrower than 0.0.0.0/0 (${where})` });

export const eksSchema = z
    .object(
        {
            kubernetesVersion: z.string({ error: "a pinned Kubernetes minor version such as \"1.31\"" }).regex(K8S_VERSION, { error: "a pinned EKS Kubernetes minor version from 1.30, e.g. \"1.31\"" }),
            /** Access entries (API authentication mode, no aws-auth ConfigMap), one per identity. */
            access,
            /**
             * Where the deploy runners of this region sit (inside this VPC, or a VPN range routed to it): admitted to
             * the private endpoint on 443. A runner in the other region could not deploy this one during its outage.
             */
            privateAccessCidrs: z.array(endpointCidr("deploy runners reaching the private endpoint"), { error: "a list of CIDRs" }).default([]),
            /** CIDRs allowed to reach the public API endpoint; empty keeps the endpoint private only. */
            publicAccessCidrs: z.array(endpointCidr("the public endpoint"), { error: "a list of CIDRs (empty: private endpoint only)" }).default([]),
            /** The general tier spans the three private subnets. */
            general: nodeGroup,
            /** Sizes of each of the three per-AZ graph node groups (EBS volumes are zonal). */
            graphPerAz: nodeGroup,
            /** Binds the API pods to the ALB target group this program creates (TargetGroupBinding). */
            loadBalancerController,
        },
        { error: "an object { kubernetesVersion, access, privateAccessCidrs?, publicAccessCidrs?, general, graphPerAz, loadBalancerController }" },
    )
    .strict()
    .refine((e) => e.privateAccessCidrs.length + e.publicAccessCidrs.length > 0, {
        path: ["privateAccessCidrs"],
        error: "at least one CIDR here or in publicAccessCidrs: pulumi up must reach the Kubernetes API (a deploy runner inside this region's VPC, or a public endpoint restricted to its egress CIDR)",
    });

export const AURORA_MEMBERSHIPS = ["writer", "secondary"] as const;
export type AuroraMembership = (typeof AURORA_MEMBERSHIPS)[number];
const AURORA_MEMBERSHIP_ALLOWED =
    '"writer" while this stack\'s cluster takes the global database\'s writes, "secondary" once a switchover or a failover made it a member (runbooks/failback.md): a member neither sends nor changes the master credentials';

/** Aurora PostgreSQL needs memory-optimised classes; burstable db.t* cannot join a global database. */
const AURORA_CLASS = /^db\.(r5|r6g|r6gd|r6i|r7g|r7i|r8g|x2g)\.(large|xlarge|\d{1,2}xlarge)$/;

export const auroraSchema = z
    .object(
        {
            /** Primary only: the secondary takes engine and version from the primary's outputs. */
            engineVersion: z.string().regex(/^\d{2}\.\d+$/, { error: "an Aurora PostgreSQL version such as \"16.4\"" }).optional(),
            /** Primary only: the global cluster it creates (unique per account; RDS identifier rules). */
            globalClusterIdentifier: z
                .string()
                .regex(/^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/, { error: "an RDS identifier: 2-63 lowercase letters, digits and hyphens, starting with a letter, no double or trailing hyphen" })
                .optional(),
            /**
             * Primary only: where the cluster this stack owns stands in the global database now. Operational state the
             * runbooks change in the stack file (never derived from the region): "writer" while it takes the writes,
             * "secondary" once a switchover or a managed failover made it a member (Aurora re-adds an old primary as a
             * secondary of the same global cluster when its region recovers). A member neither sends nor changes the
             * master credentials: they belong to the global database's writer.
             */
            membership: z.enum(AURORA_MEMBERSHIPS, { error: AURORA_MEMBERSHIP_ALLOWED }).optional(),
            instanceClass: z.string({ error: "a memory-optimised class such as db.r6g.large" }).regex(AURORA_CLASS, {
                error: "a memory-optimised Aurora class (db.r5/r6g/r6gd/r6i/r7g/r7i/r8g/x2g, large or bigger); db.t* is not supported by global databases",
            }),
            instances: count("instances (a writer and at least one standby in another AZ)", 2, 15),
            backupRetentionDays: count("days of backups", 7, 35),
        },
        { error: "an object { engineVersion?, globalClusterIdentifier?, membership?, instanceClass, instances, backupRetentionDays }" },
    )
    .strict();

/** Node types ElastiCache global datastores support (AWS: "Global Datastore prerequisites"). */
const GLOBAL_DATASTORE_NODE = /^cache\.(m5|m6g|m7g|r5|r6g|r6gd|r7g)\.(large|xlarge|\d{1,2}xlarge)$/;

export const redisSchema = z
    .object(
        {
            /** Primary only: a global datastore member inherits them. */
            engineVersion: z.string().regex(/^\d+\.\d+$/, { error: "a Redis OSS version such as \"7.1\"" }).optional(),
            nodeType: z.string().regex(GLOBAL_DATASTORE_NODE, {
                error: "a node type global datastores support: cache.m5/m6g/m7g/r5/r6g/r6gd/r7g, large or bigger",
            }).optional(),
            /** Primary only: the global datastore's id suffix (AWS prefixes it per account and region). */
            globalDatastoreSuffix: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, { error: "1-40 lowercase letters, digits and hyphens, starting with a letter" }).optional(),
            nodes: count("nodes (a primary and at least one replica in another AZ)", 2, 6),
            snapshotRetentionDays: count("days of snapshots", 1, 35),
        },
        { error: "an object { engineVersion?, nodeType?, globalDatastoreSuffix?, nodes, snapshotRetentionDays }" },
    )
    .strict();

export const neo4jSchema = z
    .object(
        {
            /** Neo4j Enterprise needs the licence accepted explicitly: "yes" (commercial licence) or "eval". */
            acceptLicenseAgreement: z.enum(["yes", "eval"], { error: 'the Neo4j Enterprise licence acceptance, "yes" (licensed) or "eval"' }),
            // Pinned by digest: a tag can be moved to other content. Written as Docker Hub publishes it; the program
            // runs it from this region's ECR pull-through cache (components/registry/images.ts).
            image: z.string().regex(/^neo4j:5\.\d+(\.\d+)?-enterprise@sha256:[0-9a-f]{64}$/, {
                error: "a Neo4j 5 Enterprise image pinned by digest, such as neo4j:5.26.1-enterprise@sha256:<64 hex digits> (a tag alone can be moved to other content)",
            }),
            /**
             * One server per AZ. The primary's are the cluster's primaries (3 or more: Raft keeps a majority with one
             * lost); a secondary stack's are the cluster's secondaries (2 or more: one copy survives losing one).
             */
            servers: count("servers (one per AZ; primaries: 3 or more, secondaries: 2 or more)", 2, 3),
            /**
             * The bound the secondaries' replication lag is held to (the lag alarm's threshold) and the time a breach
             * takes to be noticed: together they bound the graph's RPO (policy-pack/lib/resilience.ts).
             */
            replicationLag: z
                .object(
                    {
                        boundSeconds: count("seconds of replication lag", 1, 300),
                        detectionSeconds: count("seconds to notice a breach of the bound", 1, 300),
                    },
                    { error: "an object { boundSeconds, detectionSeconds }" },
                )
                .strict(),
            storageGi: count("GiB per server volume", 10, 16384),
            // Above 31 GiB the JVM loses compressed object pointers (Neo4j Operations Manual, "Memory configuration").
            heapGi: count("GiB of heap (31 at most: the JVM's compressed object pointers)", 1, 31),
            pageCacheGi: count("GiB of page cache", 1, 256),
            /** Cron schedule of the backup job; its interval bounds the graph's RPO. */
            backupSchedule: z.string().regex(/^(\S+\s+){4}\S+$/, { error: "a five-field cron schedule such as \"*/15 * * * *\"" }),
            backupRetentionDays: count("days of backups", 7, 365),
            /** Every this many days the backups start a new chain with a FULL (components/graph/backup.ts). */
            fullBackupEveryDays: count("days between FULL backups", 1, 28),
            /**
             * "active" where the graph is written, "suspended" elsewhere. The failover runbook changes it on the
             * promoted stack (and back on failback), so a pulumi up after a failover keeps what the runbook did.
             */
            /**
             * Secondary stacks only: false while the primary region is healthy; the failover runbook sets it to true when
             * it promotes these servers (system database primaries discovering only each other:
             * components/graph/promotion.ts promotedServerSettings), so a pulumi up after a failover keeps them so.
             */
            promoted: z.boolean({ error: "true or false" }).optional(),
            backupJob: z.enum(["active", "suspended"], { error: '"active" (this region writes the graph) or "suspended" (it does not)' }),
        },
        { error: "an object { acceptLicenseAgreement, image, servers, replicationLag, promoted?, storageGi, heapGi, pageCacheGi, backupSchedule, backupRetentionDays, fullBackupEveryDays, backupJob }" },
    )
    .strict()
    .refine((n) => n.pageCacheGi <= n.storageGi, { path: ["pageCacheGi"], error: "at most storageGi: the page cache holds the store, which fits the volume" })
    // Well inside the retention: at least two FULLs in every restore window.
    .refine((n) => n.fullBackupEveryDays * 2 <= n.backupRetentionDays, { path: ["fullBackupEveryDays"], error: "at most half of backupRetentionDays: every restore window holds at least two FULL backups" });

export const dnsSchema = z
    .object(
        {
            /** The hosted zone pre-exists; the program only adds records to it. */
            hostedZoneId: z.string().regex(/^Z[A-Z0-9]{4,32}$/, { error: "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ" }),
            apiDomain: z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, { error: "the API's DNS name such as api.intelgraph.example.com" }),
            /** Share of traffic for this region; 0 keeps it a pure standby. A change is a reviewed traffic shift. */
            weight: z.number({ error: "a whole number from 0 to 255" }).int({ error: "a whole number from 0 to 255" }).min(0, { error: "a whole number from 0 to 255" }).max(255, { error: "a whole number from 0 to 255" }),
            healthCheck: z
                .object(
                    {
                        requestInterval: z.union([z.literal(10), z.literal(30)], { error: "10 or 30 (seconds; the only intervals Route 53 offers)" }),
                        failureThreshold: count("consecutive failures", 1, 10),
                        path: z.string().regex(/^\//, { error: "an absolute path such as /healthz" }).default("/healthz"),
                    },
                    { error: "an object { requestInterval, failureThreshold, path? }" },
                )
                .strict(),
            /**
             * The ALB target group's health check: liveness only (the process serves HTTP), never the writer-aware
             * healthCheck.path. The load balancer controller's readiness gates hold a pod unready until its target is
             * Healthy in this check (AWS Load Balancer Controller docs, "Pod readiness gate"), so a writer-aware answer
             * would keep the standby's pods unready and drain the old primary's after a failover; Route 53 alone decides
             * which region takes traffic.
             */
            livenessPath: z.string({ error: "an absolute path such as /livez (the ALB's liveness check)" }).regex(/^\/[\x21-\x7e]{0,1023}$/, { error: "an absolute path such as /livez (the ALB's liveness check; at most 1024 characters, ELB API Reference HealthCheckPath)" }),
        },
        { error: "an object { hostedZoneId, apiDomain, weight, healthCheck, livenessPath }" },
    )
    .strict()
    .refine((d) => d.livenessPath !== d.healthCheck.path, {
        path: ["livenessPath"],
        error: "a path other than healthCheck.path: the ALB checks liveness, Route 53 checks the writer-aware /healthz (README, \"The /healthz contract\")",
    });

export type EksConfig = z.infer<typeof eksSchema>;
export type Neo4jConfig = z.infer<typeof neo4jSchema>;
export type DnsConfig = z.infer<typeof dnsSchema>;
/** What a stack that owns the global cluster sets; a member inherits the engine and the global cluster. */
export type PrimaryAuroraConfig = Omit<z.infer<typeof auroraSchema>, "engineVersion" | "globalClusterIdentifier" | "membership"> & {
    readonly engineVersion: string;
    readonly globalClusterIdentifier: string;
    readonly membership: AuroraMembership;
};
export type MemberAuroraConfig = Omit<z.infer<typeof auroraSchema>, "engineVersion" | "globalClusterIdentifier" | "membership">;
/** What a stack that owns the global datastore sets; a member inherits engine, version and node type. */
export type PrimaryRedisConfig = Omit<z.infer<typeof redisSchema>, "engineVersion" | "nodeType" | "globalDatastoreSuffix"> & {
    readonly engineVersion: string;
    readonly nodeType: string;
    readonly globalDatastoreSuffix: string;
};
export type MemberRedisConfig = Omit<z.infer<typeof redisSchema>, "engineVersion" | "nodeType" | "globalDatastoreSuffix">;

/** Keys the owner of the global cluster / datastore must set and a member must leave to it (it inherits them). */
export const OWNED_BY_PRIMARY = {
    "intelgraph:aurora": ["engineVersion", "globalClusterIdentifier", "membership"],
    "intelgraph:redis": ["engineVersion", "nodeType", "globalDatastoreSuffix"],
} as const;

/** Owner-only fields whose problem says more than "inherited from the primary" (a member's cluster never sends credentials). */
export const OWNED_BY_PRIMARY_ALLOWED: Readonly<Record<string, { readonly primary: string; readonly secondary: string }>> = {
    "intelgraph:aurora.membership": {
        primary: AURORA_MEMBERSHIP_ALLOWED,
        secondary: "unset on a secondary stack: its cluster never sends master credentials, whichever region writes (only the stack that owns the global cluster says where its cluster stands)",
    },
};

/** The tiers of a stack that owns the global resources; the owner's keys were checked present (OWNED_BY_PRIMARY). */
export function primaryTiers(aurora: z.infer<typeof auroraSchema>, redis: z.infer<typeof redisSchema>): { aurora: PrimaryAuroraConfig; redis: PrimaryRedisConfig } | undefined {
    const { engineVersion, globalClusterIdentifier, membership, ...auroraRest } = aurora;
    const { engineVersion: redisVersion, nodeType, globalDatastoreSuffix, ...redisRest } = redis;
    if (engineVersion === undefined || globalClusterIdentifier === undefined || membership === undefined || redisVersion === undefined || nodeType === undefined || globalDatastoreSuffix === undefined) return undefined;
    return { aurora: { ...auroraRest, engineVersion, globalClusterIdentifier, membership }, redis: { ...redisRest, engineVersion: redisVersion, nodeType, globalDatastoreSuffix } };
}

/** The tiers of a member stack: what it inherits is left out (checked unset, OWNED_BY_PRIMARY). */
export function memberTiers(aurora: z.infer<typeof auroraSchema>, redis: z.infer<typeof redisSchema>): { aurora: MemberAuroraConfig; redis: MemberRedisConfig } {
    return { aurora: omit(aurora, OWNED_BY_PRIMARY["intelgraph:aurora"]), redis: omit(redis, OWNED_BY_PRIMARY["intelgraph:redis"]) };
}

function omit<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Omit<T, K> {
    const copy = { ...value };
    for (const k of keys) delete copy[k];
    return copy;
}
