import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config/schema";
import { loadProject, loadStackFile } from "../../../tools/offline/project";
import { problemsOf } from "../../helpers/config";
import { PROJECT_DIR } from "../../helpers/plan";

const project = loadProject(PROJECT_DIR);

/** The stack file's value of a structured key, with some fields changed. */
function withTier(stack: string, key: string, change: Record<string, unknown>) {
    const config = { ...loadStackFile(project, stack).config };
    config[key] = JSON.stringify({ ...JSON.parse(config[key]), ...change });
    return () => parseStackConfig(stack, config);
}


function withTierConfig(stack: string, key: string, change: Record<string, unknown>) {
    const config = { ...loadStackFile(project, stack).config };
    config[key] = JSON.stringify({ ...JSON.parse(config[key]), ...change });
    return config;
}

const generalWith = (stack: string, sizes: Record<string, number>) => {
    const base = JSON.parse(loadStackFile(project, stack).config["intelgraph:eks"]) as { general: Record<string, unknown> };
    return withTier(stack, "intelgraph:eks", { general: { ...base.general, ...sizes } });
};

describe("tier sizes in the stack files", () => {
    it("parses the committed tiers", () => {
        const west = parseStackConfig("us-west-2", loadStackFile(project, "us-west-2").config);
        expect(west.eks.general).toEqual({ instanceTypes: ["m6i.xlarge"], minSize: 4, desiredSize: 4, maxSize: 8 });
        expect(west.aurora).toEqual({ engineVersion: "16.4", globalClusterIdentifier: "intelgraph-us-prod", membership: "writer", instanceClass: "db.r6g.large", instances: 2, backupRetentionDays: 14 });
        expect(west.redis).toEqual({ engineVersion: "7.1", nodeType: "cache.r7g.large", globalDatastoreSuffix: "intelgraph-us-prod", nodes: 2, snapshotRetentionDays: 7 });
        const east = parseStackConfig("us-east-1", loadStackFile(project, "us-east-1").config);
        // A member's config has no place for what it inherits (the type has no engineVersion or nodeType).
        expect(east.aurora).toEqual({ instanceClass: "db.r6g.large", instances: 2, backupRetentionDays: 14 });
        expect(east.redis).toEqual({ nodes: 2, snapshotRetentionDays: 7 });
    });

    it("rejects a node group with minSize above maxSize", () => {
        expect(generalWith("us-west-2", { minSize: 9, desiredSize: 9, maxSize: 8 })).toThrow(
            'Pulumi.us-west-2.yaml: intelgraph:eks.general is {"desiredSize":9,"instanceTypes":["m6i.xlarge"],"maxSize":8,"minSize":9}; allowed: sizes with minSize <= desiredSize <= maxSize',
        );
    });

    it("rejects a desiredSize outside min..max", () => {
        expect(generalWith("us-east-1", { desiredSize: 1 })).toThrow("intelgraph:eks.general is");
        expect(generalWith("us-east-1", { desiredSize: 1 })).toThrow("allowed: sizes with minSize <= desiredSize <= maxSize");
    });

    it("rejects a non-integer size, naming the nested key", () => {
        expect(problemsOf(generalWith("us-west-2", { maxSize: 8.5 }))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:eks.general.maxSize", value: 8.5, allowed: "a whole number of nodes from 1 to 100" },
        ]);
    });

    it("rejects a single Aurora instance", () => {
        expect(withTier("us-west-2", "intelgraph:aurora", { instances: 1 })).toThrow(
            "Pulumi.us-west-2.yaml: intelgraph:aurora.instances is 1; allowed: at least 2 instances (a writer and at least one standby in another AZ)",
        );
    });

    it("rejects burstable db.t* classes for Aurora", () => {
        expect(withTier("us-west-2", "intelgraph:aurora", { instanceClass: "db.t4g.medium" })).toThrow(
            'intelgraph:aurora.instanceClass is "db.t4g.medium"; allowed: a memory-optimised Aurora class (db.r5/r6g/r6gd/r6i/r7g/r7i/r8g/x2g, large or bigger); db.t* is not supported by global databases',
        );
    });

    it("rejects backups kept less than 7 days", () => {
        expect(withTier("us-west-2", "intelgraph:aurora", { backupRetentionDays: 1 })).toThrow("intelgraph:aurora.backupRetentionDays is 1; allowed: at least 7 days of backups");
    });

    it("rejects a single Redis node", () => {
        expect(withTier("us-east-1", "intelgraph:redis", { nodes: 1 })).toThrow(
            "Pulumi.us-east-1.yaml: intelgraph:redis.nodes is 1; allowed: at least 2 nodes (a primary and at least one replica in another AZ)",
        );
    });

    it.each(["cache.t4g.medium", "cache.r6g.medium", "cache.c7gn.large"])("rejects cache node type %s that global datastores do not support", (nodeType) => {
        expect(withTier("us-west-2", "intelgraph:redis", { nodeType })).toThrow(
            `intelgraph:redis.nodeType is "${nodeType}"; allowed: a node type global datastores support: cache.m5/m6g/m7g/r5/r6g/r6gd/r7g, large or bigger`,
        );
    });

    it("rejects inherited settings on a secondary", () => {
        expect(problemsOf(withTier("us-east-1", "intelgraph:redis", { nodeType: "cache.r7g.large", engineVersion: "7.1" })).map((p) => p.key)).toEqual([
            "intelgraph:redis.engineVersion",
            "intelgraph:redis.nodeType",
        ]);
        expect(withTier("us-east-1", "intelgraph:aurora", { engineVersion: "16.4" })).toThrow(
            'intelgraph:aurora.engineVersion is "16.4"; allowed: unset on a secondary: it is inherited from the primary\'s outputs (global cluster / global datastore)',
        );
    });

    it("keeps the global names with the stack that owns them", () => {
        expect(problemsOf(withTier("us-east-1", "intelgraph:aurora", { globalClusterIdentifier: "intelgraph-us-prod" }))).toEqual([
            {
                file: "Pulumi.us-east-1.yaml",
                key: "intelgraph:aurora.globalClusterIdentifier",
                value: "intelgraph-us-prod",
                allowed: "unset on a secondary: it is inherited from the primary's outputs (global cluster / global datastore)",
            },
        ]);
        expect(problemsOf(withTier("us-west-2", "intelgraph:redis", { globalDatastoreSuffix: undefined }))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:redis.globalDatastoreSuffix", value: undefined, allowed: "set on the primary, which owns the global cluster / global datastore" },
        ]);
        expect(problemsOf(withTier("us-west-2", "intelgraph:aurora", { globalClusterIdentifier: "Intelgraph--Prod" }))[0]).toMatchObject({
            key: "intelgraph:aurora.globalClusterIdentifier",
            allowed: "an RDS identifier: 2-63 lowercase letters, digits and hyphens, starting with a letter, no double or trailing hyphen",
        });
    });

    it("names the global resources after the zone and the environment (unique per account, and the pack reads the zone from them)", () => {
        expect(problemsOf(withTier("us-west-2", "intelgraph:redis", { globalDatastoreSuffix: "intelgraph-prod" }))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:redis.globalDatastoreSuffix", value: "intelgraph-prod", allowed: '"intelgraph-us-prod": the global resources are named after the zone and the environment' },
        ]);
    });

    it("requires the primary to define engine versions and node type", () => {
        expect(withTier("us-west-2", "intelgraph:redis", { nodeType: undefined })).toThrow(
            "intelgraph:redis.nodeType is missing; allowed: set on the primary, which owns the global cluster / global datastore",
        );
    });

    it("rejects unknown fields (a typo must not be silently ignored), suggesting the closest", () => {
        expect(problemsOf(withTier("us-west-2", "intelgraph:aurora", { instanceClas: "db.r6g.large" }))).toEqual([
            {
                file: "Pulumi.us-west-2.yaml",
                key: "intelgraph:aurora.instanceClas",
                value: "db.r6g.large",
                allowed: "no such key in intelgraph:aurora; its keys are engineVersion, globalClusterIdentifier, membership, instanceClass, instances, backupRetentionDays (did you mean instanceClass?)",
            },
        ]);
    });

    describe("cluster access (access entries) and the network path of pulumi up", () => {
        const eks = (stack: string) => JSON.parse(loadStackFile(project, stack).config["intelgraph:eks"]) as { access: Record<string, string[]> };
        const withAccess = (change: Record<string, string[]>) => withTier("us-west-2", "intelgraph:eks", { access: { ...eks("us-west-2").access, ...change } });

        it("parses the committed access lists: admins, deployers, previewers, break-glass", () => {
            const west = parseStackConfig("us-west-2", loadStackFile(project, "us-west-2").config);
            expect(west.eks.access.deployers).toEqual(["arn:aws:iam::123456789012:role/ci/intelgraph-deploy"]);
            expect(west.eks.access.previewers).toEqual(["arn:aws:iam::123456789012:role/ci/intelgraph-preview"]);
            expect(west.eks.privateAccessCidrs).toEqual(["10.10.0.0/18", "10.10.64.0/18", "10.10.128.0/18"]);
        });

        it("refuses an identity listed twice (EKS answers 409 to a second access entry)", () => {
            const admin = eks("us-west-2").access.admins[0];
            expect(problemsOf(withAccess({ breakGlass: [admin] }))).toEqual([
                {
                    file: "Pulumi.us-west-2.yaml",
                    key: "intelgraph:eks.access.breakGlass.0",
                    value: admin,
                    allowed: "a role listed once across admins, deployers, previewers and breakGlass (already in admins[0]; EKS allows one access entry per principal and answers 409 to a second)",
                },
            ]);
        });

        it("requires role ARNs with their path, not STS session ARNs", () => {
            const session = "arn:aws:sts::123456789012:assumed-role/intelgraph-deploy/ci-run";
            expect(problemsOf(withAccess({ deployers: [session] }))).toEqual([
                {
                    file: "Pulumi.us-west-2.yaml",
                    key: "intelgraph:eks.access.deployers.0",
                    value: session,
                    allowed: "an IAM role ARN with its full path, e.g. arn:aws:iam::123456789012:role/ci/intelgraph-deploy (not an sts assumed-role session ARN)",
                },
            ]);
        });

        it("requires a deployer and a break-glass role", () => {
            expect(problemsOf(withAccess({ deployers: [], breakGlass: [] })).map((p) => [p.key, p.allowed])).toEqual([
                ["intelgraph:eks.access.deployers", "at least 1 IAM role ARN (identities that run pulumi up)"],
                ["intelgraph:eks.access.breakGlass", "at least 1 IAM role ARN (on-call break-glass role)"],
            ]);
        });

        it("requires a network path to the Kubernetes API", () => {
            expect(problemsOf(withTier("us-west-2", "intelgraph:eks", { privateAccessCidrs: [], publicAccessCidrs: [] }))).toEqual([
                {
                    file: "Pulumi.us-west-2.yaml",
                    key: "intelgraph:eks.privateAccessCidrs",
                    value: [],
                    allowed:
                        "at least one CIDR here or in publicAccessCidrs: pulumi up must reach the Kubernetes API (a deploy runner inside this region's VPC, or a public endpoint restricted to its egress CIDR)",
                },
            ]);
        });

        it.each([
            ["0.0.0.0/0", "a CIDR narrower than 0.0.0.0/0 (the public endpoint)"],
            ["203.0.113.7/24", "a canonical IPv4 CIDR such as 203.0.113.0/28 (the public endpoint)"],
        ])("refuses the public endpoint CIDR %s", (cidr, allowed) => {
            expect(problemsOf(withTier("us-west-2", "intelgraph:eks", { publicAccessCidrs: [cidr] }))).toEqual([
                { file: "Pulumi.us-west-2.yaml", key: "intelgraph:eks.publicAccessCidrs.0", value: cidr, allowed },
            ]);
        });
    });

    it("requires a pinned Kubernetes version", () => {
        expect(withTier("us-west-2", "intelgraph:eks", { kubernetesVersion: "latest" })).toThrow('intelgraph:eks.kubernetesVersion is "latest"; allowed: a pinned EKS Kubernetes minor version');
        // The public-entry admission policy is ValidatingAdmissionPolicy v1, GA from 1.30.
        expect(withTier("us-west-2", "intelgraph:eks", { kubernetesVersion: "1.29" })).toThrow('intelgraph:eks.kubernetesVersion is "1.29"; allowed: a pinned EKS Kubernetes minor version from 1.30');
    });

    const LBC_IMAGE = `public.ecr.aws/eks/aws-load-balancer-controller:v2.17.1@sha256:${"0".repeat(64)}`;
    it.each<[string, Record<string, unknown>, string, unknown, string]>([
        ["a chart version range", { chartVersion: "^1.17", image: LBC_IMAGE, replicas: 2 }, "intelgraph:eks.loadBalancerController.chartVersion", "^1.17", 'an exact chart version of eks-charts/aws-load-balancer-controller such as "1.17.1" (no ranges: the chart is pinned)'],
        ["one replica", { chartVersion: "1.17.1", image: LBC_IMAGE, replicas: 1 }, "intelgraph:eks.loadBalancerController.replicas", 1, "at least 2 replicas (one may be lost while another serves the webhooks)"],
    ])("rejects a load balancer controller with %s", (_, loadBalancerController, key, value, allowed) => {
        expect(problemsOf(withTier("us-east-1", "intelgraph:eks", { loadBalancerController }))).toEqual([{ file: "Pulumi.us-east-1.yaml", key, value, allowed }]);
    });

    it("requires the load balancer controller to be pinned in the stack file", () => {
        const config = { ...loadStackFile(project, "us-west-2").config };
        const eks = JSON.parse(config["intelgraph:eks"]) as Record<string, unknown>;
        delete eks.loadBalancerController;
        config["intelgraph:eks"] = JSON.stringify(eks);
        expect(problemsOf(() => parseStackConfig("us-west-2", config))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:eks.loadBalancerController", value: undefined, allowed: "an object { chartVersion, image, replicas }" },
        ]);
    });

    it.each<[string, Record<string, unknown>, string, unknown, string]>([
        ["a 15 s interval", { healthCheck: { requestInterval: 15, failureThreshold: 3 } }, "intelgraph:dns.healthCheck.requestInterval", 15, "10 or 30 (seconds; the only intervals Route 53 offers)"],
        ["a threshold of 0", { healthCheck: { requestInterval: 10, failureThreshold: 0 } }, "intelgraph:dns.healthCheck.failureThreshold", 0, "at least 1 consecutive failures"],
        ["a threshold of 11", { healthCheck: { requestInterval: 10, failureThreshold: 11 } }, "intelgraph:dns.healthCheck.failureThreshold", 11, "at most 10 consecutive failures"],
        ["a negative weight", { weight: -1 }, "intelgraph:dns.weight", -1, "a whole number from 0 to 255"],
        ["a non-integer weight", { weight: 2.5 }, "intelgraph:dns.weight", 2.5, "a whole number from 0 to 255"],
        ["a liveness path equal to the Route 53 path", { livenessPath: "/healthz" }, "intelgraph:dns.livenessPath", "/healthz", 'a path other than healthCheck.path: the ALB checks liveness, Route 53 checks the writer-aware /healthz (README, "The /healthz contract")'],
        ["a relative liveness path", { livenessPath: "livez" }, "intelgraph:dns.livenessPath", "livez", "an absolute path such as /livez (the ALB's liveness check; at most 1024 characters, ELB API Reference HealthCheckPath)"],
    ])("rejects DNS settings with %s", (_, change, key, value, allowed) => {
        expect(problemsOf(withTier("us-west-2", "intelgraph:dns", change))).toEqual([{ file: "Pulumi.us-west-2.yaml", key, value, allowed }]);
    });

    it("requires the ALB's liveness path in the stack file", () => {
        const config = { ...loadStackFile(project, "us-east-1").config };
        const dns = JSON.parse(config["intelgraph:dns"]) as Record<string, unknown>;
        delete dns.livenessPath;
        config["intelgraph:dns"] = JSON.stringify(dns);
        expect(problemsOf(() => parseStackConfig("us-east-1", config))).toEqual([
            { file: "Pulumi.us-east-1.yaml", key: "intelgraph:dns.livenessPath", value: undefined, allowed: "an absolute path such as /livez (the ALB's liveness check)" },
        ]);
    });

    it("requires the owner of the global cluster to say where its cluster stands, and refuses it on a member", () => {
        const without = { ...loadStackFile(project, "us-west-2").config };
        const aurora = JSON.parse(without["intelgraph:aurora"]) as Record<string, unknown>;
        delete aurora.membership;
        without["intelgraph:aurora"] = JSON.stringify(aurora);
        expect(problemsOf(() => parseStackConfig("us-west-2", without))).toEqual([
            {
                file: "Pulumi.us-west-2.yaml",
                key: "intelgraph:aurora.membership",
                value: undefined,
                allowed: '"writer" while this stack\'s cluster takes the global database\'s writes, "secondary" once a switchover or a failover made it a member (runbooks/failback.md): a member neither sends nor changes the master credentials',
            },
        ]);
        expect(problemsOf(withTier("us-east-1", "intelgraph:aurora", { membership: "writer" }))).toEqual([
            {
                file: "Pulumi.us-east-1.yaml",
                key: "intelgraph:aurora.membership",
                value: "writer",
                allowed: "unset on a secondary stack: its cluster never sends master credentials, whichever region writes (only the stack that owns the global cluster says where its cluster stands)",
            },
        ]);
        expect(problemsOf(withTier("us-west-2", "intelgraph:aurora", { membership: "reader" })).map((p) => p.key)).toEqual(["intelgraph:aurora.membership"]);
        expect(parseStackConfig("us-west-2", { ...withTierConfig("us-west-2", "intelgraph:aurora", { membership: "secondary" }) }).aurora).toMatchObject({ membership: "secondary" });
    });

    it("rejects an unaccepted licence, and a primary of two servers (its servers are the cluster's primaries)", () => {
        expect(problemsOf(withTier("us-west-2", "intelgraph:neo4j", { acceptLicenseAgreement: "no" })).map((p) => [p.key, p.allowed])).toEqual([
            ["intelgraph:neo4j.acceptLicenseAgreement", 'the Neo4j Enterprise licence acceptance, "yes" (licensed) or "eval"'],
        ]);
        expect(problemsOf(withTier("us-west-2", "intelgraph:neo4j", { servers: 2 })).map((p) => [p.key, p.allowed])).toEqual([
            ["intelgraph:neo4j.servers", "at least 3 on the primary: its servers are the cluster's primaries (a Raft majority survives losing one)"],
        ]);
    });

    it("accepts two secondaries, not one", () => {
        expect(() => withTier("us-east-1", "intelgraph:neo4j", { servers: 2 })()).not.toThrow();
        expect(problemsOf(withTier("us-east-1", "intelgraph:neo4j", { servers: 1 })).map((p) => [p.key, p.allowed])).toEqual([
            ["intelgraph:neo4j.servers", "at least 2 servers (one per AZ; primaries: 3 or more, secondaries: 2 or more)"],
        ]);
    });

    it("keeps whether a secondary's servers were promoted in the stack file, and only there", () => {
        expect(problemsOf(withTier("us-east-1", "intelgraph:neo4j", { promoted: undefined })).map((p) => [p.key, p.allowed])).toEqual([
            ["intelgraph:neo4j.promoted", "true or false on a secondary stack: false while its servers are secondaries, true once the failover runbook promoted them"],
        ]);
        expect(problemsOf(withTier("us-west-2", "intelgraph:neo4j", { promoted: false })).map((p) => [p.key, p.allowed])).toEqual([
            ["intelgraph:neo4j.promoted", "unset on the primary stack: its servers are the cluster's primaries"],
        ]);
        const promoted = withTier("us-east-1", "intelgraph:neo4j", { promoted: true })() as { neo4j: { promoted: boolean } };
        expect(promoted.neo4j.promoted).toBe(true);
    });
});
