/** The drill CLI against FIS, CloudWatch, S3 and STS faked with aws-sdk-client-mock, over the planned stacks' outputs. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloudWatchClient, DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { FisClient, GetExperimentCommand, GetExperimentTemplateCommand, StartExperimentCommand, StopExperimentCommand } from "@aws-sdk/client-fis";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { main } from "../../../tools/drill/cli";
import { FREEZE_KEY } from "../../../tools/failover/steps/freeze";
import { unwrapWire } from "../../../tools/offline/wire";
import { PROJECT_DIR, inputsOf, mustGet, ofType, plan } from "../../helpers/plan";

const STACK = "us-west-2";
const PEER = "us-east-1";
const MUTATING = /^(Start|Stop|Put|Delete|Create|Update|Tag)/;

async function outputs(stack: string): Promise<Record<string, unknown>> {
    return unwrapWire(mustGet(await plan(), stack).outputs as never) as Record<string, unknown>;
}

/** The planned template as FIS's GetExperimentTemplate returns it (maps keyed by name). */
async function fisTemplate(slug: string) {
    const t = ofType(mustGet(await plan(), STACK), "aws:fis/experimentTemplate:ExperimentTemplate").find((r) => r.name === `chaos-${slug}`);
    if (!t) throw new Error(`no template ${slug}`);
    const i = inputsOf(t) as {
        description: string;
        stopConditions: { source: string; value: string }[];
        actions: { name: string; actionId: string; parameters?: { key: string; value: string }[]; target: { key: string; value: string } }[];
        targets: { name: string; resourceType: string; resourceTags: { key: string; value: string }[]; filters?: { path: string; values: string[] }[]; selectionMode: string }[];
    };
    return {
        description: i.description,
        stopConditions: i.stopConditions,
        actions: Object.fromEntries(i.actions.map((a) => [a.name, { actionId: a.actionId, parameters: Object.fromEntries((a.parameters ?? []).map((p) => [p.key, p.value])), targets: { [a.target.key]: a.target.value } }])),
        targets: Object.fromEntries(i.targets.map((x) => [x.name, { resourceType: x.resourceType, resourceTags: Object.fromEntries(x.resourceTags.map((tg) => [tg.key, tg.value])), filters: x.filters, selectionMode: x.selectionMode }])),
    };
}

interface Call {
    readonly service: string;
    readonly operation: string;
    readonly region: string;
    readonly input: Record<string, unknown>;
}

let dir: string;
let t: number;
let secrets: string[];
let objects: Map<string, string>;
let statuses: { status: string; reason?: string }[];
let alarmStates: Record<string, string>;
let history: Record<string, { state: string; at: number }[]>;
const stubs: [string, ReturnType<typeof mockClient>][] = [];

async function calls(): Promise<Call[]> {
    const out: (Call & { order: number })[] = [];
    for (const [service, m] of stubs) {
        for (const c of m.calls()) {
            const client = c.thisValue as { config: { region: () => Promise<string> } };
            const cmd = c.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
            out.push({ service, operation: cmd.constructor.name.replace(/Command$/, ""), region: await client.config.region(), input: cmd.input, order: (c as unknown as { callId: number }).callId });
        }
    }
    return out.sort((a, b) => a.order - b.order).map(({ order: _o, ...r }) => r);
}
const mutating = async () => (await calls()).filter((c) => MUTATING.test(c.operation));

async function fake() {
    const templates: Record<string, Awaited<ReturnType<typeof fisTemplate>>> = {};
    const ids = (await outputs(STACK)).chaosExperimentTemplateIds as Record<string, string>;
    const slugs: Record<string, string> = { azPowerInterruption: "az-power", auroraFailover: "aurora-failover", redisAzPower: "redis-az-power", eksNodeTermination: "eks-node-termination", crossRegionPartition: "cross-region-partition" };
    for (const [drill, id] of Object.entries(ids)) templates[id] = await fisTemplate(slugs[drill]);
    const make = <C>(service: string, client: C) => {
        const m = mockClient(client as never) as unknown as ReturnType<typeof mockClient>;
        stubs.push([service, m]);
        return m;
    };
    const fis = make("fis", FisClient);
    // @aws-sdk/client-fis 3.523 (the newest the registry mirror has) is typed against older @smithy types than
    // aws-sdk-client-mock's: its commands are passed untyped; the inputs are still asserted below.
    fis.on(GetExperimentTemplateCommand as never).callsFake((input: { id?: string }) => {
        const tpl = templates[String(input.id)];
        if (!tpl) throw Object.assign(new Error(`Experiment template not found: ${input.id}`), { name: "ResourceNotFoundException", $metadata: { httpStatusCode: 404 } });
        return { experimentTemplate: { id: input.id, ...tpl } };
    });
    fis.on(StartExperimentCommand as never).callsFake((input: { experimentTemplateId?: string }) => ({ experiment: { id: "EXPdrill1", experimentTemplateId: input.experimentTemplateId, state: { status: "initiating" } } }));
    fis.on(GetExperimentCommand as never).callsFake(() => ({ experiment: { id: "EXPdrill1", state: statuses.length > 1 ? statuses.shift() : statuses[0] } }));
    fis.on(StopExperimentCommand as never).callsFake(() => ((statuses = [{ status: "stopping" }, { status: "stopped", reason: "Experiment stopped by user." }]), { experiment: { id: "EXPdrill1", state: { status: "stopping" } } }));
    const cw = make("cloudwatch", CloudWatchClient);
    cw.on(DescribeAlarmsCommand).callsFake((input: { AlarmNames?: string[] }) => {
        const names = input.AlarmNames ?? [];
        return {
            CompositeAlarms: names.filter((n) => n.includes("burn")).map((n) => ({ AlarmName: n, StateValue: alarmStates[n] ?? "OK" })),
            MetricAlarms: names.filter((n) => !n.includes("burn")).map((n) => ({ AlarmName: n, StateValue: alarmStates[n] ?? "OK" })),
        };
    });
    cw.on(DescribeAlarmHistoryCommand).callsFake((input: { AlarmName?: string }) => ({
        AlarmHistoryItems: (history[String(input.AlarmName)] ?? []).map((h) => ({ AlarmName: input.AlarmName, Timestamp: new Date(h.at), HistoryItemType: "StateUpdate", HistoryData: JSON.stringify({ newState: { stateValue: h.state } }) })),
    }));
    const s3 = make("s3", S3Client);
    const key = (i: { Bucket?: string; Key?: string }) => `${i.Bucket}/${i.Key}`;
    s3.on(HeadObjectCommand).callsFake((i: { Bucket?: string; Key?: string }) => {
        if (objects.has(key(i))) return {};
        throw Object.assign(new Error("Not Found"), { name: "NotFound", $metadata: { httpStatusCode: 404 } });
    });
    s3.on(PutObjectCommand).callsFake((i: { Bucket?: string; Key?: string; Body?: unknown }) => (objects.set(key(i), String(i.Body)), {}));
    s3.on(GetObjectCommand).callsFake((i: { Bucket?: string; Key?: string }) => ({ Body: { transformToString: async () => objects.get(key(i)) ?? "" } }));
    s3.on(DeleteObjectCommand).callsFake((i: { Bucket?: string; Key?: string }) => (objects.delete(key(i)), {}));
    const sts = make("sts", STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Arn: "arn:aws:sts::123456789012:assumed-role/intelgraph-platform-admin/drill" });
}

async function run(...args: string[]) {
    let stdout = "", stderr = "";
    const code = await main([...args, "--stack", STACK, "--outputs-dir", dir, "--evidence-dir", path.join(dir, "evidence"), "--run-id", "drill-1", "--policy-config", path.join(PROJECT_DIR, "policy-pack", "config", `${STACK}.json`)], {
        stdout: (s) => void (stdout += s),
        stderr: (s) => void (stderr += s),
        now: () => t,
        sleep: async (ms) => void (t += ms),
    });
    return { code, stdout, stderr };
}

beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "drill-"));
    t = Date.parse("2026-12-02T02:00:00Z");
    objects = new Map();
    statuses = [{ status: "running" }, { status: "running" }, { status: "completed", reason: "Experiment completed." }];
    alarmStates = {};
    history = {};
    // `pulumi stack output --json --show-secrets`: the secrets are in the file, so nothing written may contain them.
    for (const s of [STACK, PEER]) fs.writeFileSync(path.join(dir, `${s}.json`), JSON.stringify(await outputs(s)));
    const o = await outputs(STACK);
    secrets = [o.auroraMasterPassword, o.redisAuthToken, o.kubeconfig].map(String);
    expect(secrets.every((s) => s.length > 8)).toBe(true);
    await fake();
});
afterEach(() => {
    for (const [, m] of stubs) m.restore();
    stubs.length = 0;
});

const stopAlarmNames = async () => ((await outputs(STACK)).chaosStopAlarmArns as string[]).map((a) => a.split(":alarm:")[1]);

describe("npm run drill", () => {
    it("a dry run reads the template, the stop alarms and the freeze marker, prints the plan, and makes no mutating call", async () => {
        const o = await outputs(STACK);
        const r = await run("azPowerInterruption");
        expect(r.code, r.stderr).toBe(0);
        expect(await mutating()).toEqual([]);
        const all = await calls();
        expect(all.map((c) => `${c.service}:${c.operation}`)).toEqual(["sts:GetCallerIdentity", "fis:GetExperimentTemplate", "cloudwatch:DescribeAlarms", "s3:HeadObject"]);
        expect(all[1].input).toEqual({ id: (o.chaosExperimentTemplateIds as Record<string, string>).azPowerInterruption });
        expect(all.every((c) => c.region === STACK)).toBe(true);
        expect(r.stdout).toContain(`Dry run: azPowerInterruption of ${STACK} (${STACK}): AZ power interruption of us-west-2a [dry-run]`);
        expect(r.stdout).toContain("action stop-instances: aws:ec2:stop-instances {\"startInstancesAfterDuration\":\"PT30M\"} on instances-in-az");
        expect(r.stdout).toContain(`stopped when any of these is in ALARM: ${(await stopAlarmNames()).map((n) => `${n} (OK)`).join(", ")}`);
        expect(r.stdout).toContain("objectives: RTO 15.0 min, RPO 5.0 min");
        expect(r.stdout).toContain(`deploy freeze: would put ${FREEZE_KEY} in s3://${String(o.neo4jBackupBucketName)} (${STACK}) for the run, removed after it`);
        expect(r.stdout).toContain("cost: 90 action-minute(s), $9.00");
    });

    it("--execute sets the freeze, starts the named template with the run id as client token, follows it to completed, clears the freeze and uploads the record", async () => {
        const o = await outputs(STACK);
        const id = (o.chaosExperimentTemplateIds as Record<string, string>).redisAzPower;
        const r = await run("redisAzPower", "--execute");
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const m = await mutating();
        const freezeBucket = String(o.neo4jBackupBucketName);
        expect(m.map((c) => [c.operation, c.input.Bucket ?? c.input.experimentTemplateId, c.input.Key])).toEqual([
            ["PutObject", freezeBucket, FREEZE_KEY],
            ["StartExperiment", id, undefined],
            ["DeleteObject", freezeBucket, FREEZE_KEY],
            ["PutObject", o.evidenceBucketName, "evidence/drill/drill-drill-1.json"],
            ["PutObject", o.evidenceBucketName, "evidence/drill/drill-drill-1.md"],
        ]);
        expect(m[1].input).toEqual({ experimentTemplateId: id, clientToken: "drill-1", tags: { "intelgraph-drill-run": "drill-1" } });
        expect(m[3].input).toMatchObject({ ObjectLockMode: "COMPLIANCE", ChecksumAlgorithm: "SHA256" });
        const polls = (await calls()).filter((c) => c.operation === "GetExperiment");
        expect(polls.length).toBe(3);
        expect(polls.every((c) => c.input.id === "EXPdrill1")).toBe(true);
        expect(objects.has(`${freezeBucket}/${FREEZE_KEY}`)).toBe(false);
        const rec = JSON.parse(fs.readFileSync(path.join(dir, "evidence", "drill-drill-1.json"), "utf8")) as { outcome: string; experimentId: string; timeline: { event: string }[]; freeze: { set: boolean; cleared: boolean }; alarmsFired: unknown[] };
        expect(rec).toMatchObject({ outcome: "completed", experimentId: "EXPdrill1", freeze: { set: true, cleared: true }, alarmsFired: [] });
        expect(rec.timeline.map((e) => e.event)).toEqual([
            `template ${id} read: 1 action(s), 4 stop alarm(s)`,
            `deploy freeze set: s3://${freezeBucket}/${FREEZE_KEY}`,
            "experiment EXPdrill1 started (initiating)",
            "experiment EXPdrill1: running",
            "experiment EXPdrill1: completed (Experiment completed.)",
            "deploy freeze cleared",
        ]);
        // The alarm history covers the experiment: one StateUpdate query per stop alarm.
        expect((await calls()).filter((c) => c.operation === "DescribeAlarmHistory").map((c) => c.input.AlarmName)).toEqual(await stopAlarmNames());
    });

    it("an experiment stopped by an alarm: exit 1, the alarm that fired, the recovery achieved against the RTO, no secret anywhere", async () => {
        const [page] = await stopAlarmNames();
        statuses = [{ status: "running" }, { status: "stopped", reason: `Stop condition triggered (connection string postgres://intelgraph:${secrets[0]}@writer)` }];
        const start = t;
        history = { [page]: [{ state: "ALARM", at: start + 60_000 }, { state: "OK", at: start + 5 * 60_000 }] };
        const r = await run("azPowerInterruption", "--execute", "--json");
        expect(r.code).toBe(1);
        const out = JSON.parse(r.stdout) as { record: { outcome: string; alarmsFired: { name: string; recoveredAt?: string }[]; achieved: { recoverySeconds: number; rtoMet: boolean }; next: string; reason: string } };
        expect(out.record.outcome).toBe("stopped");
        expect(out.record.alarmsFired).toEqual([{ name: page, at: new Date(start + 60_000).toISOString(), recoveredAt: new Date(start + 5 * 60_000).toISOString() }]);
        expect(out.record.achieved).toMatchObject({ recoverySeconds: 240, rtoMet: true });
        expect(out.record.next).toContain(`stop alarm(s) ${page} fired: the platform did not absorb the fault`);
        expect(out.record.reason).toContain("[secret]");
        const json = fs.readFileSync(path.join(dir, "evidence", "drill-drill-1.json"), "utf8");
        const md = fs.readFileSync(path.join(dir, "evidence", "drill-drill-1.md"), "utf8");
        const uploads = (await calls()).filter((c) => c.operation === "PutObject" && String(c.input.Key).startsWith("evidence/")).map((c) => String(c.input.Body));
        expect(uploads).toHaveLength(2);
        for (const text of [json, md, r.stdout, r.stderr, ...uploads]) for (const s of secrets) expect(text.includes(s)).toBe(false);
        expect(md).toContain("Recovery achieved: 4.0 min (met).");
    });

    it("refuses to start while a stop alarm is in ALARM, or while a deploy freeze is set (a failover): nothing is started or frozen", async () => {
        const [, lag] = await stopAlarmNames();
        alarmStates = { [lag]: "ALARM" };
        const alarmed = await run("eksNodeTermination", "--execute");
        expect(alarmed.code).toBe(1);
        expect(alarmed.stdout).toContain(`reason: stop alarm(s) ${lag} already in ALARM: FIS would stop the experiment at once`);
        expect(await mutating()).toEqual([]);

        alarmStates = {};
        const bucket = String((await outputs(STACK)).neo4jBackupBucketName);
        objects.set(`${bucket}/${FREEZE_KEY}`, JSON.stringify({ frozen: true, runId: "failover-7" }));
        const frozen = await run("eksNodeTermination", "--execute");
        expect(frozen.code).toBe(1);
        expect(frozen.stdout).toContain(`a deploy freeze is already set in s3://${bucket}/${FREEZE_KEY} (${STACK}): a failover or another drill is under way`);
        expect(await mutating()).toEqual([]);
        expect(objects.get(`${bucket}/${FREEZE_KEY}`)).toContain("failover-7");
    });

    it("stops an experiment that outlives its timeout, and still clears the freeze", async () => {
        statuses = [{ status: "running" }];
        const r = await run("redisAzPower", "--execute", "--timeout-minutes", "3");
        expect(r.code).toBe(1);
        expect((await mutating()).map((c) => c.operation)).toEqual(["PutObject", "StartExperiment", "StopExperiment", "DeleteObject", "PutObject", "PutObject"]);
        expect(r.stdout).toContain("[timed-out]");
        expect(r.stdout).toContain("Next: the experiment ran past --timeout-minutes 3 and was stopped");
    });

    it("leaves a freeze a failover put meanwhile, and clears only its own", async () => {
        const bucket = String((await outputs(STACK)).neo4jBackupBucketName);
        statuses = [{ status: "running" }, { status: "completed" }];
        const fis = stubs.find(([n]) => n === "fis")![1];
        fis.on(GetExperimentCommand as never).callsFake(() => {
            objects.set(`${bucket}/${FREEZE_KEY}`, JSON.stringify({ frozen: true, runId: "failover-8" }));
            return { experiment: { id: "EXPdrill1", state: statuses.length > 1 ? statuses.shift() : statuses[0] } };
        });
        const r = await run("eksNodeTermination", "--execute");
        expect(r.code).toBe(0);
        expect((await mutating()).map((c) => c.operation)).not.toContain("DeleteObject");
        expect(objects.get(`${bucket}/${FREEZE_KEY}`)).toContain("failover-8");
    });

    it("the cross-region partition freezes both regions' deploys, and refuses to execute without the other stack", async () => {
        const refused = await run("crossRegionPartition", "--execute");
        expect(refused.code).toBe(2);
        expect(refused.stderr).toContain("freeze the other regional stack too (--also-freeze <its stack>)");
        expect(await mutating()).toEqual([]);
        const r = await run("crossRegionPartition", "--execute", "--also-freeze", PEER);
        expect(r.code, r.stdout).toBe(0);
        const freezes = (await mutating()).filter((c) => c.input.Key === FREEZE_KEY).map((c) => [c.operation, c.region]);
        expect(freezes).toEqual([
            ["PutObject", STACK],
            ["PutObject", PEER],
            ["DeleteObject", STACK],
            ["DeleteObject", PEER],
        ]);
    });

    it("bad input exits 2 naming what is allowed", async () => {
        const unknown = await run("regionBlackhole");
        expect(unknown.code).toBe(2);
        expect(unknown.stderr).toContain(`${STACK} has no drill regionBlackhole; its drills are auroraFailover, azPowerInterruption, crossRegionPartition, eksNodeTermination, redisAzPower`);
        fs.writeFileSync(path.join(dir, `${STACK}.json`), JSON.stringify({ region: STACK }));
        const old = await run("azPowerInterruption");
        expect(old.code).toBe(2);
        expect(old.stderr).toContain("not the outputs of a regional stack with drills");
        expect(await calls()).toEqual([]);
    });
});
