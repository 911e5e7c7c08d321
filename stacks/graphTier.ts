import * as pulumi from "@pulumi/pulumi";
import { GRAPH_TAINT } from "../components/compute/EksCluster";
import { Neo4jCluster, type Neo4jClusterRole } from "../components/graph/Neo4jCluster";
import { RESIDENCY_ZONES } from "./config/residency";
import { TIER_LABEL } from "../components/labels";
import type { RegionalBase } from "./regional";

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
    return new Neo4jCluster(
        "neo4j",
        {
            clusterName: "intelgraph-graph",
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
}
