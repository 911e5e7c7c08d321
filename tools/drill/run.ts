/**
 * One drill run. A dry run only reads: the experiment template (GetExperimentTemplate), the stop alarms' states
 * (DescribeAlarms) and whether a deploy freeze is already set (HeadObject). An execution refuses what FIS would
 * refuse or what would be unsafe (no alarm stop condition, a stop alarm already in ALARM, a freeze already set by
 * a failover or another drill), sets the deploy freeze, starts the experiment with the run id as client token
 * (a retried StartExperiment starts it once: AWS FIS API Reference, StartExperiment "clientToken"), follows it
 * to a terminal state (completed, stopped, failed) with backoff and a timeout (StopExperiment on timeout), reads
 * which stop alarms fired (DescribeAlarmHistory), and clears the freeze it set, whatever happened.
 */
import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from "@aws-sdk/client-cloudwatch";
import { type ExperimentTemplate, GetExperimentCommand, GetExperimentTemplateCommand, StartExperimentCommand, StopExperimentCommand } from "@aws-sdk/client-fis";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { type Timing, withRetries } from "../failover/retry";
import { FREEZE_KEY } from "../failover/steps/freeze";
import type { DrillClients } from "./clients";
import type { DrillStack, Objectives } from "./inputs";

export const TERMINAL = ["completed", "stopped", "failed"] as const;
const ALARM_SOURCE = "aws:cloudwatch:alarm";

export interface FreezeTarget {
    readonly stack: string;
    readonly region: string;
    readonly bucket: string;
}

export interface DrillOptions {
    readonly drill: string;
    readonly execute: boolean;
    readonly runId: string;
    readonly by: string;
    readonly timeoutMinutes: number;
    /** Deploy freezes to set: the drill's own stack first, then the ones --also-freeze names. */
    readonly freeze: readonly FreezeTarget[];
    readonly objectives: Objectives;
}

export interface AlarmFired {
    readonly name: string;
    readonly at: string;
    recoveredAt?: string;
}

export interface DrillRecord {
    readonly version: 1;
    readonly kind: "drill";
    readonly runId: string;
    readonly by: string;
    readonly stack: string;
    readonly region: string;
    readonly drill: string;
    readonly title: string;
    readonly templateId: string;
    readonly execute: boolean;
    readonly startedAt: string;
    endedAt?: string;
    experimentId?: string;
    readonly disrupts: string;
    readonly expectedRecovery: string;
    readonly actions: string[];
    readonly targets: string[];
    readonly stopAlarms: { readonly name: string; readonly arn: string; readonly stateAtStart?: string }[];
    readonly alarmsFired: AlarmFired[];
    readonly objectives: Objectives;
    /** Achieved recovery: the longest time a stop alarm stayed in ALARM, where one fired. */
    achieved: { recoverySeconds?: number; rtoMet?: boolean; rpo: string };
    readonly freeze: { readonly key: string; readonly targets: FreezeTarget[]; set: boolean; cleared: boolean; readonly reason: string };
    readonly timeline: { readonly at: string; readonly event: string }[];
    readonly actionMinutes: number;
    outcome: "dry-run" | "completed" | "stopped" | "failed" | "timed-out" | "refused";
    reason?: string;
    next?: string;
}

export interface DrillContext extends Timing {
    readonly clients: DrillClients;
}

const iso = (ms: number) => new Date(ms).toISOString();
const alarmName = (arn: string) => arn.slice(arn.indexOf(":alarm:") + ":alarm:".length);

class Refused extends Error {}

function describeTemplate(t: ExperimentTemplate): { actions: string[]; targets: string[]; alarmArns: string[] } {
    const actions = Object.entries(t.actions ?? {}).map(([name, a]) => `${name}: ${a.actionId ?? "?"}${Object.keys(a.parameters ?? {}).length ? ` ${JSON.stringify(a.parameters)}` : ""} on ${Object.values(a.targets ?? {}).join(", ")}`);
    const targets = Object.entries(t.targets ?? {}).map(
        ([name, x]) =>
            `${name}: ${x.resourceType ?? "?"} tagged ${JSON.stringify(x.resourceTags ?? {})}${x.filters?.length ? ` where ${x.filters.map((f) => `${f.path} in ${(f.values ?? []).join("|")}`).join(" and ")}` : ""}${x.parameters ? ` ${JSON.stringify(x.parameters)}` : ""}, ${x.selectionMode ?? "?"}`,
    );
    const alarmArns = (t.stopConditions ?? []).filter((c) => c.source === ALARM_SOURCE && c.value).map((c) => String(c.value));
    return { actions, targets, alarmArns };
}

export async function runDrill(stack: DrillStack, ctx: DrillContext, opts: DrillOptions): Promise<DrillRecord> {
    const spec = stack.chaosDrills[opts.drill];
    if (!spec) throw new Error(`internal: drill ${opts.drill} not in the outputs`);
    const region = stack.region;
    const c = ctx.clients.in(region);
    const started = ctx.now();
    const record: DrillRecord = {
        version: 1,
        kind: "drill",
        runId: opts.runId,
        by: opts.by,
        stack: stack.stack,
        region,
        drill: opts.drill,
        title: spec.title,
        templateId: spec.templateId,
        execute: opts.execute,
        startedAt: iso(started),
        disrupts: spec.disrupts,
        expectedRecovery: spec.expectedRecovery,
        actions: [],
        targets: [],
        stopAlarms: [],
        alarmsFired: [],
        objectives: opts.objectives,
        achieved: { rpo: "not measured by an FIS drill: the lag alarms above show any replication break; the quarterly failover drill measures RPO with heartbeats" },
        freeze: { key: FREEZE_KEY, targets: [...opts.freeze], set: false, cleared: false, reason: spec.fightsDeploys },
        timeline: [],
        actionMinutes: spec.actionMinutes,
        outcome: opts.execute ? "refused" : "dry-run",
    };
    const log = (event: string) => record.timeline.push({ at: iso(ctx.now()), event });
    try {
        const template = (await withRetries(ctx, () => c.fis.send(new GetExperimentTemplateCommand({ id: spec.templateId })))).experimentTemplate;
        if (!template) throw new Refused(`FIS has no experiment template ${spec.templateId} in ${region}: deploy the stack (pulumi up -s ${stack.stack}) and re-export its outputs`);
        const d = describeTemplate(template);
        record.actions.push(...d.actions);
        record.targets.push(...d.targets);
        if (!d.alarmArns.length) throw new Refused(`template ${spec.templateId} has no ${ALARM_SOURCE} stop condition: nothing would stop it (intelgraph-resilience-chaos-stop-conditions); fix the stack before drilling`);
        const names = d.alarmArns.map(alarmName);
        const described = await withRetries(ctx, () => c.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ["CompositeAlarm", "MetricAlarm"] })));
        const states = new Map([...(described.MetricAlarms ?? []), ...(described.CompositeAlarms ?? [])].map((a) => [a.AlarmName ?? "", a.StateValue ?? "?"]));
        d.alarmArns.forEach((arn, i) => record.stopAlarms.push({ name: names[i], arn, stateAtStart: states.get(names[i]) }));
        log(`template ${spec.templateId} read: ${d.actions.length} action(s), ${d.alarmArns.length} stop alarm(s)`);
        const firing = record.stopAlarms.filter((a) => a.stateAtStart === "ALARM");
        if (firing.length) throw new Refused(`stop alarm(s) ${firing.map((a) => a.name).join(", ")} already in ALARM: FIS would stop the experiment at once, and the platform is not healthy enough to drill; resolve them first (runbooks/alerts.md)`);
        for (const f of opts.freeze) {
            if (await markerExists(ctx, f)) throw new Refused(`a deploy freeze is already set in s3://${f.bucket}/${FREEZE_KEY} (${f.stack}): a failover or another drill is under way, and a drill never runs during one`);
        }
        if (!opts.execute) {
            log("dry run: nothing changed");
            return finish(record, ctx);
        }

        for (const f of opts.freeze) {
            const body = JSON.stringify({ frozen: true, reason: `drill ${opts.drill} of ${stack.stack}`, runId: opts.runId, by: opts.by, stack: f.stack });
            await withRetries(ctx, () => ctx.clients.in(f.region).s3.send(new PutObjectCommand({ Bucket: f.bucket, Key: FREEZE_KEY, Body: body, ContentType: "application/json" })));
        }
        record.freeze.set = true;
        log(`deploy freeze set: ${opts.freeze.map((f) => `s3://${f.bucket}/${FREEZE_KEY}`).join(", ")}`);
        try {
            await follow(record, ctx, opts, names);
        } finally {
            await clearFreeze(record, ctx, opts, log);
        }
    } catch (e) {
        const refused = e instanceof Refused;
        record.outcome = refused ? "refused" : "failed";
        record.reason = refused ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
        record.next = refused
            ? "fix what the reason says, then re-run the same command"
            : opts.execute
              ? "re-run the same command (the run id is the StartExperiment client token: an experiment already started is not started twice)"
              : "fix what the reason says (credentials, endpoint, permissions), then re-run the dry run";
        log(`${record.outcome}: ${record.reason}`);
    }
    return finish(record, ctx);
}

async function follow(record: DrillRecord, ctx: DrillContext, opts: DrillOptions, names: readonly string[]): Promise<void> {
    const c = ctx.clients.in(record.region);
    const log = (event: string) => record.timeline.push({ at: iso(ctx.now()), event });
    const startedAt = ctx.now();
    const exp = (await withRetries(ctx, () => c.fis.send(new StartExperimentCommand({ experimentTemplateId: record.templateId, clientToken: opts.runId, tags: { "intelgraph-drill-run": opts.runId } })))).experiment;
    const id = exp?.id;
    if (!id) throw new Error(`StartExperiment of ${record.templateId} returned no experiment id`);
    record.experimentId = id;
    log(`experiment ${id} started (${exp?.state?.status ?? "?"})`);
    const deadline = startedAt + opts.timeoutMinutes * 60_000;
    let status = exp?.state?.status;
    let reason = exp?.state?.reason;
    let delay = 15_000;
    let stopRequested = false;
    while (!TERMINAL.includes(status as (typeof TERMINAL)[number])) {
        if (ctx.now() >= deadline && !stopRequested) {
            log(`not finished after ${opts.timeoutMinutes} min: StopExperiment`);
            await withRetries(ctx, () => c.fis.send(new StopExperimentCommand({ id })));
            stopRequested = true;
        }
        if (stopRequested && ctx.now() >= deadline + 10 * 60_000) {
            record.outcome = "timed-out";
            record.reason = `experiment ${id} still ${status ?? "?"} 10 min after StopExperiment`;
            record.next = `check it in the FIS console or with aws fis get-experiment --region ${record.region} --id ${id}; the deploy freeze is cleared`;
            return;
        }
        await ctx.sleep(delay);
        delay = Math.min(60_000, delay * 2);
        const state = (await withRetries(ctx, () => c.fis.send(new GetExperimentCommand({ id })))).experiment?.state;
        if (state?.status !== status) log(`experiment ${id}: ${state?.status ?? "?"}${state?.reason ? ` (${state.reason})` : ""}`);
        status = state?.status;
        reason = state?.reason;
    }
    const endedAt = ctx.now();
    await readAlarmHistory(record, ctx, names, startedAt, endedAt);
    record.reason = reason;
    if (stopRequested) {
        record.outcome = "timed-out";
        record.next = `the experiment ran past --timeout-minutes ${opts.timeoutMinutes} and was stopped: raise the timeout or shorten the drill's durations (intelgraph:chaos)`;
    } else if (status === "completed") {
        record.outcome = "completed";
    } else if (status === "stopped") {
        record.outcome = "stopped";
        record.next = record.alarmsFired.length
            ? `stop alarm(s) ${record.alarmsFired.map((a) => a.name).join(", ")} fired: the platform did not absorb the fault; follow runbooks/alerts.md for them and file the finding`
            : "stopped by hand or by FIS: read the experiment log group (chaosLogGroupName)";
    } else {
        record.outcome = "failed";
        record.next = `the experiment failed (${reason ?? "no reason given"}): read the experiment log group (chaosLogGroupName) and the role's permissions`;
    }
}

/** The stop alarms' transitions during the experiment (DescribeAlarmHistory, StateUpdate items). */
async function readAlarmHistory(record: DrillRecord, ctx: DrillContext, names: readonly string[], from: number, to: number): Promise<void> {
    const cw = ctx.clients.in(record.region).cloudwatch;
    for (const name of names) {
        const history = await withRetries(ctx, () => cw.send(new DescribeAlarmHistoryCommand({ AlarmName: name, HistoryItemType: "StateUpdate", StartDate: new Date(from), EndDate: new Date(to), ScanBy: "TimestampAscending" })));
        let open: AlarmFired | undefined;
        for (const item of history.AlarmHistoryItems ?? []) {
            const state = (JSON.parse(item.HistoryData ?? "{}") as { newState?: { stateValue?: string } }).newState?.stateValue;
            const at = item.Timestamp ? item.Timestamp.toISOString() : iso(to);
            if (state === "ALARM" && !open) {
                open = { name, at };
                record.alarmsFired.push(open);
            } else if (state === "OK" && open) {
                open.recoveredAt = at;
                open = undefined;
            }
        }
    }
    const recovered = record.alarmsFired.filter((a) => a.recoveredAt);
    if (recovered.length) {
        const seconds = Math.max(...recovered.map((a) => (Date.parse(a.recoveredAt!) - Date.parse(a.at)) / 1000));
        record.achieved.recoverySeconds = Math.round(seconds);
        record.achieved.rtoMet = seconds <= record.objectives.rtoSeconds && record.alarmsFired.every((a) => a.recoveredAt);
    }
}

async function markerExists(ctx: DrillContext, f: FreezeTarget): Promise<boolean> {
    try {
        await ctx.clients.in(f.region).s3.send(new HeadObjectCommand({ Bucket: f.bucket, Key: FREEZE_KEY }));
        return true;
    } catch (e) {
        if ((e as { name?: string }).name === "NotFound" || (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
        throw e;
    }
}

/** Removes the markers this run set, and only those: a failover started meanwhile keeps its own. */
async function clearFreeze(record: DrillRecord, ctx: DrillContext, opts: DrillOptions, log: (e: string) => void): Promise<void> {
    let cleared = true;
    for (const f of opts.freeze) {
        const s3 = ctx.clients.in(f.region).s3;
        try {
            const body = await (await s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: FREEZE_KEY }))).Body?.transformToString();
            const owner = (JSON.parse(body ?? "{}") as { runId?: string }).runId;
            if (owner !== opts.runId) {
                log(`deploy freeze in s3://${f.bucket} now belongs to ${owner ?? "someone else"}: left in place`);
                cleared = false;
                continue;
            }
            await withRetries(ctx, () => s3.send(new DeleteObjectCommand({ Bucket: f.bucket, Key: FREEZE_KEY })));
        } catch (e) {
            cleared = false;
            log(`could not clear the deploy freeze in s3://${f.bucket} (${(e as Error).message}): aws s3api delete-object --region ${f.region} --bucket ${f.bucket} --key ${FREEZE_KEY}`);
        }
    }
    record.freeze.cleared = cleared;
    if (cleared) log("deploy freeze cleared");
}

function finish(record: DrillRecord, ctx: DrillContext): DrillRecord {
    record.endedAt = iso(ctx.now());
    return record;
}
