import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Problems, duplicatesOf, isDnsLabel, isIntIn } from "../boundary";
import { backupJob } from "./backupJob";
import { CERTIFICATES_HASH_ANNOTATION, type ClusterCa, clusterCa, serverCertificate } from "./certificates";
import { GRAPH_PEER_PORTS, type GraphPeerPort } from "./GraphEndpoints";
import { neo4jMemoryGi } from "./memory";
import { promotedServerSettings } from "./promotion";
import { REPLICATION_CONFIGMAP } from "../../policy-pack/contracts/neo4jLabels";
import { NEO4J_LABELS, NEO4J_PORTS, NEO4J_PORT_NAMES, envName, regionTag, serverIdentity, serverSettings } from "./neo4jSettings";

/**
 * The region's part in the cluster. The primary region forms it and creates its CA; the other region's servers are
 * secondaries that discover the primaries at their fixed addresses and hold certificates of the same CA.
 */
export type Neo4jClusterRole =
    | { readonly kind: "primary" }
    | {
          readonly kind: "secondary";
          /** host:port of the primaries' cluster addresses (the primary stack's output). */
          readonly discoveryEndpoints: readonly string[];
          /** The primary's CA (its secret stack outputs). */
          readonly ca: ClusterCa;
          /** The number of primaries the cluster was formed with. */
          readonly primaries: number;
          /** After a promotion (stack config): the servers host the system database as its primaries. */
          readonly promoted: boolean;
      };

export interface Neo4jClusterArgs {
    /** Value of app.kubernetes.io/instance; also the prefix of every server's name. */
    readonly clusterName: string;
    readonly namespace: string;
    /** One server per AZ, pinned there: its EBS volume is zonal. */
    readonly availabilityZones: readonly string[];
    readonly servers: number;
    readonly role: Neo4jClusterRole;
    /** The region's name (server tag, routing policy) and every region of the cluster. */
    readonly region: string;
    readonly regions: readonly string[];
    /** Per server, its fixed address and the NLB target groups of its peer ports (GraphEndpoints). */
    readonly endpoints: readonly { readonly address: string; readonly targetGroupArns: Readonly<Record<GraphPeerPort, pulumi.Input<string>>> }[];
    readonly vpcId: pulumi.Input<string>;
    /** The AWS Load Balancer Controller's release: it admits and reconciles the TargetGroupBindings. */
    readonly loadBalancerController: pulumi.Resource;
    /** The secondaries' replication lag bound and the time to notice a breach (the graph's RPO: REPLICATION_CONFIGMAP). */
    readonly replicationLag: { readonly boundSeconds: number; readonly detectionSeconds: number };
    readonly image: string;
    readonly acceptLicenseAgreement: "yes" | "eval";
    readonly storageGi: number;
    readonly heapGi: number;
    readonly pageCacheGi: number;
    /** The encrypted, Retain StorageClass of the region's EKS cluster. */
    readonly storageClassName: pulumi.Input<string>;
    /**
     * The graph nodes and cluster add-ons the servers need to become ready (the provider waits for that), kept until
     * the servers are gone on destroy.
     */
    readonly nodesReady: readonly pulumi.Resource[];
    /** Node label and taint of the graph node groups. */
    readonly nodeTier: { readonly label: string; readonly value: string; readonly taint: { readonly key: string; readonly value: string; readonly effect: string } };
    readonly backup: {
        readonly bucketName: pulumi.Input<string>;
        /** IRSA role allowed to write the bucket (and use the regional key), bound to the backup service account. */
        readonly roleArn: pulumi.Input<string>;
        readonly serviceAccount: string;
        readonly schedule: string;
        /** Every this many days the job starts a new chain with a FULL backup (components/graph/backup.ts). */
        readonly fullEveryDays: number;
        readonly region: string;
        /** Where the graph is not written the job waits, suspended; the failover runbook starts it (stack config). */
        readonly suspended: boolean;
    };
}

const ZONE_KEY = "topology.kubernetes.io/zone";

/**
 * Neo4j 5 Enterprise cluster on the region's EKS graph nodes, as explicit Kubernetes objects: one StatefulSet
 * and one Service per server (stable advertised addresses, one server per AZ), K8S discovery (v2, by label
 * selector and named port) with a ServiceAccount allowed to list services and endpoints, mutual TLS between
 * servers from a cluster CA, a PodDisruptionBudget of one, retained volumes, and scheduled backups to S3.
 */
export class Neo4jCluster extends pulumi.ComponentResource {
    /** host:port of every server's cluster (discovery v2) address: the primaries' list is the other region's discovery. */
    readonly clusterAddresses: string[];
    readonly caCertPem: pulumi.Output<string>;
    /** Secret. */
    readonly caPrivateKeyPem: pulumi.Output<string>;
    readonly boltEndpoint: pulumi.Output<string>;
    readonly routingEndpoint: pulumi.Output<string>;
    readonly serverNames: string[];
    readonly namespace: pulumi.Output<string>;
    /** In-cluster DNS names of this region's servers (in their certificates' SANs). */
    readonly serverFqdns: string[];
    /** The Secret holding NEO4J_AUTH. */
    readonly authSecretName: pulumi.Output<string>;
    /** A Secret holding the cluster CA as `ca.crt` (server 0's TLS Secret): clients mount that key only. */
    readonly caSecretName: pulumi.Output<string>;

    constructor(name: string, args: Neo4jClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:graph:Neo4jCluster", name, {}, opts);
        validateArgs(args).throwIfAny(this, "Neo4jCluster", name);
        const child = { parent: this };
        const role = args.role.kind;
        const labels = { [NEO4J_LABELS.name]: "neo4j", [NEO4J_LABELS.instance]: args.clusterName, [NEO4J_LABELS.component]: role };
        const addresses = args.endpoints.map((e) => e.address);
        const clusterAddresses = addresses.map((a) => `${a}:${NEO4J_PORTS.cluster}`);
        const discoveryEndpoints = args.role.kind === "primary" ? clusterAddresses : args.role.discoveryEndpoints;
        const primaries = args.role.kind === "primary" ? args.servers : args.role.primaries;
        const servers = Array.from({ length: args.servers }, (_, i) => serverIdentity(args.clusterName, args.namespace, i));

        const ns = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace, labels: { [NEO4J_LABELS.name]: "neo4j" } } }, child);
        const inNs = (n: string, extra: Record<string, string> = {}) => ({ name: n, namespace: ns.metadata.name, labels: { ...labels, ...extra } });

        // Discovery is a LIST of fixed addresses: the servers need no Kubernetes API access.
        const sa = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: inNs(args.clusterName), automountServiceAccountToken: false }, child);

        const password = new random.RandomPassword(`${name}-admin-password`, { length: 32, special: false }, child);
        const auth = new k8s.core.v1.Secret(
            `${name}-auth`,
            { metadata: inNs(`${args.clusterName}-auth`), type: "Opaque", stringData: { NEO4J_AUTH: pulumi.interpolate`neo4j/${password.result}` } },
            child,
        );

        const ca = args.role.kind === "primary" ? clusterCa(name, `${args.clusterName} cluster CA`, this) : args.role.ca;
        const tlsSecrets = servers.map((s, i) => serverCertificate(name, s, addresses[i], ca, inNs(`${s.name}-tls`), this));

        const sets = servers.map((s, i) => {
            const az = args.availabilityZones[i % args.availabilityZones.length];
            const podLabels = { ...labels, "intelgraph.io/neo4j-server": s.name };
            const service = new k8s.core.v1.Service(
                `${name}-svc-${i}`,
                {
                    metadata: inNs(s.name, { "intelgraph.io/neo4j-server": s.name }),
                    spec: {
                        type: "ClusterIP",
                        // Peers must resolve each other before any of them is ready (cluster formation).
                        publishNotReadyAddresses: true,
                        selector: podLabels,
                        ports: (Object.keys(NEO4J_PORTS) as (keyof typeof NEO4J_PORTS)[]).map((k) => ({ name: NEO4J_PORT_NAMES[k], port: NEO4J_PORTS[k], targetPort: NEO4J_PORTS[k], protocol: "TCP" })),
                    },
                },
                child,
            );
            // The pod's ports behind its NLB: the controller keeps each target group's member equal to the Service's
            // ready endpoint (the pattern of components/edge/ApiTargetBinding.ts).
            for (const port of GRAPH_PEER_PORTS) {
                new k8s.apiextensions.CustomResource(
                    `${name}-tgb-${i}-${NEO4J_PORTS[port]}`,
                    {
                        apiVersion: "elbv2.k8s.aws/v1beta1",
                        kind: "TargetGroupBinding",
                        metadata: inNs(`${s.name}-${NEO4J_PORTS[port]}`, { "intelgraph.io/neo4j-server": s.name }),
                        // Given in full: the webhook would otherwise infer targetType, ipAddressType and vpcID, immutable afterwards.
                        spec: { serviceRef: { name: service.metadata.name, port: NEO4J_PORTS[port] }, targetGroupARN: args.endpoints[i].targetGroupArns[port], targetType: "ip", ipAddressType: "ipv4", vpcID: args.vpcId },
                    },
                    { ...child, dependsOn: [args.loadBalancerController] },
                );
            }
            const settings = serverSettings({
                server: s,
                role,
                address: addresses[i],
                discoveryEndpoints,
                region: args.region,
                regions: args.regions,
                primaries,
                heapGi: args.heapGi,
                pageCacheGi: args.pageCacheGi,
            });
            // The settings the promotion restarted the servers with (runbooks/region-failover.md): kept by every later up.
            if (args.role.kind === "secondary" && args.role.promoted) Object.assign(settings, promotedServerSettings(clusterAddresses));
            const memoryGi = neo4jMemoryGi(args.heapGi, args.pageCacheGi);
            return new k8s.apps.v1.StatefulSet(
                `${name}-server-${i}`,
                {
                    metadata: inNs(s.name),
                    spec: {
                        serviceName: s.name,
                        replicas: 1,
                        podManagementPolicy: "Parallel",
                        selector: { matchLabels: podLabels },
                        // Deleting or scaling the StatefulSet keeps the graph's volume (Retain StorageClass too).
                        persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
                        template: {
                            // A renewed certificate or CA changes the template, so the StatefulSet rolls the server.
                            metadata: { labels: podLabels, annotations: { [CERTIFICATES_HASH_ANNOTATION]: tlsSecrets[i].certificatesSha256 } },
                            spec: {
                                serviceAccountName: sa.metadata.name,
                                nodeSelector: { [ZONE_KEY]: az, [args.nodeTier.label]: args.nodeTier.value },
                                tolerations: [{ key: args.nodeTier.taint.key, operator: "Equal", value: args.nodeTier.taint.value, effect: "NoSchedule" }],
                                // OnRootMismatch: the kubelet changes ownership only when the volume's root does not already match, instead of
                                // walking the whole volume at every start (Kubernetes docs, "Configure a Security Context for a Pod or
                                // Container", fsGroupChangePolicy). The kubelet applies fsGroup to these ReadWriteOnce EBS volumes
                                // (the EBS CSI driver's fsGroupPolicy; kubernetes-sigs/aws-ebs-csi-driver#1982: not with ReadWriteOncePod).
                                securityContext: { runAsNonRoot: true, runAsUser: 7474, runAsGroup: 7474, fsGroup: 7474, fsGroupChangePolicy: "OnRootMismatch" },
                                terminationGracePeriodSeconds: 3600,
                                containers: [
                                    {
                                        name: "neo4j",
                                        image: args.image,
                                        env: [
                                            { name: "NEO4J_ACCEPT_LICENSE_AGREEMENT", value: args.acceptLicenseAgreement },
                                            { name: "NEO4J_AUTH", valueFrom: { secretKeyRef: { name: auth.metadata.name, key: "NEO4J_AUTH" } } },
                                            ...Object.entries(settings).map(([k, v]) => ({ name: envName(k), value: v })),
                                        ],
                                        ports: (Object.keys(NEO4J_PORTS) as (keyof typeof NEO4J_PORTS)[]).map((k) => ({ name: NEO4J_PORT_NAMES[k], containerPort: NEO4J_PORTS[k], protocol: "TCP" })),
                                        resources: {
                                            requests: { cpu: "2", memory: `${memoryGi}Gi` },
                                            limits: { memory: `${memoryGi}Gi` },
                                        },
                                        // On the cluster port, which listens before the cluster forms: peers reach a server only through
                                        // its NLB, and the controller registers only ready pods (kubernetes-sigs/aws-load-balancer-controller
                                        // #3678, #3197), so a probe waiting for Bolt (after formation) would keep the cluster from forming.
                                        startupProbe: { tcpSocket: { port: NEO4J_PORTS.cluster }, periodSeconds: 10, failureThreshold: 120 },
                                        readinessProbe: { tcpSocket: { port: NEO4J_PORTS.cluster }, periodSeconds: 10, failureThreshold: 3 },
                                        livenessProbe: { tcpSocket: { port: NEO4J_PORTS.cluster }, periodSeconds: 20, failureThreshold: 6 },
                                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                                        volumeMounts: [
                                            { name: "data", mountPath: "/data" },
                                            { name: "tls", mountPath: "/ssl/cluster", readOnly: true },
                                        ],
                                    },
                                ],
                                volumes: [
                                    {
                                        name: "tls",
                                        secret: {
                                            secretName: tlsSecrets[i].secret.metadata.name,
                                            items: [
                                                { key: "tls.crt", path: "public.crt" },
                                                { key: "tls.key", path: "private.key" },
                                                { key: "ca.crt", path: "trusted/ca.crt" },
                                            ],
                                        },
                                    },
                                ],
                            },
                        },
                        volumeClaimTemplates: [
                            {
                                metadata: { name: "data" },
                                spec: { accessModes: ["ReadWriteOnce"], storageClassName: args.storageClassName, resources: { requests: { storage: `${args.storageGi}Gi` } } },
                            },
                        ],
                    },
                },
                // The servers' data lives on their volumes; the StatefulSets are protected with them.
                { ...child, protect: true, dependsOn: [...args.nodesReady] },
            );
        });

        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: inNs(`${args.clusterName}-${role === "primary" ? "primaries" : "secondaries"}`), spec: { maxUnavailable: 1, selector: { matchLabels: labels } } }, child);

        // Client entry point: drivers connect with neo4j:// and are routed to the leader for writes.
        const client = new k8s.core.v1.Service(
            `${name}-client`,
            {
                metadata: { name: args.clusterName, namespace: ns.metadata.name, labels: { [NEO4J_LABELS.name]: "neo4j", [NEO4J_LABELS.instance]: args.clusterName } },
                spec: { type: "ClusterIP", selector: labels, ports: [{ name: NEO4J_PORT_NAMES.bolt, port: NEO4J_PORTS.bolt, targetPort: NEO4J_PORTS.bolt, protocol: "TCP" }] },
            },
            child,
        );

        // Read by the plan's RPO model (policy-pack/lib/resilience.ts). The lag alarm does not read it: Neo4j measures
        // lag in transactions (components/graph/lagExporter.ts), so its threshold is intelgraph:alerts.graphLagTransactions.
        new k8s.core.v1.ConfigMap(
            `${name}-replication`,
            {
                metadata: { name: REPLICATION_CONFIGMAP, namespace: ns.metadata.name, labels: { [NEO4J_LABELS.name]: "neo4j", [NEO4J_LABELS.instance]: args.clusterName, [NEO4J_LABELS.component]: "replication" } },
                data: { lagBoundSeconds: String(args.replicationLag.boundSeconds), lagDetectionSeconds: String(args.replicationLag.detectionSeconds) },
            },
            child,
        );

        const { backup } = args;
        backupJob(
            name,
            { clusterName: args.clusterName, namespace: args.namespace, image: args.image, acceptLicenseAgreement: args.acceptLicenseAgreement, ...backup },
            servers,
            inNs,
            this,
            sets,
        );

        this.serverNames = servers.map((s) => s.name);
        this.serverFqdns = servers.map((s) => s.fqdn);
        this.authSecretName = auth.metadata.name;
        this.caSecretName = tlsSecrets[0].secret.metadata.name;
        this.namespace = ns.metadata.name;
        this.clusterAddresses = clusterAddresses;
        this.caCertPem = ca.certPem;
        this.caPrivateKeyPem = pulumi.secret(ca.privateKeyPem);
        // Clients bind to their region's routing policy: reads stay in the region, writes go to the primaries.
        this.boltEndpoint = pulumi.interpolate`neo4j://${client.metadata.name}.${args.namespace}.svc.cluster.local:${NEO4J_PORTS.bolt}?policy=${regionTag(args.region)}`;
        this.routingEndpoint = pulumi.output(addresses.map((a) => `${a}:${NEO4J_PORTS.routing}`).join(","));
        this.registerOutputs({ boltEndpoint: this.boltEndpoint, routingEndpoint: this.routingEndpoint, serverNames: this.serverNames });
    }
}

/** Above 31 GiB the JVM loses compressed object pointers: a bigger heap holds fewer objects (Neo4j Operations Manual, memory configuration). */
export const NEO4J_MAX_HEAP_GI = 31;
/** What a server's container may request (neo4jMemoryGi): beyond it no single memory-optimised node (r6i.8xlarge: 256 GiB) holds a server. */
export const NEO4J_MAX_MEMORY_GI = 256;

function validateArgs(args: Neo4jClusterArgs): Problems {
    const p = new Problems();
    const azs = args.availabilityZones;
    if (args.role.kind === "primary") {
        p.check(isIntIn(args.servers, 3), `servers must be a whole number of at least 3 (a Raft majority survives losing one), got ${args.servers}`);
        p.check(args.servers === azs.length, `servers (${args.servers}) must equal the number of availabilityZones (${azs.length}): one server per AZ, pinned to its zonal volume`);
    } else {
        // Secondaries vote on nothing; two keep a copy when one is lost.
        p.check(isIntIn(args.servers, 2, azs.length), `servers must be a whole number from 2 to the number of availabilityZones (${azs.length}) for secondaries, got ${args.servers}`);
        p.check(args.role.discoveryEndpoints.length >= 3, `role.discoveryEndpoints must list the primaries' cluster addresses (at least 3), got ${args.role.discoveryEndpoints.length}`);
    }
    p.check(args.endpoints.length === args.servers, `endpoints must give each of the ${args.servers} servers its fixed address, got ${args.endpoints.length}`);
    p.check(isIntIn(args.replicationLag.boundSeconds, 1) && isIntIn(args.replicationLag.detectionSeconds, 1), `replicationLag must be whole numbers of seconds of at least 1, got ${JSON.stringify(args.replicationLag)}`);
    p.check(args.regions.includes(args.region), `regions must include this region ${args.region}, got ${args.regions.join(", ")}`);
    const dup = duplicatesOf([...azs]);
    p.check(dup.length === 0, `availabilityZones must be distinct, ${dup.join(", ")} is listed twice`);
    p.check(isIntIn(args.heapGi, 1, NEO4J_MAX_HEAP_GI), `heapGi must be a whole number from 1 to ${NEO4J_MAX_HEAP_GI}, got ${args.heapGi}`);
    p.check(isIntIn(args.pageCacheGi, 1), `pageCacheGi must be a whole number of at least 1, got ${args.pageCacheGi}`);
    p.check(isIntIn(args.storageGi, 1), `storageGi must be a whole number of at least 1, got ${args.storageGi}`);
    const memoryGi = neo4jMemoryGi(args.heapGi, args.pageCacheGi);
    p.check(memoryGi <= NEO4J_MAX_MEMORY_GI, `heapGi + pageCacheGi + their overhead (${memoryGi} GiB, each server's memory request; components/graph/memory.ts) must not exceed ${NEO4J_MAX_MEMORY_GI} GiB`);
    p.check(args.pageCacheGi <= args.storageGi, `pageCacheGi (${args.pageCacheGi}) must not exceed storageGi (${args.storageGi}): a page cache larger than the store holds nothing more`);
    p.check(isDnsLabel(args.namespace), `namespace must be a DNS label (lowercase letters, digits, "-"), got ${JSON.stringify(args.namespace)}`);
    // Servers are named <clusterName>-<index>, Service names (RFC 1035 labels).
    p.check(/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(args.clusterName) && args.clusterName.length <= 50, `clusterName must be a DNS label of at most 50 characters starting with a letter (servers are named <clusterName>-<index>), got ${JSON.stringify(args.clusterName)}`);
    p.check(isIntIn(args.backup.fullEveryDays, 1, 28), `backup.fullEveryDays must be a whole number from 1 to 28, got ${args.backup.fullEveryDays}`);
    p.check(args.backup.schedule.trim().split(/\s+/).length === 5, `backup.schedule must be a five-field cron expression, got ${JSON.stringify(args.backup.schedule)}`);
    p.check(args.acceptLicenseAgreement === "yes" || args.acceptLicenseAgreement === "eval", `acceptLicenseAgreement must be "yes" or "eval", got ${JSON.stringify(args.acceptLicenseAgreement)}`);
    p.check(
        /:5\.\d+(\.\d+)?-enterprise(@sha256:[0-9a-f]{64})?$/.test(args.image),
        `image must be a pinned Neo4j 5 Enterprise image such as neo4j:5.26.1-enterprise, optionally @sha256:<digest> (clustering needs Enterprise), got ${JSON.stringify(args.image)}`,
    );
    return p;
}
