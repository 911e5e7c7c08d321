import { describe, expect, it } from "vitest";
import { NEO4J_PORTS, certificateDnsNames, envName, regionTag, routingPolicies, serverIdentity, serverSettings } from "../../../components/graph/neo4jSettings";

const server = serverIdentity("intelgraph-graph", "neo4j", 1);
const primaries = ["10.10.63.244:6000", "10.10.127.244:6000", "10.10.191.244:6000"];
const settings = (role: "primary" | "secondary") =>
    serverSettings({ server, role, address: "10.20.127.244", discoveryEndpoints: primaries, region: "us-east-1", regions: ["us-east-1", "us-west-2"], primaries: 3, heapGi: 8, pageCacheGi: 16 });

describe("Neo4j settings", () => {
    it("uses the Neo4j 5 ports", () => {
        expect(NEO4J_PORTS).toMatchObject({ bolt: 7687, http: 7474, cluster: 6000, raft: 7000, routing: 7688, backup: 6362 });
    });

    it("names every server after its Service", () => {
        expect(server).toEqual({ index: 1, name: "intelgraph-graph-1", namespace: "neo4j", fqdn: "intelgraph-graph-1.neo4j.svc.cluster.local" });
        expect(certificateDnsNames(server)).toEqual(["intelgraph-graph-1.neo4j.svc.cluster.local", "intelgraph-graph-1.neo4j.svc", "intelgraph-graph-1.neo4j", "intelgraph-graph-1"]);
    });

    it("maps settings to the image's environment variable convention", () => {
        expect(envName("server.cluster.raft.advertised_address")).toBe("NEO4J_server_cluster_raft_advertised__address");
        expect(envName("dbms.routing.load_balancing.config.server_policies.useast1")).toBe("NEO4J_dbms_routing_load__balancing_config_server__policies_useast1");
    });

    it("advertises every address under the server's fixed IP", () => {
        expect(settings("secondary")).toMatchObject({
            "server.default_advertised_address": "10.20.127.244",
            "server.bolt.advertised_address": "10.20.127.244:7687",
            "server.cluster.advertised_address": "10.20.127.244:6000",
            "server.cluster.raft.advertised_address": "10.20.127.244:7000",
            "server.routing.advertised_address": "10.20.127.244:7688",
        });
    });

    it("discovers the primaries by their fixed addresses (LIST, discovery v2)", () => {
        expect(settings("secondary")).toMatchObject({
            "dbms.cluster.discovery.resolver_type": "LIST",
            "dbms.cluster.discovery.version": "V2_ONLY",
            "dbms.cluster.discovery.v2.endpoints": primaries.join(","),
            "initial.dbms.default_primaries_count": "3",
            "dbms.cluster.minimum_initial_system_primaries_count": "3",
        });
        expect(Object.keys(settings("secondary")).filter((k) => k.startsWith("dbms.kubernetes"))).toEqual([]);
    });

    it("a secondary never hosts a primary: SECONDARY mode constraint at first enablement and a secondary copy of system", () => {
        expect(settings("secondary")).toMatchObject({ "initial.server.mode_constraint": "SECONDARY", "server.cluster.system_database_mode": "SECONDARY", "initial.server.tags": "useast1", "initial.dbms.automatically_enable_free_servers": "true" });
        expect(settings("primary")).toMatchObject({ "initial.server.mode_constraint": "NONE", "server.cluster.system_database_mode": "PRIMARY" });
    });

    it("defines a routing policy per region: local servers first, any server when none is available", () => {
        expect(regionTag("us-east-1")).toBe("useast1");
        expect(routingPolicies(["us-east-1", "us-west-2"])).toEqual({
            "dbms.routing.load_balancing.config.server_policies.useast1": "tags(useast1);all();",
            "dbms.routing.load_balancing.config.server_policies.uswest2": "tags(uswest2);all();",
        });
        expect(settings("secondary")["dbms.routing.load_balancing.plugin"]).toBe("server_policies");
    });

    it("requires mutual TLS on the cluster and bolt scopes", () => {
        expect(settings("primary")).toMatchObject({ "dbms.ssl.policy.cluster.client_auth": "REQUIRE", "dbms.ssl.policy.bolt.client_auth": "OPTIONAL", "server.bolt.tls_level": "REQUIRED" });
    });
});
