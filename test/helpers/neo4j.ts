/** One Neo4jCluster fixture for the component tests that plan it with their own arguments. */
import * as random from "@pulumi/random";
import { Neo4jCluster, type Neo4jClusterArgs } from "../../components/graph/Neo4jCluster";
import { type ComponentPlan, planComponent } from "./component";

export const neo4jTestZones = (n: number) => ["a", "b", "c", "d", "e"].slice(0, n).map((z) => `eu-west-1${z}`);

export const neo4jTestArgs = (servers: number): Omit<Neo4jClusterArgs, "nodesReady" | "loadBalancerController"> => ({
    clusterName: "graph-test",
    namespace: "graph",
    availabilityZones: neo4jTestZones(servers),
    servers,
    role: { kind: "primary" },
    region: "eu-west-1",
    regions: ["eu-west-1"],
    endpoints: Array.from({ length: servers }, (_, i) => ({
        address: `10.30.${i}.244`,
        targetGroupArns: { cluster: `arn:tg-${i}-6000`, raft: `arn:tg-${i}-7000`, bolt: `arn:tg-${i}-7687`, routing: `arn:tg-${i}-7688` },
    })),
    vpcId: "vpc-0test",
    replicationLag: { boundSeconds: 30, detectionSeconds: 30 },
    image: "neo4j:5.26.2-enterprise",
    acceptLicenseAgreement: "eval",
    storageGi: 50,
    heapGi: 4,
    pageCacheGi: 6,
    storageClassName: "gp3-encrypted",
    nodeTier: { label: "tier", value: "graph", taint: { key: "graph", value: "true", effect: "NO_SCHEDULE" } },
    backup: { bucketName: "test-backups", roleArn: "arn:aws:iam::210987654321:role/backup", serviceAccount: "backup", schedule: "0 * * * *", fullEveryDays: 7, region: "eu-west-1", suspended: true },
});

/** Plans the cluster over `servers` AZs of eu-west-1; `over` replaces arguments. */
export const planNeo4jTestCluster = (over: Partial<Neo4jClusterArgs> = {}, servers = 4): Promise<ComponentPlan> =>
    planComponent(
        (p) => {
            // Stand in for the graph node groups and add-ons the servers wait for, and for the controller's release.
            const nodes = new random.RandomId("graph-nodes", { byteLength: 4 }, { provider: p.random });
            const controller = new random.RandomId("lb-controller", { byteLength: 4 }, { provider: p.random });
            return new Neo4jCluster("neo4j", { ...neo4jTestArgs(servers), nodesReady: [nodes], loadBalancerController: controller, ...over }, p.onCluster());
        },
        { region: "eu-west-1" },
    );
