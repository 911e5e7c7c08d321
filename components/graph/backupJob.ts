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
 * database", AWS S3 note), whose default chain uses that token only with the SDK's sts module on the classpath
 * (its javadoc; aws/aws-sdk-java#2136). NOT PROVEN for the 5.26 image: the manual shows only a credentials file for
 * neo4j-admin's own S3 support, and the s3:// seed provider once required access keys (neo4j/neo4j#13038). What
 * Neo4j documents for EKS workload identity (5.13+) is its neo4j-admin Helm chart's backup image, which uploads with
 * its own SDK client (neo4j/helm-charts#238). The first staging run is the test (runbooks/dr-drill.md).
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
                                        command: pulumi.output(args.bucketName).apply((bucket) => backupCommand(servers, bucket, args.region, args.fullEveryDays)),
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
