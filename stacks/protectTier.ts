import * as pulumi from "@pulumi/pulumi";
import type { AuroraGlobal } from "../components/data/AuroraGlobal";
import { BackupVerification } from "../components/graph/backupVerification";
import type { Neo4jCluster } from "../components/graph/Neo4jCluster";
import { TIER_LABEL } from "../components/labels";
import { VAULT_ARN_PATTERN } from "./config/protect";
import { BackupPlan } from "../components/storage/BackupPlan";
import { BackupVault } from "../components/storage/BackupVault";
import { RestoreTesting } from "../components/storage/RestoreTesting";
import { BACKUP_TAG, regionalVaultName } from "../components/storage/backupRules";
import type { RegionalBase } from "./regional";

/**
 * The region's AWS Backup vault and plans over its stateful resources, whatever its role: both regions keep
 * their own Aurora cluster's recovery points (the writer may be either after a failover) and copy them to the
 * zone's other vault, named by the ARN in the stack file (intelgraph:backup.copyToVaultArn), never read. A
 * monthly restore test restores the newest points of the vault (its own and the copies it received) and reports
 * every restore job to the region's alert topic.
 */
export function protectTier(base: RegionalBase, tiers: { readonly aurora: AuroraGlobal; readonly graph: Neo4jCluster }, alertTopicArn: pulumi.Input<string>) {
    const { aurora, graph } = tiers;
    const { config, prefix, kms, backups, evidence, onRegion, partition } = base;
    const vault = new BackupVault("backup-vault", { vaultName: regionalVaultName(config.stack), kmsKeyArn: kms.keyArn, lock: config.backup.lock }, onRegion);
    const plan = new BackupPlan(
        "backup-plan",
        {
            namePrefix: prefix,
            vaultName: vault.vaultName,
            copyDestinationVaultArn: config.backup.copyToVaultArn,
            resourceArns: [aurora.clusterArn, backups.bucketArn, evidence.bucketArn],
            selectionTag: BACKUP_TAG,
            retentionDays: config.backup.retentionDays,
            continuousRetentionDays: config.backup.continuousRetentionDays,
            partition,
        },
        onRegion,
    );
    const { restoreTesting } = config.backup;
    const restore = new RestoreTesting(
        "restore-testing",
        {
            // Restore testing names allow letters, digits and underscores only.
            planName: `intelgraph_${config.stack.replace(/-/g, "_")}_monthly`,
            vaultArn: vault.vaultArn,
            vaultName: vault.vaultName,
            roleArn: plan.roleArn,
            schedule: restoreTesting.schedule,
            startWindowHours: restoreTesting.startWindowHours,
            selectionWindowDays: restoreTesting.selectionWindowDays,
            validationWindowHours: restoreTesting.validationWindowHours,
            aurora: { clusterArn: aurora.clusterArn, subnetGroupName: aurora.subnetGroupName, securityGroupId: aurora.securityGroupId },
            volumeTag: BACKUP_TAG,
            alertTopicArn,
        },
        onRegion,
    );
    const verification = graphBackupVerification(base, graph, alertTopicArn);
    return { vault, plan, restore, verification, alarmArns: [verification.alarmArn] };
}

/**
 * The monthly Neo4j backup verification, under an IRSA role of its own that reads the backups (never writes or
 * deletes them) and writes only its results and its metric.
 */
function graphBackupVerification(base: RegionalBase, graph: Neo4jCluster, alertTopicArn: pulumi.Input<string>) {
    const { config, eks, backups, kms, prefix, runImages, registry } = base;
    const serviceAccount = "neo4j-backup-verification";
    const role = eks.irsaRole("neo4j-verification-role", {
        namespace: "neo4j",
        serviceAccount,
        policy: pulumi.all([backups.bucketArn, kms.keyArn]).apply(([bucket, key]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: "s3:ListBucket", Resource: bucket, Condition: { StringLike: { "s3:prefix": ["neo4j/*"] } } },
                    { Effect: "Allow", Action: "s3:GetObject", Resource: `${bucket}/neo4j/*` },
                    { Effect: "Allow", Action: "s3:PutObject", Resource: `${bucket}/verification/*` },
                    { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: key },
                    { Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "IntelGraph/Backups" } } },
                ],
            }),
        ),
    });
    // The zone's other region: its chains are in this bucket by replication until this region writes its own.
    const peer = VAULT_ARN_PATTERN.exec(config.backup.copyToVaultArn)?.[1];
    return new BackupVerification(
        "neo4j-verification",
        {
            clusterName: "intelgraph-graph",
            namespace: graph.namespace,
            neo4jImage: runImages.neo4j,
            awsCliImage: runImages.awsCli,
            acceptLicenseAgreement: config.neo4j.acceptLicenseAgreement,
            bucketName: backups.bucketName,
            region: config.region,
            chainRegions: peer ? [config.region, peer] : [config.region],
            fullEveryDays: config.neo4j.fullBackupEveryDays,
            schedule: config.backup.neo4jVerification.schedule,
            scratchGi: config.neo4j.storageGi,
            roleArn: role.arn,
            serviceAccount,
            kmsKeyArn: kms.keyArn,
            nodeSelector: { [TIER_LABEL]: "general" },
            alarm: { namePrefix: prefix, topicArn: alertTopicArn },
            imagesReady: [...registry.ready, ...role.grants],
        },
        { providers: [eks.kubernetesProvider, base.provider, ...base.generators] },
    );
}
