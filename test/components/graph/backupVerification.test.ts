import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { BackupVerification, type BackupVerificationArgs, fetchScript, reportScript, verifyScript } from "../../../components/graph/backupVerification";
import { expectRefused, planComponent } from "../../helpers/component";

const D = `sha256:${"ef".repeat(32)}`;
const REGISTRY = "210987654321.dkr.ecr.eu-west-1.amazonaws.com";
const args: BackupVerificationArgs = {
    clusterName: "graph",
    namespace: "neo4j",
    neo4jImage: `${REGISTRY}/docker-hub/library/neo4j:5.26.2-enterprise@${D}`,
    awsCliImage: `${REGISTRY}/ecr-public/aws-cli/aws-cli:2.27.0@${D}`,
    acceptLicenseAgreement: "yes",
    bucketName: "backups-test",
    region: "eu-west-1",
    chainRegions: ["eu-west-1", "eu-central-1"],
    fullEveryDays: 7,
    schedule: "0 16 2 * *",
    scratchGi: 50,
    roleArn: "arn:aws:iam::210987654321:role/verify",
    serviceAccount: "neo4j-backup-verification",
    kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/test",
    nodeSelector: { "intelgraph.io/tier": "general" },
    alarm: { namePrefix: "intelgraph-test", topicArn: "arn:aws:sns:eu-west-1:210987654321:intelgraph-test-alerts" },
    imagesReady: [],
};
const build = (over: Partial<BackupVerificationArgs> = {}) => planComponent((p) => new BackupVerification("verify", { ...args, ...over }, p.onCluster()), { region: "eu-west-1" });

interface Container { name: string; image: string; command: string[]; volumeMounts: { name: string; mountPath: string }[] }
interface PodSpec {
    serviceAccountName: string;
    restartPolicy: string;
    nodeSelector: Record<string, string>;
    initContainers: Container[];
    containers: Container[];
    volumes: { name: string; ephemeral: { volumeClaimTemplate: { spec: { storageClassName: string; resources: { requests: { storage: string } } } } } }[];
}

describe("BackupVerification with its own args", () => {
    it("runs monthly on its schedule, once at a time, one attempt, on the general nodes, as the read-only IRSA service account", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const spec = p.inputs("kubernetes:batch/v1:CronJob").spec as { schedule: string; timeZone: string; concurrencyPolicy: string; jobTemplate: { spec: { backoffLimit: number; template: { spec: PodSpec } } } };
        expect(spec).toMatchObject({ schedule: "0 16 2 * *", timeZone: "Etc/UTC", concurrencyPolicy: "Forbid", jobTemplate: { spec: { backoffLimit: 0 } } });
        const pod = spec.jobTemplate.spec.template.spec;
        expect(pod).toMatchObject({ serviceAccountName: "neo4j-backup-verification", restartPolicy: "Never", nodeSelector: { "intelgraph.io/tier": "general" } });
        expect(p.inputs("kubernetes:core/v1:ServiceAccount").metadata).toMatchObject({ name: "neo4j-backup-verification", annotations: { "eks.amazonaws.com/role-arn": args.roleArn } });
    });

    it("fetches with the AWS CLI, restores and checks with Neo4j, reports with the AWS CLI: every image from the region's ECR by digest", async () => {
        const p = await build();
        const pod = (p.inputs("kubernetes:batch/v1:CronJob").spec as { jobTemplate: { spec: { template: { spec: PodSpec } } } }).jobTemplate.spec.template.spec;
        expect(pod.initContainers.map((c) => [c.name, c.image])).toEqual([
            ["fetch", args.awsCliImage],
            ["verify", args.neo4jImage],
        ]);
        expect(pod.containers.map((c) => [c.name, c.image])).toEqual([["report", args.awsCliImage]]);
        expect(pod.initContainers[0].command[2]).toContain("aws s3 cp --recursive --only-show-errors \"s3://backups-test/$found\" /backups/chain/");
        expect(pod.initContainers[1].command[2]).toContain("neo4j-admin database check --report-path=/backups/report");
        expect(pod.initContainers[1].volumeMounts).toEqual([
            { name: "backups", mountPath: "/backups" },
            { name: "data", mountPath: "/data" },
        ]);
    });

    it("restores onto scratch volumes of the graph's size from an encrypted class that deletes them with the pod and never tags them for AWS Backup", async () => {
        const p = await build();
        const pod = (p.inputs("kubernetes:batch/v1:CronJob").spec as { jobTemplate: { spec: { template: { spec: PodSpec } } } }).jobTemplate.spec.template.spec;
        expect(pod.volumes.map((v) => [v.name, v.ephemeral.volumeClaimTemplate.spec.storageClassName, v.ephemeral.volumeClaimTemplate.spec.resources.requests.storage])).toEqual([
            ["backups", "intelgraph-scratch", "50Gi"],
            ["data", "intelgraph-scratch", "50Gi"],
        ]);
        expect(p.inputs("kubernetes:storage.k8s.io/v1:StorageClass")).toMatchObject({
            metadata: { name: "intelgraph-scratch", labels: { "intelgraph.io/purpose": "scratch" } },
            provisioner: "ebs.csi.aws.com",
            reclaimPolicy: "Delete",
            volumeBindingMode: "WaitForFirstConsumer",
            parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.kmsKeyArn },
        });
    });

    it("alarms on the region's topic the day a verification fails, and stays OK on the days without one", async () => {
        const p = await build();
        expect(p.inputs("aws:cloudwatch/metricAlarm:MetricAlarm")).toMatchObject({
            name: "intelgraph-test-neo4j-backup-verification",
            namespace: "IntelGraph/Backups",
            metricName: "Neo4jBackupVerificationFailed",
            dimensions: { Region: "eu-west-1" },
            statistic: "Maximum",
            period: 86400,
            evaluationPeriods: 1,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
            treatMissingData: "notBreaching",
            alarmActions: [args.alarm.topicArn],
            okActions: [args.alarm.topicArn],
        });
    });

    it.each<[string, Partial<BackupVerificationArgs>, string]>([
        ["a tag-only Neo4j image", { neo4jImage: "neo4j:5.26.2-enterprise" }, 'neo4jImage must be an image of this region\'s ECR registry pinned by digest, got "neo4j:5.26.2-enterprise"'],
        ["a six-field schedule", { schedule: "0 16 2 * * *" }, 'schedule must be a five-field cron expression, got "0 16 2 * * *"'],
        ["no chain region", { chainRegions: [] }, "chainRegions must list AWS regions, got []"],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), BackupVerification, `BackupVerification 'verify': ${problem}`);
    });
});

/** The scripts run by bash against fake `aws` and `neo4j-admin` commands on PATH: what a pod would do. */
describe("the verification scripts", () => {
    const sandbox = () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "verify-"));
        const bin = path.join(dir, "bin");
        const backups = path.join(dir, "backups");
        fs.mkdirSync(bin);
        fs.mkdirSync(backups);
        return { dir, bin, backups };
    };
    const tool = (bin: string, name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    const run = (script: string, bin: string, backups: string) => {
        const text = script.replace(/\/backups/g, backups);
        try {
            return { code: 0, out: execFileSync("/bin/bash", ["-c", text], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: "utf8" }) };
        } catch (e) {
            const err = e as { status: number; stdout: string };
            return { code: err.status, out: err.stdout };
        }
    };
    const now = Math.floor(Date.now() / 1000 / 86400 / 7) * 7;

    it("fetch takes the newest chain of the first region that has one and records each artifact's sha256", () => {
        const { bin, backups, dir } = sandbox();
        const log = path.join(dir, "aws.log");
        // Only the second region has a chain, for the previous period.
        tool(bin, "aws", `echo "$@" >> ${log}
if [ "$1" = s3api ]; then case "$*" in *"neo4j/eu-central-1/chain-${now - 7}/"*) echo "neo4j/eu-central-1/chain-${now - 7}/neo4j-2026-01-01T00-00-00.backup";; *) echo None;; esac; fi
if [ "$1" = s3 ]; then d="\${@: -1}"; mkdir -p "$d"; printf full > "$d/neo4j-2026-01-01T00-00-00.backup"; printf diff > "$d/neo4j-2026-01-02T00-00-00.backup"; fi`);
        expect(run(fetchScript("b", ["eu-west-1", "eu-central-1"], 7), bin, backups).code).toBe(0);
        expect(fs.readFileSync(path.join(backups, "chain.txt"), "utf8").trim()).toBe(`neo4j/eu-central-1/chain-${now - 7}/`);
        const sums = fs.readFileSync(path.join(backups, "sha256.txt"), "utf8");
        const sha = (text: string) => createHash("sha256").update(text).digest("hex");
        expect(sums.split("\n").filter(Boolean)).toEqual([`${sha("full")}  neo4j-2026-01-01T00-00-00.backup`, `${sha("diff")}  neo4j-2026-01-02T00-00-00.backup`]);
        expect(fs.readFileSync(log, "utf8")).toContain(`s3 cp --recursive --only-show-errors s3://b/neo4j/eu-central-1/chain-${now - 7}/`);
    });

    it("fetch reports NO_CHAIN when no region has this or the previous period's chain", () => {
        const { bin, backups } = sandbox();
        tool(bin, "aws", "echo None");
        expect(run(fetchScript("b", ["eu-west-1"], 7), bin, backups).code).toBe(0);
        expect(fs.readFileSync(path.join(backups, "result.json"), "utf8")).toContain("NO_CHAIN");
        expect(fs.existsSync(path.join(backups, "chain.txt"))).toBe(false);
    });

    it("verify restores and checks every database of the chain, recording the exit codes without failing", () => {
        const { bin, backups } = sandbox();
        fs.mkdirSync(path.join(backups, "chain"));
        for (const f of ["neo4j-2026-01-01T00-00-00.backup", "neo4j-2026-01-02T00-00-00.backup", "system-2026-01-01T00-00-00.backup"]) fs.writeFileSync(path.join(backups, "chain", f), "x");
        fs.writeFileSync(path.join(backups, "chain.txt"), "neo4j/eu-west-1/chain-1/");
        tool(bin, "neo4j-admin", `echo "$@" >> ${backups}/admin.log; case "$*" in *"check"*system*) exit 3;; esac`);
        expect(run(verifyScript(), bin, backups).code).toBe(0);
        expect(JSON.parse(fs.readFileSync(path.join(backups, "verify.json"), "utf8"))).toEqual({ restoreExit: 0, checkExit: 3, databases: " neo4j system" });
        expect(fs.readFileSync(path.join(backups, "admin.log"), "utf8").trim().split("\n")).toEqual([
            "database restore --from-path=/backups/chain/ --overwrite-destination=true neo4j",
            "database check --report-path=/backups/report neo4j",
            "database restore --from-path=/backups/chain/ --overwrite-destination=true system",
            "database check --report-path=/backups/report system",
        ].map((l) => l.replace(/\/backups/g, backups)));
    });

    it("report uploads the result and the metric and fails the job unless restore and check were clean", () => {
        for (const [verify, ok] of [
            ['{"restoreExit":0,"checkExit":0,"databases":" neo4j"}', true],
            ['{"restoreExit":0,"checkExit":3,"databases":" neo4j"}', false],
        ] as const) {
            const { bin, backups } = sandbox();
            fs.writeFileSync(path.join(backups, "verify.json"), verify);
            fs.writeFileSync(path.join(backups, "chain.txt"), "neo4j/eu-west-1/chain-1/");
            fs.writeFileSync(path.join(backups, "sha256.txt"), "abc  neo4j-1.backup\n");
            tool(bin, "aws", `echo "$@" >> ${backups}/aws.log`);
            const r = run(reportScript("b", "eu-west-1"), bin, backups);
            expect(r.code === 0).toBe(ok);
            const report = JSON.parse(fs.readFileSync(path.join(backups, "report.json"), "utf8")) as { verified: boolean; chain: string; sha256: string };
            expect(report).toMatchObject({ verified: ok, chain: "neo4j/eu-west-1/chain-1/", sha256: "abc  neo4j-1.backup;" });
            const calls = fs.readFileSync(path.join(backups, "aws.log"), "utf8");
            expect(calls).toMatch(/s3 cp --only-show-errors .*report\.json s3:\/\/b\/verification\/eu-west-1\/\d{4}-\d{2}-\d{2}T\d{6}Z\.json/);
            expect(calls).toContain(`cloudwatch put-metric-data --namespace IntelGraph/Backups --metric-name Neo4jBackupVerificationFailed --dimensions Region=eu-west-1 --value ${ok ? 0 : 1}`);
        }
    });
});
