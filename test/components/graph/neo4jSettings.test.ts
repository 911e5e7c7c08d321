import { describe, expect, it } from "vitest";
import { NEO4J_PORTS, certificateDnsNames, envName, serverIdentity, serverSettings } from "../../../components/graph/neo4jSettings";

const server = serverIdentity("intelgraph-graph", "neo4j", 1);

describe("Neo4j settings", () => {
    it("uses the Neo4j 5 ports", () => {
        expect(NEO4J_PORTS).toMatchObject({ bolt: 7687, http: 7474, cluster: 6000, raft: 7000, backup: 6362 });
    });

    it("names every server after its Service", () => {
        expect(server).toEqual({ index: 1, name: "intelgraph-graph-1", namespace: "neo4j", fqdn: "intelgraph-graph-1.neo4j.svc.cluster.local" });
        expect(certificateDnsNames(server)).toEqual(["intelgraph-graph-1.neo4j.svc.cluster.local", "intelgraph-graph-1.neo4j.svc", "intelgraph-graph-1.neo4j", "intelgraph-graph-1"]);
    });

    it("maps settings to the image's environment variable convention", () => {
        expect(envName("server.cluster.raft.advertised_address")).toBe("NEO4J_server_cluster_raft_advertised__address");
        expect(envName("dbms.kubernetes.discovery.v2.service_port_name")).toBe("NEO4J_dbms_kubernetes_discovery_v2_service__port__name");
    });

    it("advertises every address under the server's own Service name", () => {
        const s = serverSettings({ server, clusterLabel: "intelgraph-graph", servers: 3, heapGi: 8, pageCacheGi: 16 });
        expect(s).toMatchObject({
            "server.default_advertised_address": "intelgraph-graph-1.neo4j.svc.cluster.local",
            "server.bolt.advertised_address": "intelgraph-graph-1.neo4j.svc.cluster.local:7687",
            "server.cluster.advertised_address": "intelgraph-graph-1.neo4j.svc.cluster.local:6000",
            "server.cluster.raft.advertised_address": "intelgraph-graph-1.neo4j.svc.cluster.local:7000",
            "server.routing.advertised_address": "intelgraph-graph-1.neo4j.svc.cluster.local:7688",
        });
    });

    it("discovers peers through Kubernetes by label selector and the named cluster port", () => {
        const s = serverSettings({ server, clusterLabel: "intelgraph-graph", servers: 3, heapGi: 8, pageCacheGi: 16 });
        expect(s).toMatchObject({
            "dbms.cluster.discovery.resolver_type": "K8S",
            "dbms.cluster.discovery.version": "V2_ONLY",
            "dbms.kubernetes.label_selector": "app.kubernetes.io/instance=intelgraph-graph,app.kubernetes.io/component=primary",
            "dbms.kubernetes.discovery.v2.service_port_name": "tcp-tx",
            "initial.dbms.default_primaries_count": "3",
            "dbms.ssl.policy.cluster.enabled": "true",
            "dbms.ssl.policy.cluster.client_auth": "REQUIRE",
        });
    });
});
