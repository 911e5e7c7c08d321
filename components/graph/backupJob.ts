import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { backupCommand } from "./backup";
import { NEO4J_LABELS, type ServerIdentity } from "./neo4jSettings";

export interface BackupJobArgs {
    readonly clusterName: string;
    readonly namespace: string;
    readonly image: string;
    readonly acceptLicenseAgreement: string;
    readonly bucketName: pulumi.Input<string>;
    readonly roleArn: pulumi.Input<string>;
    readonly serviceAccount: string;
    readonly schedule: string;
    readonly fullEveryDays: number;
    readonly region: string;
    readonly suspended: boolean;
}

/**
 * The scheduled backup: a CronJob (one run at a time) under a ServiceAccount bound to an IRSA role; EKS injects
 * AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE into the pod (Amazon EKS User Guide, "IAM roles for service
 * accounts"). neo4j-admin reaches S3 through the AWS SDK for Java v2 (Operations Manual 5.26, "Back up an online
 * database", AWS S3 note), whose default credentials chain reads that token (AWS SDK for Java 2.x Developer Guide,
 * "Default credentials provider chain") when the SDK's STS module is on the classpath. The manual itself shows only
 * a credentials file for neo4j-admin's own S3 support, so the first staging backup run is the proof for the image
 * in use (runbooks/dr-drill.md).
 */
export function backupJob(
    name: string,
    args: BackupJobArgs,
    servers: readonly ServerIdentity[],
    metadata: (n: string, extra?: Record<string, string>) => k8s.types.input.meta.v1.ObjectMeta,
    parent: pulumi.Resource,
    dependsOn: pulumi.Resource[],
): k8s.batch.v1.CronJob {
    const backupSa = new k8s.core.v1.ServiceAccount(
        `${name}-backup-sa`,
        { metadata: { ...metadata(args.serviceAccount, { [NEO4J_LABELS.component]: "backup" }), annotations: { "eks.amazonaws.com/role-arn": args.roleArn } } },
        { parent },
    );
    const labels = { [NEO4J_LABELS.name]: "neo4j", [NEO4J_LABELS.instance]: args.clusterName, [NEO4J_LABELS.component]: "backup" };
    return new k8s.batch.v1.CronJob(
        `${name}-backup`,
        {
            metadata: { name: `${args.clusterName}-backup`, namespace: args.namespace, labels },
            spec: {
                schedule: args.schedule,
                // Stack config (intelgraph:neo4j.backupJob), changed by the failover runbook: a pulumi up after a
                // promotion keeps the job the runbook started.
                suspend: args.suspended,
                concurrencyPolicy: "Forbid",
                successfulJobsHistoryLimit: 3,
                failedJobsHistoryLimit: 5,
                jobTemplate: {
                    spec: {
                        backoffLimit: 2,
                        template: {
                            metadata: { labels },
                            spec: {
                                serviceAccountName: backupSa.metadata.name,
                                restartPolicy: "OnFailure",
                                securityContext: { runAsNonRoot: true, runAsUser: 7474, runAsGroup: 7474 },
                                containers: [
                                    {
                                        name: "backup",
                                        image: args.image,
                                        command: pulumi.output(args.bucketName).apply((bucket) => backupCommand(servers, bucket, args.fullEveryDays)),
                                        env: [
                                            { name: "NEO4J_ACCEPT_LICENSE_AGREEMENT", value: args.acceptLicenseAgreement },
                                            { name: "AWS_REGION", value: args.region },
                                        ],
                                        resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } },
                                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                                    },
                                ],
                            },
                        },
                    },
                },
            },
        },
        { parent, dependsOn },
    );
}
