/**
 * The region probes of the interconnect: a canary in each linked region against the other's public entry, its
 * alarm where it runs, the probe's own code (run here against a fake `https`), and what the config allows.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { RegionProbe, type RegionProbeArgs, probeCodeKey, probeSource } from "../../../components/monitoring/RegionProbe";
import { PROBE_DEFAULTS, parseInterconnectConfig } from "../../../stacks/config/interconnect";
import { regionCode } from "../../../stacks/interconnectStack";
import type { PlannedStack } from "../../../tools/offline/engine";
import type { PlanReport } from "../../../tools/offline/report";
import { runCli } from "../../helpers/cli";
import { projectCopy } from "../../helpers/project";
import { loadProject, loadStackFile } from "../../../tools/offline/project";
import { problemsOf } from "../../helpers/config";
import { expectRefused, planComponent } from "../../helpers/component";
import { PROJECT_DIR, inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

const CANARY = "aws:synthetics/canary:Canary";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe.each([
    ["us-west-2", "us-east-1"],
    ["us-east-1", "us-west-2"],
] as const)("the probe of %s against %s (interconnect-us)", (from, to) => {
    const s = () => mustGet(stacks, "interconnect-us");
    const name = `probe-${from}-${to}`;
    const canary = () => one(s(), CANARY, `${name}-canary`);

    it("runs in the probing region, every minute, against the other region's ALB under the API's name and that stack's liveness path", () => {
        expect(providerRegion(s(), canary())).toBe(from);
        const target = mustGet(stacks, to).outputs;
        expect(target.apiLivenessPath).toBe("/livez");
        expect(inputsOf(canary())).toMatchObject({
            name: `ig-prod-${regionCode(from)}-${regionCode(to)}`,
            handler: "probe.handler",
            runtimeVersion: PROBE_DEFAULTS.runtimeVersion,
            schedule: { expression: "rate(1 minute)" },
            startCanary: true,
            runConfig: { timeoutInSeconds: 60 },
            s3Key: probeCodeKey(probeSource({ host: String(target.apiLoadBalancerDnsName), name: "api.intelgraph.example.com", path: String(target.apiLivenessPath) })),
        });
        expect(inputsOf(canary()).runConfig).not.toHaveProperty("environmentVariables");
    });

    it("keeps its artifacts in a bucket of the probing region under that region's key, and reads its code from there", () => {
        const key = mustGet(stacks, from).outputs.kmsKeyArn;
        const bucket = `intelgraph-probe-123456789012-${from}-to-${regionCode(to)}-prod`;
        expect(inputsOf(canary())).toMatchObject({ s3Bucket: bucket, artifactS3Location: `s3://${bucket}/artifacts/`, artifactConfig: { s3Encryption: { encryptionMode: "SSE_KMS", kmsKeyArn: key } } });
        const sse = ofType(s(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").find((r) => r.name.startsWith(`${name}-artifacts`));
        expect(JSON.stringify(inputsOf(sse!).rules)).toContain(String(key));
        expect(inputsOf(one(s(), "aws:s3/bucketObjectv2:BucketObjectv2", `${name}-code`))).toMatchObject({ bucket, key: inputsOf(canary()).s3Key });
    });

    it("lets its role write artifacts, read its code, use the key and publish only CloudWatchSynthetics metrics", () => {
        const policy = JSON.parse(inputsOf(one(s(), "aws:iam/rolePolicy:RolePolicy", `${name}-policy`)).policy as string) as { Statement: { Action: string[]; Resource: string; Condition?: unknown }[] };
        const bucketArn = `arn:aws:s3:::intelgraph-probe-123456789012-${from}-to-${regionCode(to)}-prod`;
        expect(policy.Statement.map((st) => [st.Action.join(","), st.Resource])).toEqual([
            ["s3:PutObject", `${bucketArn}/artifacts/*`],
            ["s3:GetObject", `${bucketArn}/probe/*`],
            ["s3:GetBucketLocation", bucketArn],
            ["s3:ListAllMyBuckets", "*"],
            ["kms:GenerateDataKey,kms:Decrypt", mustGet(stacks, from).outputs.kmsKeyArn],
            ["cloudwatch:PutMetricData", "*"],
            ["logs:CreateLogGroup,logs:CreateLogStream,logs:PutLogEvents", `arn:aws:logs:${from}:123456789012:log-group:/aws/lambda/cwsyn-ig-prod-${regionCode(from)}-${regionCode(to)}-*`],
        ]);
        expect(policy.Statement[5].Condition).toEqual({ StringEquals: { "cloudwatch:namespace": "CloudWatchSynthetics" } });
        expect(canary().dependencies).toContain(one(s(), "aws:iam/rolePolicy:RolePolicy", `${name}-policy`).urn);
    });

    it("alarms in the probing region on SuccessPercent of its canary: 3 failed 1-minute runs, a silent probe breaching, to that region's topic", () => {
        const alarm = one(s(), ALARM, `${name}-alarm`);
        expect(providerRegion(s(), alarm)).toBe(from);
        const topic = mustGet(stacks, from).outputs.alertTopicArn;
        expect(inputsOf(alarm)).toMatchObject({
            name: `intelgraph-${from}-probe-${to}`,
            namespace: "CloudWatchSynthetics",
            metricName: "SuccessPercent",
            dimensions: { CanaryName: outputsOf(canary()).name },
            statistic: "Average",
            period: 60,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            comparisonOperator: "LessThanThreshold",
            threshold: 50,
            treatMissingData: "breaching",
            actionsEnabled: true,
            alarmActions: [topic],
            okActions: [topic],
        });
        expect(String(inputsOf(alarm).alarmDescription)).toMatch(/ Runbook: runbooks\/alerts\.md#region-probe$/);
    });
});

describe("the probes of the stack set", () => {
    it("are listed in the interconnect's outputs, and staging probes every 5 minutes", () => {
        expect(mustGet(stacks, "interconnect-us").outputs.probeAlarms).toEqual(["us-west-2 -> us-east-1: intelgraph-us-west-2-probe-us-east-1", "us-east-1 -> us-west-2: intelgraph-us-east-1-probe-us-west-2"]);
        const staging = mustGet(stacks, "staging-interconnect-us");
        expect(ofType(staging, CANARY).map((c) => [inputsOf(c).name, (inputsOf(c).schedule as { expression: string }).expression])).toEqual([
            ["ig-staging-usw2-use1", "rate(5 minutes)"],
            ["ig-staging-use1-usw2", "rate(5 minutes)"],
        ]);
        expect(inputsOf(one(staging, ALARM, "probe-us-west-2-us-east-1-alarm"))).toMatchObject({ period: 300, evaluationPeriods: 3 });
    });

    it("are priced per run in the probing region: 43,800 runs a month at $0.0012 (rate(1 minute))", async () => {
        const { main } = await import("../../../tools/offline/plan");
        const dir = projectCopy();
        await runCli(main, ["--stack", "interconnect-us", "--out", "plan.json"], dir);
        const report = JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")) as PlanReport;
        const lines = report.stacks.find((x) => x.stack === "interconnect-us")?.cost?.lines.filter((l) => l.item === "synthetics-canary-run") ?? [];
        expect(lines.map((l) => [l.resource, l.quantity, l.unit, l.monthlyUsd])).toEqual([
            ["probe-us-west-2-us-east-1-canary", 43_800, "run", expect.closeTo(52.56, 2)],
            ["probe-us-east-1-us-west-2-canary", 43_800, "run", expect.closeTo(52.56, 2)],
        ]);
    });
});

describe("the probe's code", () => {
    type Answer = { status?: number; error?: string; timeout?: boolean };
    /** Runs the probe's source as Synthetics would (CommonJS, handler export) with a fake node:https answering `answer`. */
    async function run(answer: Answer): Promise<{ result?: string; error?: string; options: Record<string, unknown> }> {
        let options: Record<string, unknown> = {};
        const https = {
            request: (opts: Record<string, unknown>, onResponse: (res: { statusCode?: number; resume(): void }) => void) => {
                options = opts;
                const handlers: Record<string, (e?: Error) => void> = {};
                const req = {
                    on: (event: string, h: (e?: Error) => void) => ((handlers[event] = h), req),
                    destroy: (e: Error) => handlers.error?.(e),
                    end: () => {
                        if (answer.timeout) handlers.timeout?.();
                        else if (answer.error) handlers.error?.(new Error(answer.error));
                        else onResponse({ statusCode: answer.status, resume: () => undefined });
                    },
                };
                return req;
            },
        };
        const module = { exports: {} as { handler?: () => Promise<string> } };
        const source = probeSource({ host: "api-alb-1.us-east-1.elb.amazonaws.com", name: "api.intelgraph.example.com", path: "/livez" });
        new Function("require", "exports", "module", source)((id: string) => (id === "node:https" ? https : undefined), module.exports, module);
        try {
            return { result: await module.exports.handler!(), options };
        } catch (e) {
            return { error: (e as Error).message, options };
        }
    }

    it("a new target is new code under a new key (the canary updates)", () => {
        const a = probeSource({ host: "a.elb.amazonaws.com", name: "api.example.com", path: "/livez" });
        const b = probeSource({ host: "b.elb.amazonaws.com", name: "api.example.com", path: "/livez" });
        expect(probeCodeKey(a)).toMatch(/^probe\/[0-9a-f]{16}\.zip$/);
        expect(probeCodeKey(a)).not.toBe(probeCodeKey(b));
    });

    it("connects to the ALB but validates the certificate against the API's name (SNI and Host), with a 10 s timeout", async () => {
        const { result, options } = await run({ status: 200 });
        expect(result).toBe("GET /livez answered 200");
        expect(options).toMatchObject({ host: "api-alb-1.us-east-1.elb.amazonaws.com", servername: "api.intelgraph.example.com", path: "/livez", method: "GET", headers: { host: "api.intelgraph.example.com" }, timeout: 10000 });
    });

    it.each([
        [{ status: 503 }, "GET https://api.intelgraph.example.com/livez via api-alb-1.us-east-1.elb.amazonaws.com answered 503"],
        [{ error: "getaddrinfo ENOTFOUND" }, "getaddrinfo ENOTFOUND"],
        [{ timeout: true }, "no answer within 10 s"],
    ])("fails the run on %j", async (answer, message) => {
        expect((await run(answer)).error).toBe(message);
    });
});

describe("probe arguments and config", () => {
    const args = (over: Partial<RegionProbeArgs>): RegionProbeArgs => ({
        region: "us-west-2",
        target: { region: "us-east-1", loadBalancerDnsName: "x", apiDomain: "api.example.com", path: "/livez" },
        canaryName: "ig-prod-usw2-use1",
        alarmName: "a",
        artifactsBucketName: "intelgraph-probe-test",
        kmsKeyArn: "k",
        partition: "aws",
        accountId: "123456789012",
        topicArn: "t",
        everyMinutes: 1,
        failedRuns: 3,
        runtimeVersion: "syn-nodejs-puppeteer-13.1",
        ...over,
    });

    it("refuses a probe in the region it watches, a name over 21 characters, a non-Node runtime, before registering anything", async () => {
        const p = await planComponent(({ onRegion }) => new RegionProbe("probe", args({ region: "us-east-1", canaryName: "ig-staging-usw2-use1-x", runtimeVersion: "syn-python-selenium-6.0" }), onRegion));
        expectRefused(
            p,
            RegionProbe,
            'RegionProbe \'probe\': canaryName must be 1-21 lowercase letters, digits, "-" or "_", got "ig-staging-usw2-use1-x"; the probe of us-east-1 must run in another region: an alarm about a region must not live in it; runtimeVersion must be a Node.js Synthetics runtime (syn-nodejs-...): the probe is a Node.js handler, got "syn-python-selenium-6.0"',
        );
    });

    it("refuses failed runs spanning more than a day (CloudWatch's bound at periods under an hour)", async () => {
        const p = await planComponent(({ onRegion }) => new RegionProbe("probe", args({ everyMinutes: 60, failedRuns: 25 }), onRegion));
        expectRefused(p, RegionProbe, "RegionProbe 'probe': failedRuns must be a whole number of at least 1 spanning at most a day, got 25");
    });

    const base = () => ({ ...loadStackFile(loadProject(PROJECT_DIR), "interconnect-us").config });

    it("defaults every probe setting when the stack file has none", () => {
        const c = base();
        delete c["intelgraph:probe"];
        expect(parseInterconnectConfig("interconnect-us", c).probe).toEqual(PROBE_DEFAULTS);
    });

    it.each([
        [{ everyMinutes: 0 }, "intelgraph:probe.everyMinutes", 0, "whole minutes between probe runs, from 1 to 60"],
        [{ failedRuns: 1.5 }, "intelgraph:probe.failedRuns", 1.5, "consecutive failed runs before the alarm, from 1 to 60"],
        [{ runtimeVersion: "syn-python-selenium-6.0" }, "intelgraph:probe.runtimeVersion", "syn-python-selenium-6.0", "a Node.js Synthetics runtime such as syn-nodejs-puppeteer-13.1 (the probe is a Node.js handler)"],
    ])("refuses %j, naming the file and the key", (probe, key, value, allowed) => {
        expect(problemsOf(() => parseInterconnectConfig("interconnect-us", { ...base(), "intelgraph:probe": JSON.stringify(probe) }))).toEqual([{ file: "Pulumi.interconnect-us.yaml", key, value, allowed }]);
    });

    it("refuses an unknown probe key, naming the known ones", () => {
        expect(problemsOf(() => parseInterconnectConfig("interconnect-us", { ...base(), "intelgraph:probe": JSON.stringify({ every: 1 }) }))).toEqual([
            { file: "Pulumi.interconnect-us.yaml", key: "intelgraph:probe.every", value: 1, allowed: "no such key in intelgraph:probe; its keys are everyMinutes, failedRuns, runtimeVersion" },
        ]);
    });
});
