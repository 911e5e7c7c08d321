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

/**
 * How a server takes part in the cluster. The primary region's servers host the primaries; the other region's are
 * secondaries of the same cluster that never host a database as a primary while the primary region is healthy.
 */
export type ServerRole = "primary" | "secondary";

/** A region's name as a server tag and routing-policy name: letters and digits only (env var and DSL safe). */
export function regionTag(region: string): string {
    return region.replace(/[^a-z0-9]/g, "");
}

/**
 * Routing policies of the server_policies plugin, one per region of the cluster: a client binding to its region's
 * policy reads from that region's servers and from any server when none of them is available; writes always go
 * to the primaries (Operations Manual 5.26, "Multi-data center routing": load balancing plugin, server tags,
 * policy DSL `tags(...)`, `all()`).
 */
export function routingPolicies(regions: readonly string[]): Record<string, string> {
    return Object.fromEntries(regions.map((r) => [`dbms.routing.load_balancing.config.server_policies.${regionTag(r)}`, `tags(${regionTag(r)});all();`]));
}

export interface Neo4jServerSettings {
    readonly server: ServerIdentity;
    readonly role: ServerRole;
    /** This server's fixed private address (its internal NLB's), under which every port is advertised. */
    readonly address: string;
    /** host:port of the primaries' cluster (discovery v2) addresses: the discovery list of every server. */
    readonly discoveryEndpoints: readonly string[];
    /** This server's region (its tag) and every region of the cluster (a routing policy each). */
    readonly region: string;
    readonly regions: readonly string[];
    /** The number of primaries the cluster is formed with (its system database and default topology). */
    readonly primaries: number;
    readonly heapGi: number;
    readonly pageCacheGi: number;
}

/**
 * neo4j.conf settings of one server. Every address is the server's fixed private IP (its internal NLB), so peers
 * of either region reach it over the VPC peering with no DNS (the in-cluster names resolve only in the server's own
 * EKS cluster, and Route 53's control plane is in us-east-1). Discovery is the LIST of the primaries' fixed
 * addresses (Operations Manual 5.26, "Cluster server discovery": resolver_type LIST, dbms.cluster.discovery.v2.endpoints,
 * discovery v2 on the cluster port 6000). initial.* settings are read only at a server's or the DBMS's first start
 * (Operations Manual 5.26, "Configuration settings": initial.server.mode_constraint, initial.server.tags); a later
 * change is `ALTER SERVER ... SET OPTIONS {modeConstraint, tags}`, kept in the system database
 * (components/graph/promotion.ts).
 */
export function serverSettings(x: Neo4jServerSettings): Record<string, string> {
    const at = (port: number) => `${x.address}:${port}`;
    const secondary = x.role === "secondary";
    return {
        "server.default_listen_address": "0.0.0.0",
        "server.default_advertised_address": x.address,
        "server.bolt.advertised_address": at(NEO4J_PORTS.bolt),
        "server.cluster.advertised_address": at(NEO4J_PORTS.cluster),
        "server.cluster.raft.advertised_address": at(NEO4J_PORTS.raft),
        "server.routing.advertised_address": at(NEO4J_PORTS.routing),
        "server.backup.enabled": "true",
        "server.backup.listen_address": `0.0.0.0:${NEO4J_PORTS.backup}`,
        "initial.dbms.default_primaries_count": String(x.primaries),
        "dbms.cluster.minimum_initial_system_primaries_count": String(x.primaries),
        // Servers of the other region join a formed cluster as Free servers: enabled at once with the mode
        // constraint and tags of their initial.server.* settings (Operations Manual 5.26, "Managing servers in a cluster").
        "initial.dbms.automatically_enable_free_servers": "true",
        "initial.server.mode_constraint": secondary ? "SECONDARY" : "NONE",
        "initial.server.tags": regionTag(x.region),
        // A secondary keeps a copy of the system database but never votes on it (Operations Manual 5.26, "Geo-redundant deployment").
        "server.cluster.system_database_mode": secondary ? "SECONDARY" : "PRIMARY",
        "dbms.cluster.discovery.version": "V2_ONLY",
        "dbms.cluster.discovery.resolver_type": "LIST",
        "dbms.cluster.discovery.v2.endpoints": x.discoveryEndpoints.join(","),
        "dbms.routing.enabled": "true",
        "dbms.routing.load_balancing.plugin": "server_policies",
        ...routingPolicies(x.regions),
        "server.memory.heap.initial_size": `${x.heapGi}g`,
        "server.memory.heap.max_size": `${x.heapGi}g`,
        "server.memory.pagecache.size": `${x.pageCacheGi}g`,
        // TLS on the cluster and bolt scopes, certificates signed by the one cluster CA of both regions; each server
        // trusts only that CA (trusted/ca.crt). The cluster scope is mutual (every peer is a server with its own
        // certificate). Bolt requires TLS and the password, and verifies a client certificate when one is presented
        // (OPTIONAL), but cannot require one: cypher-shell, which the failover CLI, the runbooks and the lag exporter
        // run, has no client-certificate option ("Client SSL auth is not supported in any of the drivers, only
        // server-to-server", neo4j/neo4j-java-driver#1366; the drivers' mTLS arrived later as a preview second
        // factor: neo4j-javascript-driver#1183, neo4j-python-driver#1025), so REQUIRE would lock the operators out.
        "dbms.ssl.policy.cluster.enabled": "true",
        "dbms.ssl.policy.cluster.base_directory": "/ssl/cluster",
        "dbms.ssl.policy.cluster.client_auth": "REQUIRE",
        "dbms.ssl.policy.cluster.private_key": "private.key",
        "dbms.ssl.policy.cluster.public_certificate": "public.crt",
        "dbms.ssl.policy.bolt.enabled": "true",
        "dbms.ssl.policy.bolt.base_directory": "/ssl/cluster",
        "dbms.ssl.policy.bolt.client_auth": "OPTIONAL",
        "dbms.ssl.policy.bolt.private_key": "private.key",
        "dbms.ssl.policy.bolt.public_certificate": "public.crt",
        "server.bolt.tls_level": "REQUIRED",
    };
}
