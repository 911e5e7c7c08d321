import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems } from "../boundary";
import { SYNTHETICS_ARTIFACTS_PURPOSE } from "../labels";
import { SecureBucket } from "../storage/SecureBucket";
import { description, notifying } from "./alarm";

/** What the probe requests: the other region's public ALB, under the API's name (SNI and Host). */
export interface ProbeTarget {
    readonly region: string;
    readonly loadBalancerDnsName: pulumi.Input<string>;
    readonly apiDomain: pulumi.Input<string>;
    /** The liveness path: 200 while the region's API runs, writer or not (README, "What the API's own deployment must provide"). */
    readonly path: string;
}

export interface RegionProbeArgs {
    /** The region the probe runs and alarms in (never the target's: an alarm about R must not live in R). */
    readonly region: string;
    readonly target: ProbeTarget;
    /** Lowercase letters, digits, - and _, at most 21 characters (see CANARY_NAME). */
    readonly canaryName: string;
    readonly alarmName: string;
    readonly artifactsBucketName: string;
    /** The probing region's key: artifacts are encrypted with it. */
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly partition: pulumi.Input<string>;
    readonly accountId: string;
    /** The probing region's alert topic. */
    readonly topicArn: pulumi.Input<string>;
    readonly everyMinutes: number;
    /** Consecutive failed runs before the alarm fires. */
    readonly failedRuns: number;
    readonly runtimeVersion: string;
}

/**
 * Canary names: lowercase letters, digits, hyphens and underscores; kept within 21 characters, the limit the
 * CreateCanary API documented for years (CloudWatch Synthetics API Reference, CreateCanary Name), so a name
 * valid here is valid under either limit.
 */
export const CANARY_NAME = /^[0-9a-z_-]{1,21}$/;
export const PROBE_HANDLER = "probe.handler";

/**
 * The probe: a plain Node.js handler (no Synthetics library, so it runs unchanged on every syn-nodejs runtime)
 * that GETs the target over HTTPS, validating the certificate against the API's name, and throws, which fails
 * the run, on anything but a 2xx within 10 s. Node.js canaries are packaged under nodejs/node_modules/
 * (CloudWatch User Guide, "Packaging your Node.js canary files"); the handler is file.function. The target is
 * written into the code, not passed as environment variables: the Synthetics API does not return those, so a
 * change made outside Pulumi would go unseen (terraform-provider-aws#17948).
 */
export function probeSource(target: { readonly host: string; readonly name: string; readonly path: string }): string {
    return `const https = require("node:https");
const TARGET = ${JSON.stringify(target)};
exports.handler = async () => {
    const { host, name, path } = TARGET;
    const status = await new Promise((resolve, reject) => {
        const req = https.request({ host, servername: name, path, method: "GET", headers: { host: name }, timeout: 10000 }, (res) => {
            res.resume();
            resolve(res.statusCode);
        });
        req.on("timeout", () => req.destroy(new Error("no answer within 10 s")));
        req.on("error", reject);
        req.end();
    });
    if (!(status >= 200 && status < 300)) throw new Error("GET https://" + name + path + " via " + host + " answered " + status);
    return "GET " + path + " answered " + status;
};
`;
}

/** The code object's key carries the code's hash: a change of the code (or its target) is a new key, which updates the canary. */
export const probeCodeKey = (source: string) => `probe/${createHash("sha256").update(source).digest("hex").slice(0, 16)}.zip`;

/**
 * A synthetic probe of another region's API entry, run from this region. Route 53's health-check metrics exist
 * only in us-east-1 (Route 53 Developer Guide, "Monitoring health checks using CloudWatch"), so the loss of
 * us-east-1 cannot be alarmed on from them anywhere; a canary in the other region sees it. Its metric
 * CloudWatchSynthetics `SuccessPercent` (dimension CanaryName, one value per run) is published in the canary's
 * region (CloudWatch User Guide, "CloudWatch metrics published by canaries"), so the alarm lives and notifies
 * in the probing region, which is up when the target is not.
 */
export class RegionProbe extends pulumi.ComponentResource {
    readonly canaryName: pulumi.Output<string>;
    readonly alarmArn: pulumi.Output<string>;

    constructor(name: string, args: RegionProbeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:monitoring:RegionProbe", name, {}, opts);
        validateArgs(args).throwIfAny(this, "RegionProbe", name);
        const artifacts = new SecureBucket(
            `${name}-artifacts`,
            { bucketName: args.artifactsBucketName, encryption: { kind: "kms", kmsKeyArn: args.kmsKeyArn }, retentionDays: 30, purpose: SYNTHETICS_ARTIFACTS_PURPOSE },
            { parent: this },
        );
        const source = pulumi
            .all([args.target.loadBalancerDnsName, args.target.apiDomain])
            .apply(([host, apiDomain]) => probeSource({ host, name: apiDomain, path: args.target.path }));
        const code = new aws.s3.BucketObjectv2(
            `${name}-code`,
            {
                bucket: artifacts.bucketName,
                key: source.apply(probeCodeKey),
                source: source.apply((text) => new pulumi.asset.AssetArchive({ "nodejs/node_modules/probe.js": new pulumi.asset.StringAsset(text) })),
            },
            { parent: this, dependsOn: [artifacts] },
        );
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
                tags: { Name: args.canaryName },
            },
            { parent: this },
        );
        // The canary role's permissions (CloudWatch User Guide, "Required roles and permissions for canaries"),
        // scoped to this canary's bucket, its Lambda log groups (cwsyn-<name>-*) and the Synthetics namespace.
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.id,
                policy: pulumi.all([artifacts.bucketArn, args.kmsKeyArn, args.partition]).apply(([bucketArn, keyArn, partition]) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            { Effect: "Allow", Action: ["s3:PutObject"], Resource: `${bucketArn}/artifacts/*` },
                            { Effect: "Allow", Action: ["s3:GetObject"], Resource: `${bucketArn}/probe/*` },
                            { Effect: "Allow", Action: ["s3:GetBucketLocation"], Resource: bucketArn },
                            { Effect: "Allow", Action: ["s3:ListAllMyBuckets"], Resource: "*" },
                            { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: keyArn },
                            { Effect: "Allow", Action: ["cloudwatch:PutMetricData"], Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "CloudWatchSynthetics" } } },
                            {
                                Effect: "Allow",
                                Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                                Resource: `arn:${partition}:logs:${args.region}:${args.accountId}:log-group:/aws/lambda/cwsyn-${args.canaryName}-*`,
                            },
                        ],
                    }),
                ),
            },
            { parent: this },
        );
        const canary = new aws.synthetics.Canary(
            `${name}-canary`,
            {
                name: args.canaryName,
                runtimeVersion: args.runtimeVersion,
                handler: PROBE_HANDLER,
                s3Bucket: artifacts.bucketName,
                s3Key: code.key,
                executionRoleArn: role.arn,
                artifactS3Location: pulumi.interpolate`s3://${artifacts.bucketName}/artifacts/`,
                artifactConfig: { s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: args.kmsKeyArn } },
                schedule: { expression: rateExpression(args.everyMinutes) },
                runConfig: {
                    // Within the run's period, and past the 15 s the guide advises for cold starts.
                    timeoutInSeconds: Math.min(60, args.everyMinutes * 60),
                },
                successRetentionPeriod: 2,
                failureRetentionPeriod: 14,
                startCanary: true,
                tags: { Name: args.canaryName, "intelgraph.io/probes": args.target.region },
            },
            { parent: this, dependsOn: [policy, code] },
        );
        const alarm = new aws.cloudwatch.MetricAlarm(
            `${name}-alarm`,
            {
                name: args.alarmName,
                alarmDescription: description(
                    `The API entry of ${args.target.region}, probed from ${args.region}, failed ${args.failedRuns} runs in a row (or the probe stopped running): ${args.target.region} may be lost.`,
                    "region-probe",
                ),
                namespace: "CloudWatchSynthetics",
                metricName: "SuccessPercent",
                dimensions: { CanaryName: canary.name },
                statistic: "Average",
                period: args.everyMinutes * 60,
                evaluationPeriods: args.failedRuns,
                datapointsToAlarm: args.failedRuns,
                comparisonOperator: "LessThanThreshold",
                threshold: 50,
                // A probe that stopped reporting watches nothing: that is an alarm too.
                treatMissingData: "breaching",
                ...notifying(args.topicArn),
            },
            { parent: this },
        );
        this.canaryName = canary.name;
        this.alarmArn = alarm.arn;
        this.registerOutputs({ canaryName: this.canaryName, alarmArn: this.alarmArn });
    }
}

/** Synthetics schedules: rate(1 minute) or rate(N minutes), 1 to 60 (CloudWatch Synthetics API Reference, CanaryScheduleInput Expression). */
export const rateExpression = (minutes: number) => (minutes === 1 ? "rate(1 minute)" : `rate(${minutes} minutes)`);

function validateArgs(args: RegionProbeArgs): Problems {
    const p = new Problems();
    p.check(CANARY_NAME.test(args.canaryName), `canaryName must be 1-21 lowercase letters, digits, "-" or "_", got ${JSON.stringify(args.canaryName)}`);
    p.check(args.region !== args.target.region, `the probe of ${args.target.region} must run in another region: an alarm about a region must not live in it`);
    p.check(Number.isInteger(args.everyMinutes) && args.everyMinutes >= 1 && args.everyMinutes <= 60, `everyMinutes must be a whole number from 1 to 60, got ${args.everyMinutes}`);
    // CloudWatch evaluates at most one day at periods under an hour (PutMetricAlarm: period x evaluationPeriods <= 86,400 s).
    p.check(Number.isInteger(args.failedRuns) && args.failedRuns >= 1 && args.failedRuns * args.everyMinutes * 60 <= 86_400, `failedRuns must be a whole number of at least 1 spanning at most a day, got ${args.failedRuns}`);
    p.check(/^syn-nodejs-/.test(args.runtimeVersion), `runtimeVersion must be a Node.js Synthetics runtime (syn-nodejs-...): the probe is a Node.js handler, got ${JSON.stringify(args.runtimeVersion)}`);
    p.check(args.target.path.startsWith("/"), `target.path must start with "/", got ${JSON.stringify(args.target.path)}`);
    return p;
}
