/**
 * Neo4j 5 cluster settings as pure functions: ports, per-server Service names, advertised addresses, the
 * certificate SANs that must cover them, and the environment the official image turns into neo4j.conf
 * (NEO4J_ + setting with "." -> "_" and "_" -> "__").
 */
import { NEO4J_LABELS } from "../../policy-pack/contracts/neo4jLabels";

export const NEO4J_PORTS = {
    bolt: 7687,
    http: 7474,
    https: 7473,
    /** Cluster-internal traffic; discovery v2 also runs here (5.23+: port 5000 is no longer used). */
    cluster: 6000,
    raft: 7000,
    routing: 7688,
    backup: 6362,
} as const;

/** Named Service ports; K8S discovery v2 finds peers by the name of the cluster port. */
export const NEO4J_PORT_NAMES: Record<keyof typeof NEO4J_PORTS, string> = {
    bolt: "tcp-bolt",
    http: "tcp-http",
    https: "tcp-https",
    cluster: "tcp-tx",
    raft: "tcp-raft",
    routing: "tcp-routing",
    backup: "tcp-backup",
};

/** The labels the policy pack finds the cluster by: a contract of the pack. */
export { NEO4J_LABELS };

export interface ServerIdentity {
    readonly index: number;
    readonly name: string;
    readonly namespace: string;
    /** The in-cluster DNS name every address of this server is advertised under. */
    readonly fqdn: string;
}

export function serverIdentity(cluster: string, namespace: string, index: number): ServerIdentity {
    const name = `${cluster}-${index}`;
    return { index, name, namespace, fqdn: `${name}.${namespace}.svc.cluster.local` };
}

/** Names a peer or client may use to reach the server: the certificate must cover all of them. */
export function certificateDnsNames(s: ServerIdentity): string[] {
    return [s.fqdn, `${s.name}.${s.namespace}.svc`, `${s.name}.${s.namespace}`, s.name];
}

/** Settings name -> docker env var name (neo4j image convention). */
export function envName(setting: string): string {
    return `NEO4J_${setting.replace(/_/g, "__").replace(/\./g, "_")}`;
}

export interface Neo4jServerSettings {
    readonly server: ServerIdentity;
    readonly clusterLabel: string;
    readonly servers: number;
    readonly heapGi: number;
    readonly pageCacheGi: number;
}

/** neo4j.conf settings of one primary server. */
export function serverSettings({ server, clusterLabel, servers, heapGi, pageCacheGi }: Neo4jServerSettings): Record<string, string> {
    const at = (port: number) => `${server.fqdn}:${port}`;
    return {
        "server.default_listen_address": "0.0.0.0",
        "server.default_advertised_address": server.fqdn,
        "server.bolt.advertised_address": at(NEO4J_PORTS.bolt),
        "server.cluster.advertised_address": at(NEO4J_PORTS.cluster),
        "server.cluster.raft.advertised_address": at(NEO4J_PORTS.raft),
        "server.routing.advertised_address": at(NEO4J_PORTS.routing),
        "server.backup.enabled": "true",
        "server.backup.listen_address": `0.0.0.0:${NEO4J_PORTS.backup}`,
        "initial.dbms.default_primaries_count": String(servers),
        "dbms.cluster.minimum_initial_system_primaries_count": String(servers),
        "dbms.cluster.discovery.version": "V2_ONLY",
        "dbms.cluster.discovery.resolver_type": "K8S",
        "dbms.kubernetes.label_selector": `${NEO4J_LABELS.instance}=${clusterLabel},${NEO4J_LABELS.component}=primary`,
        "dbms.kubernetes.discovery.v2.service_port_name": NEO4J_PORT_NAMES.cluster,
        "dbms.routing.enabled": "true",
        "server.memory.heap.initial_size": `${heapGi}g`,
        "server.memory.heap.max_size": `${heapGi}g`,
        "server.memory.pagecache.size": `${pageCacheGi}g`,
        // Cluster traffic is mutual TLS with certificates from the cluster CA; Bolt is TLS for clients.
        "dbms.ssl.policy.cluster.enabled": "true",
        "dbms.ssl.policy.cluster.base_directory": "/ssl/cluster",
        "dbms.ssl.policy.cluster.client_auth": "REQUIRE",
        "dbms.ssl.policy.cluster.private_key": "private.key",
        "dbms.ssl.policy.cluster.public_certificate": "public.crt",
        "dbms.ssl.policy.bolt.enabled": "true",
        "dbms.ssl.policy.bolt.base_directory": "/ssl/cluster",
        "dbms.ssl.policy.bolt.client_auth": "NONE",
        "dbms.ssl.policy.bolt.private_key": "private.key",
        "dbms.ssl.policy.bolt.public_certificate": "public.crt",
        "server.bolt.tls_level": "REQUIRED",
    };
}
