import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Neo4jCluster, type Neo4jClusterArgs } from "../../../components/graph/Neo4jCluster";
import type { PlannedStack } from "../../../tools/offline/engine";
import { SECRET_SIG, SIG_KEY } from "../../../tools/offline/wire";
import { expectRefused } from "../../helpers/component";
import { neo4jTestArgs, neo4jTestZones, planNeo4jTestCluster } from "../../helpers/neo4j";
import { inputsOf, mustGet, ofType, one, outputsOf, plan } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

type Obj = Record<string, unknown>;
const env = (set: Obj) => {
    const c = ((set.spec as Obj).template as { spec: { containers: { env: { name: string; value?: string }[] }[] } }).spec.containers[0];
    return Object.fromEntries(c.env.map((e) => [e.name, e.value ?? "(from secret)"]));
};

const ADDRESSES = { "us-west-2": ["10.10.63.244", "10.10.127.244", "10.10.191.244"], "us-east-1": ["10.20.63.244", "10.20.127.244", "10.20.191.244"] } as const;
const ROLE = { "us-west-2": "primary", "us-east-1": "secondary" } as const;

describe.each(["us-west-2", "us-east-1"] as const)("Neo4jCluster in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const sets = () => ofType(s(), "kubernetes:apps/v1:StatefulSet").map(inputsOf);
    const services = () => ofType(s(), "kubernetes:core/v1:Service").map(inputsOf);

    it("runs three servers of its role (primaries in us-west-2, secondaries in us-east-1), one StatefulSet each, pinned to the three AZs on graph nodes", () => {
        expect(sets()).toHaveLength(3);
        const zones = sets().map((x) => ((x.spec as Obj).template as { spec: { nodeSelector: Record<string, string> } }).spec.nodeSelector);
        expect(zones).toEqual(["a", "b", "c"].map((z) => ({ "topology.kubernetes.io/zone": `${region}${z}`, "intelgraph.io/tier": "graph" })));
        for (const x of sets()) {
            expect((x.spec as Obj).replicas).toBe(1);
            expect((x.metadata as { labels: Obj }).labels).toMatchObject({ "app.kubernetes.io/name": "neo4j", "app.kubernetes.io/component": ROLE[region] });
            expect(((x.spec as Obj).template as { spec: { tolerations: Obj[] } }).spec.tolerations).toEqual([{ key: "intelgraph.io/graph", operator: "Equal", value: "true", effect: "NoSchedule" }]);
        }
    });

    it("is created once the graph nodes, pod networking, DNS and the EBS CSI driver exist, and removed before them", () => {
        const needed = [
            ...ofType(s(), "aws:eks/nodeGroup:NodeGroup").filter((g) => g.name.startsWith("eks-ng-graph-")),
            ...["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver"].map((a) => one(s(), "aws:eks/addon:Addon", `eks-addon-${a}`)),
        ].map((r) => r.urn);
        expect(needed).toHaveLength(7);
        for (const set of ofType(s(), "kubernetes:apps/v1:StatefulSet")) expect(set.dependencies, set.name).toEqual(expect.arrayContaining(needed));
    });

    it("accepts the licence from config (NEO4J_ACCEPT_LICENSE_AGREEMENT) and takes the admin password from a secret", () => {
        for (const x of sets()) expect(env(x)).toMatchObject({ NEO4J_ACCEPT_LICENSE_AGREEMENT: "yes", NEO4J_AUTH: "(from secret)" });
        const auth = one(s(), "kubernetes:core/v1:Secret", "neo4j-auth");
        // The Kubernetes provider keeps a Secret's whole stringData secret.
        expect((auth.inputs.stringData as Obj)[SIG_KEY]).toBe(SECRET_SIG);
        expect(Object.keys((inputsOf(auth).stringData as Obj))).toEqual(["NEO4J_AUTH"]);
    });

    it("discovers the cluster through the LIST of the primaries' fixed addresses, never another cluster's in-cluster names", () => {
        for (const x of sets()) {
            const e = env(x);
            expect(e.NEO4J_dbms_cluster_discovery_resolver__type).toBe("LIST");
            expect(e.NEO4J_dbms_cluster_discovery_version).toBe("V2_ONLY");
            expect(e.NEO4J_dbms_cluster_discovery_v2_endpoints).toBe("10.10.63.244:6000,10.10.127.244:6000,10.10.191.244:6000");
            expect(e.NEO4J_dbms_cluster_discovery_v2_endpoints).not.toContain("svc.cluster.local");
            expect(e.NEO4J_dbms_cluster_minimum__initial__system__primaries__count).toBe("3");
            expect(e.NEO4J_initial_dbms_automatically__enable__free__servers).toBe("true");
        }
        // The secondary read the list from the primary's outputs.
        expect(mustGet(stacks, "us-west-2").outputs.neo4jClusterAddresses).toEqual(ADDRESSES["us-west-2"].map((a) => `${a}:6000`));
    });

    it("advertises every port under the server's fixed NLB address", () => {
        sets().forEach((x, i) => {
            const a = ADDRESSES[region][i];
            expect(env(x)).toMatchObject({
                NEO4J_server_default__advertised__address: a,
                NEO4J_server_bolt_advertised__address: `${a}:7687`,
                NEO4J_server_cluster_advertised__address: `${a}:6000`,
                NEO4J_server_cluster_raft_advertised__address: `${a}:7000`,
                NEO4J_server_routing_advertised__address: `${a}:7688`,
            });
            const svc = services().find((v) => (v.metadata as Obj).name === `intelgraph-graph-${i}`)!;
            expect((svc.spec as { ports: { port: number }[] }).ports.map((p) => p.port).sort()).toEqual([6000, 6362, 7000, 7473, 7474, 7687, 7688]);
        });
        expect(s().outputs.neo4jAddresses).toEqual(ADDRESSES[region]);
    });

    it(region === "us-east-1" ? "joins as secondaries: mode constraint SECONDARY, system database as secondary, tagged with its region" : "forms the cluster as primaries: no mode constraint, system database primary, tagged with its region", () => {
        const tag = region.replace(/-/g, "");
        for (const x of sets()) {
            expect(env(x)).toMatchObject({
                NEO4J_initial_server_mode__constraint: region === "us-east-1" ? "SECONDARY" : "NONE",
                NEO4J_server_cluster_system__database__mode: region === "us-east-1" ? "SECONDARY" : "PRIMARY",
                NEO4J_initial_server_tags: tag,
            });
        }
    });

    it("routes reads to the client's region through the server_policies plugin, a policy per region of the zone", () => {
        for (const x of sets()) {
            expect(env(x)).toMatchObject({
                NEO4J_dbms_routing_load__balancing_plugin: "server_policies",
                NEO4J_dbms_routing_load__balancing_config_server__policies_uswest2: "tags(uswest2);all();",
                NEO4J_dbms_routing_load__balancing_config_server__policies_useast1: "tags(useast1);all();",
            });
        }
        expect(s().outputs.neo4jBoltEndpoint).toBe(`neo4j://intelgraph-graph.neo4j.svc.cluster.local:7687?policy=${region.replace(/-/g, "")}`);
    });

    it("requires mutual TLS on the cluster scope, and TLS with an optional (verified) client certificate on bolt, which cypher-shell cannot present", () => {
        for (const x of sets()) {
            expect(env(x)).toMatchObject({
                NEO4J_dbms_ssl_policy_cluster_enabled: "true",
                NEO4J_dbms_ssl_policy_cluster_client__auth: "REQUIRE",
                NEO4J_dbms_ssl_policy_bolt_enabled: "true",
                NEO4J_dbms_ssl_policy_bolt_client__auth: "OPTIONAL",
                NEO4J_server_bolt_tls__level: "REQUIRED",
            });
        }
    });

    it("binds each server's pod to its NLB's target groups (cluster, raft, bolt, routing) through TargetGroupBindings", () => {
        const tgbs = ofType(s(), "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding").filter((t) => t.name.startsWith("neo4j-"));
        expect(tgbs).toHaveLength(12);
        for (const [i, port] of [0, 1, 2].flatMap((i) => [6000, 7000, 7687, 7688].map((p) => [i, p] as const))) {
            const tgb = inputsOf(tgbs.find((t) => t.name === `neo4j-tgb-${i}-${port}`)!);
            const tg = one(s(), "aws:lb/targetGroup:TargetGroup", `neo4j-nlb-tg-${i}-${port}`);
            expect(tgb.spec).toEqual({ serviceRef: { name: `intelgraph-graph-${i}`, port }, targetGroupARN: outputsOf(tg).arn, targetType: "ip", ipAddressType: "ipv4", vpcID: s().outputs.vpcId });
            expect(inputsOf(tg)).toMatchObject({ targetType: "ip", protocol: "TCP", port, preserveClientIp: "false" });
        }
        // The controller may register targets in them.
        const tgbDeps = tgbs[0].dependencies;
        expect(tgbDeps).toContain(one(s(), "kubernetes:helm.sh/v3:Release").urn);
    });

    it("probes the cluster port, which listens before the cluster forms (the NLBs register only ready pods)", () => {
        const c = ((sets()[0].spec as Obj).template as { spec: { containers: Obj[] } }).spec.containers[0];
        for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) expect((c[probe] as Obj).tcpSocket).toEqual({ port: 6000 });
    });

    it("records the replication lag bound where the lag alarm and the RPO model read it", () => {
        expect(inputsOf(one(s(), "kubernetes:core/v1:ConfigMap", "neo4j-replication"))).toMatchObject({
            metadata: { name: "intelgraph-graph-replication", namespace: "neo4j" },
            data: { lagBoundSeconds: "30", lagDetectionSeconds: "30" },
        });
    });

    it("needs no Kubernetes API access for discovery", () => {
        expect(ofType(s(), "kubernetes:rbac.authorization.k8s.io/v1:Role").filter((r) => r.name.startsWith("neo4j-"))).toHaveLength(0);
        for (const x of sets()) expect(((x.spec as Obj).template as { spec: Obj }).spec.serviceAccountName).toBe("intelgraph-graph");
    });

    it("allows at most one server down (PodDisruptionBudget)", () => {
        expect(inputsOf(one(s(), "kubernetes:policy/v1:PodDisruptionBudget")).spec).toEqual({
            maxUnavailable: 1,
            selector: { matchLabels: { "app.kubernetes.io/name": "neo4j", "app.kubernetes.io/instance": "intelgraph-graph", "app.kubernetes.io/component": ROLE[region] } },
        });
    });

    it("keeps data on retained, encrypted volumes and protects the StatefulSets", () => {
        for (const r of ofType(s(), "kubernetes:apps/v1:StatefulSet")) {
            const spec = inputsOf(r).spec as Obj;
            expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
            // Ownership is fixed once, not walked over the whole volume at every start.
            expect((spec.template as { spec: { securityContext: Obj } }).spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 7474, runAsGroup: 7474, fsGroup: 7474, fsGroupChangePolicy: "OnRootMismatch" });
            expect((spec.volumeClaimTemplates as { spec: Obj }[])[0].spec).toMatchObject({ storageClassName: "gp3-encrypted", resources: { requests: { storage: "200Gi" } } });
            expect(r.protect).toBe(true);
        }
        expect(inputsOf(one(s(), "kubernetes:storage.k8s.io/v1:StorageClass", "eks-gp3-encrypted")).reclaimPolicy).toBe("Retain");
    });

    it("sets resource requests and limits", () => {
        const c = ((sets()[0].spec as Obj).template as { spec: { containers: Obj[] } }).spec.containers[0];
        // 8 GiB heap + 16 GiB page cache + a third of them (8 GiB) for native memory and the JVM (components/graph/memory.ts).
        expect(c.resources).toEqual({ requests: { cpu: "2", memory: "32Gi" }, limits: { memory: "32Gi" } });
    });

    it("signs each server's certificate with the one cluster CA (created by us-west-2) for its fixed IP and names, for server and client auth", () => {
        const west = mustGet(stacks, "us-west-2");
        const ca = one(west, "tls:index/selfSignedCert:SelfSignedCert");
        expect(inputsOf(ca)).toMatchObject({ isCaCertificate: true, allowedUses: ["cert_signing", "crl_signing", "digital_signature"] });
        expect(ofType(s(), "tls:index/selfSignedCert:SelfSignedCert")).toHaveLength(region === "us-west-2" ? 1 : 0);
        const csrs = ofType(s(), "tls:index/certRequest:CertRequest").map(inputsOf);
        expect(csrs.map((c) => (c.dnsNames as string[])[0])).toEqual([0, 1, 2].map((i) => `intelgraph-graph-${i}.neo4j.svc.cluster.local`));
        expect(csrs.map((c) => c.ipAddresses)).toEqual(ADDRESSES[region].map((a) => [a]));
        for (const cert of ofType(s(), "tls:index/locallySignedCert:LocallySignedCert")) {
            expect(inputsOf(cert).allowedUses).toEqual(["digital_signature", "key_encipherment", "server_auth", "client_auth"]);
            expect(inputsOf(cert).caCertPem).toBe(outputsOf(ca).certPem);
            // The CA key stays a secret end to end (in us-east-1 it comes from the primary's secret output).
            expect((cert.inputs.caPrivateKeyPem as Obj)[SIG_KEY]).toBe(SECRET_SIG);
        }
    });

    it("stores TLS material as kubernetes.io/tls Secrets whose private keys stay secret", () => {
        const secrets = ofType(s(), "kubernetes:core/v1:Secret").filter((x) => x.name.startsWith("neo4j-tls-"));
        expect(secrets).toHaveLength(3);
        for (const x of secrets) {
            expect(inputsOf(x).type).toBe("kubernetes.io/tls");
            expect((x.inputs.stringData as Obj)[SIG_KEY]).toBe(SECRET_SIG);
            expect(Object.keys(inputsOf(x).stringData as Obj).sort()).toEqual(["ca.crt", "tls.crt", "tls.key"]);
        }
    });

    it("backs up every server to the region's bucket on a schedule, through an IRSA role scoped to that bucket", () => {
        const job = inputsOf(one(s(), "kubernetes:batch/v1:CronJob", "neo4j-backup"));
        const spec = job.spec as { schedule: string; suspend: boolean; concurrencyPolicy: string; jobTemplate: { spec: { template: { spec: { serviceAccountName: string; containers: { command: string[] }[] } } } } };
        expect(spec.schedule).toBe("*/15 * * * *");
        expect(spec.concurrencyPolicy).toBe("Forbid");
        expect(spec.suspend).toBe(region === "us-east-1");
        const pod = spec.jobTemplate.spec.template.spec;
        const bucket = s().outputs.neo4jBackupBucketName as string;
        const [shell, flag, script] = pod.containers[0].command;
        expect([shell, flag]).toEqual(["/bin/sh", "-c"]);
        // A new chain folder every 7 days (fullBackupEveryDays): its first run is the chain's FULL.
        expect(script).toContain("chain=$(( $(date -u +%s) / 86400 / 7 * 7 ))");
        expect(script).toContain(`--to-path=s3://${bucket}/neo4j/${region}/chain-\${chain}/ --type=AUTO`);
        expect(script).toContain("intelgraph-graph-2.neo4j.svc.cluster.local:6362");
        const sa = inputsOf(one(s(), "kubernetes:core/v1:ServiceAccount", "neo4j-backup-sa"));
        const role = one(s(), "aws:iam/role:Role", "neo4j-backup-role");
        expect((sa.metadata as { annotations: Obj }).annotations["eks.amazonaws.com/role-arn"]).toBe(outputsOf(role).arn);
        expect(pod.serviceAccountName).toBe("neo4j-backup");
        const policy = JSON.parse(inputsOf(one(s(), "aws:iam/rolePolicy:RolePolicy", "neo4j-backup-role-inline")).policy as string) as { Statement: { Resource: string }[] };
        expect(policy.Statement.map((x) => x.Resource)).toEqual([`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/neo4j/*`, outputsOf(one(s(), "aws:kms/key:Key")).arn]);
    });

    it("keeps backups in a versioned, KMS-encrypted, non-public bucket with a lifecycle", () => {
        expect(inputsOf(one(s(), "aws:s3/bucketVersioning:BucketVersioning", "neo4j-backups-versioning")).versioningConfiguration).toEqual({ status: "Enabled" });
        expect((inputsOf(one(s(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "neo4j-backups-encryption")).rules as Obj[])[0]).toEqual({
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: outputsOf(one(s(), "aws:kms/key:Key")).arn },
            bucketKeyEnabled: true,
        });
        expect(inputsOf(one(s(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "neo4j-backups-public-access"))).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(one(s(), "aws:s3/bucket:Bucket", "neo4j-backups-bucket").protect).toBe(true);
    });

    it("exports the routing endpoints (fixed addresses), the CA certificate and the backup bucket; the CA key only from the primary, as a secret", () => {
        expect(s().outputs).toMatchObject({ neo4jBackupBucketName: `intelgraph-neo4j-backups-123456789012-${region}` });
        expect(s().outputs.neo4jRoutingEndpoint).toBe(ADDRESSES[region].map((a) => `${a}:7688`).join(","));
        expect(s().outputs.neo4jClusterCaCertPem).toBe(mustGet(stacks, "us-west-2").outputs.neo4jClusterCaCertPem);
        if (region === "us-west-2") expect((s().outputs.neo4jClusterCaKeyPem as Obj)[SIG_KEY]).toBe(SECRET_SIG);
        else expect(s().outputs.neo4jClusterCaKeyPem).toBeUndefined();
    });
});

describe("Neo4j backup replication (owned by the zone's interconnect stack)", () => {
    it("replicates the primary's bucket into the secondary's, re-encrypted with the secondary's key, from the primary's region", () => {
        const east = mustGet(stacks, "us-east-1");
        const west = mustGet(stacks, "us-west-2");
        const config = one(mustGet(stacks, "interconnect-us"), "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
        expect(config.provider).toContain("::aws-us-west-2::");
        const rule = (inputsOf(config).rules as Obj[])[0] as { destination: Obj; sourceSelectionCriteria: Obj };
        expect(inputsOf(config).bucket).toBe(west.outputs.neo4jBackupBucketName);
        expect(rule.destination).toMatchObject({
            bucket: east.outputs.neo4jBackupBucketArn,
            encryptionConfiguration: { replicaKmsKeyId: east.outputs.kmsKeyArn },
            replicationTime: { status: "Enabled", time: { minutes: 15 } },
        });
        expect(rule.sourceSelectionCriteria).toEqual({ sseKmsEncryptedObjects: { status: "Enabled" } });
        expect(ofType(west, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toHaveLength(0);
        expect(ofType(east, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toHaveLength(0);
    });
});

describe("Neo4jCluster with its own args", () => {
    const zones = neo4jTestZones;
    const args = neo4jTestArgs;
    const build = planNeo4jTestCluster;

    it("a 4-server cluster over 4 AZs: 4 protected StatefulSets, each pinned to its AZ and waiting for the nodes, 4 Services and 4 certificates", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const sets = p.ofType("kubernetes:apps/v1:StatefulSet");
        expect(sets).toHaveLength(4);
        expect(p.ofType("kubernetes:core/v1:Service").filter((s) => /^neo4j-svc-\d$/.test(s.name))).toHaveLength(4);
        expect(p.ofType("tls:index/locallySignedCert:LocallySignedCert")).toHaveLength(4);
        const nodes = p.one("random:index/randomId:RandomId", "graph-nodes");
        for (let i = 0; i < 4; i++) {
            const set = p.one("kubernetes:apps/v1:StatefulSet", `neo4j-server-${i}`);
            expect(set.protect).toBe(true);
            expect(set.dependencies).toEqual(expect.arrayContaining([nodes.urn]));
            const spec = p.inputs(set.type, set.name).spec as {
                template: { spec: { nodeSelector: Record<string, string>; containers: { env: { name: string; value?: string }[]; resources: unknown }[] } };
                volumeClaimTemplates: { spec: { storageClassName: string; resources: unknown } }[];
                persistentVolumeClaimRetentionPolicy: unknown;
            };
            expect(spec.template.spec.nodeSelector).toEqual({ "topology.kubernetes.io/zone": zones(4)[i], tier: "graph" });
            const env = Object.fromEntries(spec.template.spec.containers[0].env.map((e) => [e.name, e.value]));
            expect(env).toMatchObject({
                NEO4J_ACCEPT_LICENSE_AGREEMENT: "eval",
                NEO4J_initial_dbms_default__primaries__count: "4",
                NEO4J_server_memory_heap_max__size: "4g",
                NEO4J_server_memory_pagecache_size: "6g",
            });
            expect(spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: "2", memory: "14Gi" }, limits: { memory: "14Gi" } });
            expect(spec.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: "gp3-encrypted", resources: { requests: { storage: "50Gi" } } });
            expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
        }
        const job = p.one("kubernetes:batch/v1:CronJob");
        expect(p.inputs(job.type, job.name).spec).toMatchObject({ schedule: "0 * * * *", suspend: true, concurrencyPolicy: "Forbid" });
        expect(job.dependencies).toEqual(expect.arrayContaining(sets.map((s) => s.urn)));
        expect(p.inputs("kubernetes:policy/v1:PodDisruptionBudget").spec).toMatchObject({ maxUnavailable: 1 });
    });

    it("runs the backup job when not suspended, to the given bucket", async () => {
        const p = await build({ backup: { ...args(4).backup, suspended: false } });
        const spec = p.inputs("kubernetes:batch/v1:CronJob").spec as { suspend: boolean; jobTemplate: { spec: { template: { spec: { containers: { command: string[] }[] } } } } };
        expect(spec.suspend).toBe(false);
        expect(spec.jobTemplate.spec.template.spec.containers[0].command[2]).toContain("--to-path=s3://test-backups/neo4j/eu-west-1/chain-${chain}/");
    });

    it("two secondaries with the primary's CA: no CA of their own, discovery of the given primaries, promoted settings once promoted", async () => {
        const role = { kind: "secondary" as const, discoveryEndpoints: ["10.9.0.1:6000", "10.9.0.2:6000", "10.9.0.3:6000"], primaries: 3, promoted: false, ca: { certPem: pulumi.output("CA-CERT"), privateKeyPem: pulumi.secret("CA-KEY") } };
        const p = await build({ role, servers: 2, availabilityZones: zones(2), endpoints: args(2).endpoints }, 2);
        expect(p.error).toBeUndefined();
        expect(p.ofType("tls:index/selfSignedCert:SelfSignedCert")).toHaveLength(0);
        for (const cert of p.ofType("tls:index/locallySignedCert:LocallySignedCert")) expect(p.inputs(cert.type, cert.name).caCertPem).toBe("CA-CERT");
        const envOf = (r: Awaited<ReturnType<typeof build>>, i: number) => env(r.inputs("kubernetes:apps/v1:StatefulSet", `neo4j-server-${i}`));
        expect(envOf(p, 1)).toMatchObject({
            NEO4J_initial_server_mode__constraint: "SECONDARY",
            NEO4J_server_cluster_system__database__mode: "SECONDARY",
            NEO4J_dbms_cluster_discovery_v2_endpoints: "10.9.0.1:6000,10.9.0.2:6000,10.9.0.3:6000",
            NEO4J_initial_dbms_default__primaries__count: "3",
            NEO4J_server_cluster_advertised__address: "10.30.1.244:6000",
        });
        // After the runbook set intelgraph:neo4j.promoted: the settings the promotion restarted them with (promotion.ts).
        const promoted = await build({ role: { ...role, promoted: true }, servers: 2, availabilityZones: zones(2), endpoints: args(2).endpoints }, 2);
        expect(envOf(promoted, 0)).toMatchObject({
            NEO4J_server_cluster_system__database__mode: "PRIMARY",
            NEO4J_dbms_cluster_minimum__initial__system__primaries__count: "2",
            NEO4J_dbms_cluster_discovery_v2_endpoints: "10.30.0.244:6000,10.30.1.244:6000",
        });
    });

    const refused = "Neo4jCluster 'neo4j': ";
    it.each<[string, Partial<Neo4jClusterArgs>, string]>([
        ["servers not matching the AZs", { availabilityZones: zones(3) }, "servers (4) must equal the number of availabilityZones (3): one server per AZ, pinned to its zonal volume"],
        ["fewer than 3 servers", { servers: 2, availabilityZones: zones(2), endpoints: args(2).endpoints }, "servers must be a whole number of at least 3 (a Raft majority survives losing one), got 2"],
        ["a secondary alone", { role: { kind: "secondary", discoveryEndpoints: ["a:6000", "b:6000", "c:6000"], primaries: 3, promoted: false, ca: { certPem: pulumi.output("c"), privateKeyPem: pulumi.output("k") } }, servers: 1, availabilityZones: zones(1), endpoints: args(1).endpoints }, "servers must be a whole number from 2 to the number of availabilityZones (1) for secondaries, got 1"],
        ["an address missing", { endpoints: args(3).endpoints }, "endpoints must give each of the 4 servers its fixed address, got 3"],
        ["a heap beyond compressed pointers", { heapGi: 32 }, "heapGi must be a whole number from 1 to 31, got 32"],
        ["heap and page cache beyond one node", { heapGi: 31, pageCacheGi: 240, storageGi: 500 }, "heapGi + pageCacheGi + their overhead (362 GiB, each server's memory request; components/graph/memory.ts) must not exceed 256 GiB"],
        ["a page cache larger than the store", { pageCacheGi: 64 }, "pageCacheGi (64) must not exceed storageGi (50): a page cache larger than the store holds nothing more"],
        ["a Community image", { image: "neo4j:5.26.2" }, 'image must be a pinned Neo4j 5 Enterprise image such as neo4j:5.26.1-enterprise, optionally @sha256:<digest> (clustering needs Enterprise), got "neo4j:5.26.2"'],
        ["a bad cron schedule", { backup: { ...args(4).backup, schedule: "hourly" } }, 'backup.schedule must be a five-field cron expression, got "hourly"'],
        ["FULL backups further apart than 28 days", { backup: { ...args(4).backup, fullEveryDays: 30 } }, "backup.fullEveryDays must be a whole number from 1 to 28, got 30"],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), Neo4jCluster, refused + problem);
    });
});
