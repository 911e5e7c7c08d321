/**
 * The Neo4j backup verification job: on its schedule it downloads the newest backup chain of the region's bucket
 * (the region's own chain once it writes the graph, else the chain replicated from the writing region), records
 * the SHA-256 of every artifact, restores the chain into a scratch database on a scratch volume and runs Neo4j's
 * consistency check on it. The result (chain, checksums, restore and check exit codes) goes to the job's log, to
 * `verification/<region>/` in the bucket (Object Lock keeps it as evidence) and, as a 0/1 metric, to an alarm on
 * the region's alert topic.
 *
 * neo4j-admin restores and checks from local files only, so S3 is reached by the AWS CLI under IRSA, never by
 * neo4j-admin (whose S3 credentials through IRSA are unproven: components/graph/backupJob.ts).
 * Three containers in order: `fetch` (AWS CLI, init), `verify` (Neo4j image, init: restore + check; records its
 * exit codes and exits 0 so the report always runs), `report` (AWS CLI: uploads, publishes the metric, and exits
 * non-zero when the check failed, so the Job fails too).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn, isRegion } from "../boundary";
import { PURPOSE_TAG, SCRATCH_PURPOSE } from "../labels";
import { description, notifying } from "../monitoring/alarm";
import { BACKUP_PREFIX } from "./backup";
import { isEcrPinned } from "../registry/images";
import { NEO4J_LABELS } from "./neo4jSettings";

const DAY_SECONDS = 86_400;
/** Where the results go in the bucket, per verifying region. */
export const VERIFICATION_PREFIX = "verification/";
export const METRIC = { namespace: "IntelGraph/Backups", name: "Neo4jBackupVerificationFailed" } as const;

/**
 * `fetch`: the newest chain (the current period's, else the previous one) of the first region in `regions` that
 * has one, downloaded to /backups with a sha256 manifest. The chain folders are named as the backup job names them
 * (components/graph/backup.ts chainFolder).
 */
export function fetchScript(bucket: string, regions: readonly string[], fullEveryDays: number): string {
    return [
        "set -eu",
        `now=$(( $(date -u +%s) / ${DAY_SECONDS} / ${fullEveryDays} * ${fullEveryDays} ))`,
        "found=''",
        `for region in ${regions.join(" ")}; do`,
        `  for chain in $now $(( now - ${fullEveryDays} )); do`,
        `    prefix="${BACKUP_PREFIX}$region/chain-$chain/"`,
        `    key=$(aws s3api list-objects-v2 --bucket ${bucket} --prefix "$prefix" --query 'Contents[?ends_with(Key, \`.backup\`)] | [0].Key' --output text)`,
        '    if [ "$key" != "None" ] && [ -n "$key" ]; then found="$prefix"; break 2; fi',
        "  done",
        "done",
        `[ -n "$found" ] || { echo '{"result":"NO_CHAIN"}' > /backups/result.json; echo "no backup chain under ${BACKUP_PREFIX}{${regions.join(",")}}/ for this or the previous period" >&2; exit 0; }`,
        `aws s3 cp --recursive --only-show-errors "s3://${bucket}/$found" /backups/chain/`,
        "cd /backups/chain && sha256sum -- *.backup > /backups/sha256.txt",
        'echo "$found" > /backups/chain.txt',
        "cat /backups/sha256.txt",
    ].join("\n");
}

/** `verify`: restore every database of the chain into /data and check it; exit codes recorded, never fails the pod. */
export function verifyScript(): string {
    return [
        "set -u",
        "[ -f /backups/chain.txt ] || exit 0",
        // The backup job backs up every database ('*'); each restores under its own name.
        "restore=0; check=0; names=''",
        "for artifact in $(ls /backups/chain/*.backup | sed -E 's#.*/##; s#-[0-9]{4}-[0-9]{2}-[0-9]{2}T.*##' | sort -u); do",
        '  names="$names $artifact"',
        '  neo4j-admin database restore --from-path=/backups/chain/ --overwrite-destination=true "$artifact" || restore=$?',
        '  neo4j-admin database check --report-path=/backups/report "$artifact" || check=$?',
        "done",
        `printf '{"restoreExit":%d,"checkExit":%d,"databases":"%s"}' "$restore" "$check" "$names" > /backups/verify.json`,
        "cat /backups/verify.json",
    ].join("\n");
}

/** `report`: the result to the log, the bucket and the metric; exit 1 unless every database restored and checked clean. */
export function reportScript(bucket: string, region: string): string {
    return [
        "set -eu",
        "stamp=$(date -u +%Y-%m-%dT%H%M%SZ)",
        "chain=$(cat /backups/chain.txt 2>/dev/null || echo none)",
        "verify=$(cat /backups/verify.json 2>/dev/null || echo '{\"restoreExit\":-1,\"checkExit\":-1}')",
        "ok=0; [[ \"$verify\" == *'\"restoreExit\":0,\"checkExit\":0'* ]] && ok=1",
        `printf '{"region":"${region}","chain":"%s","verified":%s,"verify":%s,"sha256":"%s"}\\n' "$chain" "$([ $ok = 1 ] && echo true || echo false)" "$verify" "$(tr '\\n' ';' < /backups/sha256.txt 2>/dev/null)" > /backups/report.json`,
        "cat /backups/report.json",
        `aws s3 cp --only-show-errors /backups/report.json "s3://${bucket}/${VERIFICATION_PREFIX}${region}/$stamp.json"`,
        `aws cloudwatch put-metric-data --namespace ${METRIC.namespace} --metric-name ${METRIC.name} --dimensions Region=${region} --value $(( 1 - ok ))`,
        "[ $ok = 1 ]",
    ].join("\n");
}

export interface BackupVerificationArgs {
    readonly clusterName: string;
    /** The graph's namespace (the job runs beside the cluster, on the general nodes). */
    readonly namespace: pulumi.Input<string>;
    readonly neo4jImage: string;
    readonly awsCliImage: string;
    readonly acceptLicenseAgreement: string;
    readonly bucketName: pulumi.Input<string>;
    readonly region: string;
    /** Regions whose chains are verified, first found wins: this region's, then the writing region's replica. */
    readonly chainRegions: readonly string[];
    readonly fullEveryDays: number;
    /** Five-field Kubernetes cron (UTC). */
    readonly schedule: string;
    /** Size of each scratch volume (backups, restored store): the graph's volume size. */
    readonly scratchGi: number;
    /** IRSA role: read of the backups, write of verification/ only, the metric. */
    readonly roleArn: pulumi.Input<string>;
    readonly serviceAccount: string;
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly nodeSelector: Readonly<Record<string, string>>;
    readonly alarm: { readonly namePrefix: string; readonly topicArn: pulumi.Input<string> };
    /** The registry cache the images come from. */
    readonly imagesReady: readonly pulumi.Resource[];
}

/** The scratch StorageClass: encrypted gp3 like the graph's, but deleted with the pod and never tagged for AWS Backup. */
export const SCRATCH_STORAGE_CLASS = "intelgraph-scratch";

export class BackupVerification extends pulumi.ComponentResource {
    readonly cronJobName: pulumi.Output<string>;
    readonly alarmArn: pulumi.Output<string>;

    constructor(name: string, args: BackupVerificationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:graph:BackupVerification", name, {}, opts);
        validateArgs(args).throwIfAny(this, "BackupVerification", name);
        const child = { parent: this };
        const labels = { [NEO4J_LABELS.name]: "neo4j", [NEO4J_LABELS.instance]: args.clusterName, [NEO4J_LABELS.component]: "backup-verification" };

        // Delete, not the graph's Retain: a scratch volume must not outlive its pod (nor be billed after it), and
        // without the backup tag AWS Backup never selects it (EBS CSI driver parameters: type, encrypted, kmsKeyId).
        const scratch = new k8s.storage.v1.StorageClass(
            `${name}-scratch`,
            {
                // The backup-coverage rule leaves out a Delete class with this label (policy-pack/contracts/labels.ts).
                metadata: { name: SCRATCH_STORAGE_CLASS, labels: { [PURPOSE_TAG]: SCRATCH_PURPOSE } },
                provisioner: "ebs.csi.aws.com",
                reclaimPolicy: "Delete",
                volumeBindingMode: "WaitForFirstConsumer",
                parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.kmsKeyArn },
            },
            child,
        );
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: args.serviceAccount, namespace: args.namespace, labels, annotations: { "eks.amazonaws.com/role-arn": args.roleArn } } },
            child,
        );
        const volume = (volumeName: string) => ({
            name: volumeName,
            // A generic ephemeral volume: created for the pod, deleted with it (Kubernetes docs, "Ephemeral Volumes").
            ephemeral: { volumeClaimTemplate: { spec: { accessModes: ["ReadWriteOnce"], storageClassName: scratch.metadata.name, resources: { requests: { storage: `${args.scratchGi}Gi` } } } } },
        });
        const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
        const awsEnv = [
            { name: "AWS_REGION", value: args.region },
            { name: "HOME", value: "/backups" },
        ];
        const bucketScript = (make: (bucket: string) => string) => pulumi.output(args.bucketName).apply((b) => ["/bin/bash", "-c", make(b)]);
        const job = new k8s.batch.v1.CronJob(
            `${name}-job`,
            {
                metadata: { name: `${args.clusterName}-backup-verification`, namespace: args.namespace, labels },
                spec: {
                    schedule: args.schedule,
                    timeZone: "Etc/UTC",
                    concurrencyPolicy: "Forbid",
                    successfulJobsHistoryLimit: 3,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: {
                        spec: {
                            // One attempt: a failed verification is a result to report, not something to retry into.
                            backoffLimit: 0,
                            activeDeadlineSeconds: 12 * 3600,
                            template: {
                                metadata: { labels },
                                spec: {
                                    serviceAccountName: sa.metadata.name,
                                    restartPolicy: "Never",
                                    nodeSelector: { ...args.nodeSelector },
                                    securityContext: { runAsNonRoot: true, runAsUser: 7474, runAsGroup: 7474, fsGroup: 7474, fsGroupChangePolicy: "OnRootMismatch" },
                                    initContainers: [
                                        {
                                            name: "fetch",
                                            image: args.awsCliImage,
                                            command: bucketScript((b) => fetchScript(b, args.chainRegions, args.fullEveryDays)),
                                            env: awsEnv,
                                            volumeMounts: [{ name: "backups", mountPath: "/backups" }],
                                            resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
                                            securityContext: hardened,
                                        },
                                        {
                                            name: "verify",
                                            image: args.neo4jImage,
                                            command: ["/bin/bash", "-c", verifyScript()],
                                            // neo4j-admin's heap (HEAP_SIZE, Operations Manual "neo4j-admin"), inside the container's limit.
                                            env: [
                                                { name: "NEO4J_ACCEPT_LICENSE_AGREEMENT", value: args.acceptLicenseAgreement },
                                                { name: "HEAP_SIZE", value: "3g" },
                                            ],
                                            // /data is the image's data directory: the chain is restored onto the scratch volume there.
                                            volumeMounts: [
                                                { name: "backups", mountPath: "/backups" },
                                                { name: "data", mountPath: "/data" },
                                            ],
                                            resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "6Gi" } },
                                            securityContext: hardened,
                                        },
                                    ],
                                    containers: [
                                        {
                                            name: "report",
                                            image: args.awsCliImage,
                                            command: bucketScript((b) => reportScript(b, args.region)),
                                            env: awsEnv,
                                            volumeMounts: [{ name: "backups", mountPath: "/backups" }],
                                            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                                            securityContext: hardened,
                                        },
                                    ],
                                    volumes: [volume("backups"), volume("data")],
                                },
                            },
                        },
                    },
                },
            },
            { ...child, dependsOn: [...args.imagesReady] },
        );

        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-failed`,
            {
                name: `${args.alarm.namePrefix}-neo4j-backup-verification`,
                alarmDescription: description(`The monthly Neo4j backup verification in ${args.region} did not restore or check clean.`, "graph-backup-verification-failed"),
                namespace: METRIC.namespace,
                metricName: METRIC.name,
                dimensions: { Region: args.region },
                statistic: "Maximum",
                period: DAY_SECONDS,
                evaluationPeriods: 1,
                datapointsToAlarm: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                // The job reports once a month: days without a report are not failures.
                treatMissingData: "notBreaching",
                ...notifying(args.alarm.topicArn),
            },
            child,
        );

        this.cronJobName = job.metadata.name;
        this.alarmArn = alarm.arn;
        this.registerOutputs({ cronJobName: this.cronJobName, alarmArn: this.alarmArn });
    }
}

function validateArgs(args: BackupVerificationArgs): Problems {
    const p = new Problems();
    p.check(isRegion(args.region), `region must be an AWS region such as us-west-2, got ${JSON.stringify(args.region)}`);
    p.check(args.chainRegions.length > 0 && args.chainRegions.every(isRegion), `chainRegions must list AWS regions, got ${JSON.stringify(args.chainRegions)}`);
    p.check(args.schedule.trim().split(/\s+/).length === 5, `schedule must be a five-field cron expression, got ${JSON.stringify(args.schedule)}`);
    p.check(isIntIn(args.fullEveryDays, 1, 28), `fullEveryDays must be a whole number from 1 to 28, got ${args.fullEveryDays}`);
    p.check(isIntIn(args.scratchGi, 1), `scratchGi must be a whole number of at least 1, got ${args.scratchGi}`);
    for (const [what, image] of [
        ["neo4jImage", args.neo4jImage],
        ["awsCliImage", args.awsCliImage],
    ] as const) {
        p.check(isEcrPinned(image), `${what} must be an image of this region's ECR registry pinned by digest, got ${JSON.stringify(image)}`);
    }
    return p;
}
