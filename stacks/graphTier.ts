import * as pulumi from "@pulumi/pulumi";
import { GRAPH_TAINT } from "../components/compute/EksCluster";
import { GRAPH_LAG_METRIC, LagExporter } from "../components/graph/lagExporter";
import { Neo4jCluster, type Neo4jClusterRole } from "../components/graph/Neo4jCluster";
import { RESIDENCY_ZONES } from "./config/residency";
import { TIER_LABEL } from "../components/labels";
import type { RegionalBase } from "./regional";

/** The cluster's name (app.kubernetes.io/instance, its lag metric's Cluster dimension). */
export const GRAPH_CLUSTER_NAME = "intelgraph-graph";

/**
 * The region's Neo4j servers on the graph nodes, backing up to the region's bucket through an IRSA role: the
 * primary region's form the cluster as its primaries, a secondary region's join it as secondaries (`role`).
 */
export function graphTier(base: RegionalBase, role: Neo4jClusterRole) {
    const { config, eks, backups, kms, generators } = base;
    const backupServiceAccount = "neo4j-backup";
    const backupRole = eks.irsaRole("neo4j-backup-role", {
        namespace: "neo4j",
        serviceAccount: backupServiceAccount,
        // Scoped to this region's backup bucket and key: the job can neither read nor write anything else.
        policy: pulumi.all([backups.bucketArn, kms.keyArn]).apply(([bucket, key]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucket },
                    { Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], Resource: `${bucket}/neo4j/*` },
                    { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key },
                ],
            }),
        ),
    });
    const graph = new Neo4jCluster(
        "neo4j",
        {
            clusterName: GRAPH_CLUSTER_NAME,
            namespace: "neo4j",
            availabilityZones: config.network.availabilityZones,
            servers: config.neo4j.servers,
            role,
            region: config.region,
            // A routing policy per region of the zone: the cluster never spans a zone's border.
            regions: RESIDENCY_ZONES[config.residency.zone],
            endpoints: base.graphEndpoints.addresses.map((address, i) => ({ address, targetGroupArns: base.graphEndpoints.targetGroupArns[i] })),
            vpcId: base.vpc.vpcId,
            loadBalancerController: base.controller.release,
            replicationLag: config.neo4j.replicationLag,
            // From this region's ECR pull-through cache, by digest (stacks/regional.ts).
            image: base.runImages.neo4j,
            acceptLicenseAgreement: config.neo4j.acceptLicenseAgreement,
            storageGi: config.neo4j.storageGi,
            heapGi: config.neo4j.heapGi,
            pageCacheGi: config.neo4j.pageCacheGi,
            storageClassName: eks.storageClassName,
            nodesReady: [...eks.graphTierReady, ...base.registry.ready],
            nodeTier: { label: TIER_LABEL, value: "graph", taint: GRAPH_TAINT },
            backup: {
                bucketName: backups.bucketName,
                roleArn: backupRole.arn,
                serviceAccount: backupServiceAccount,
                schedule: config.neo4j.backupSchedule,
                fullEveryDays: config.neo4j.fullBackupEveryDays,
                region: config.region,
                suspended: config.neo4j.backupJob === "suspended",
            },
        },
        { providers: [eks.kubernetesProvider, ...generators] },
    );
    graphLagExporter(base, graph);
    return graph;
}

/**
 * The secondaries' lag, every minute, as a metric of this region (components/graph/lagExporter.ts): in both regions,
 * since every server lists every region's copies, so the metric and its alarm survive the loss of either region.
 */
function graphLagExporter(base: RegionalBase, graph: Neo4jCluster): LagExporter {
    const { config, eks, runImages, registry } = base;
    const serviceAccount = "neo4j-lag-exporter";
    const role = eks.irsaRole("neo4j-lag-exporter-role", {
        namespace: "neo4j",
        serviceAccount,
        // PutMetricData has no resource-level permissions; the cloudwatch:namespace condition key confines it to the
        // graph's namespace (Amazon CloudWatch User Guide, "CloudWatch condition keys": cloudwatch:namespace).
        policy: JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": GRAPH_LAG_METRIC.namespace } } }],
        }),
    });
    return new LagExporter(
        "neo4j-lag",
        {
            clusterName: GRAPH_CLUSTER_NAME,
            namespace: graph.namespace,
            region: config.region,
            servers: graph.serverFqdns,
            authSecretName: graph.authSecretName,
            caSecretName: graph.caSecretName,
            neo4jImage: runImages.neo4j,
            awsCliImage: runImages.awsCli,
            acceptLicenseAgreement: config.neo4j.acceptLicenseAgreement,
            roleArn: role.arn,
            serviceAccount,
            // Beside the cluster on the general nodes, like the backup verification: the graph nodes are tainted for the servers.
            nodeSelector: { [TIER_LABEL]: "general" },
            ready: [...registry.ready, ...role.grants],
        },
        { providers: [eks.kubernetesProvider, base.provider, ...base.generators] },
    );
}
