/**
 * npm run drill -- <drill> --stack <stack> [--execute] [--json]
 * Dry run by default: what the drill would disrupt, which alarms stop it, the expected recovery against the
 * stack's objectives, and the deploy freeze it would set. Exit 0: planned or completed; 1: refused, stopped by
 * an alarm, failed or timed out (the output says what next); 2: bad input.
 */
import * as os from "node:os";
import * as path from "node:path";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { Command } from "commander";
import { redact, uploadEvidence, writeRecord } from "../failover/evidence";
import { InputError } from "../failover/inputs";
import { withRetries } from "../failover/retry";
import { FREEZE_KEY } from "../failover/steps/freeze";
import { type DrillClients, drillClients } from "./clients";
import { type DrillStack, type Objectives, readDrillStack, readObjectives } from "./inputs";
import { type DrillRecord, type FreezeTarget, runDrill } from "./run";

/** AWS FIS pricing (https://aws.amazon.com/fis/pricing/), as in policy-pack/data/aws-prices.json. */
const USD_PER_ACTION_MINUTE = 0.1;

export interface DrillCliDeps {
    readonly stdout: (s: string) => void;
    readonly stderr: (s: string) => void;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
    readonly clients?: DrillClients;
}

export async function main(argv: readonly string[], deps: DrillCliDeps): Promise<number> {
    const program = new Command("drill")
        .description("Run one of a stack's AWS FIS drills (dry run unless --execute); runbooks/dr-drill.md")
        .argument("<drill>", "the drill: a key of the stack's chaosDrills output (azPowerInterruption, auroraFailover, redisAzPower, eksNodeTermination, crossRegionPartition)")
        .requiredOption("--stack <stack>", "the regional stack whose drill runs (e.g. us-west-2, staging-us-east-1)")
        .option("--outputs-dir <dir>", "folder of <stack>.json files from `pulumi stack output --json --stack <stack>`", ".")
        .option("--policy-config <file>", "the stack's policy config with its RTO/RPO objectives (default policy-pack/config/<stack>.json)")
        .option("--also-freeze <stack...>", "other stacks whose deploys the drill freezes too (crossRegionPartition: the zone's other regional stack)")
        .option("--execute", "start the experiment (default: print what it would do)", false)
        .option("--json", "print JSON (stdout holds only the JSON)", false)
        .option("--timeout-minutes <min>", "stop the experiment if it has not ended after this long (default: its longest action + 30 min)")
        .option("--evidence-dir <dir>", "where the evidence record goes before its upload", "dr-evidence")
        .option("--run-id <id>", "id of this run (the StartExperiment client token: a re-run with the same id never starts a second experiment)")
        .exitOverride()
        .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr });
    let o: Record<string, string | boolean | string[] | undefined>;
    let drill: string;
    try {
        const parsed = program.parse([...argv], { from: "user" });
        o = parsed.opts();
        drill = String(parsed.args[0]);
    } catch (e) {
        const code = (e as { code?: string }).code;
        return code === "commander.helpDisplayed" || code === "commander.version" ? 0 : 2;
    }
    const stackName = String(o.stack);
    const outputsDir = String(o.outputsDir);
    let stack: DrillStack;
    let secrets: string[];
    const freeze: FreezeTarget[] = [];
    let objectives: Objectives;
    try {
        ({ view: stack, secrets } = readDrillStack(path.join(outputsDir, `${stackName}.json`), stackName));
        if (!stack.chaosDrills[drill]) return bad(deps, `${stackName} has no drill ${drill}; its drills are ${Object.keys(stack.chaosDrills).sort().join(", ") || "none"} (intelgraph:chaos in Pulumi.${stackName}.yaml)`);
        objectives = readObjectives(typeof o.policyConfig === "string" ? o.policyConfig : path.join("policy-pack", "config", `${stackName}.json`));
        freeze.push({ stack: stackName, region: stack.region, bucket: stack.neo4jBackupBucketName });
        const also = Array.isArray(o.alsoFreeze) ? o.alsoFreeze : [];
        for (const other of also) {
            const { view } = readDrillStack(path.join(outputsDir, `${other}.json`), other);
            if (view.environment !== stack.environment) return bad(deps, `--also-freeze ${other} is of environment ${view.environment}, not ${stack.environment}`);
            freeze.push({ stack: other, region: view.region, bucket: view.neo4jBackupBucketName });
        }
        if (drill === "crossRegionPartition" && o.execute && !also.length) {
            return bad(deps, "crossRegionPartition swaps route table associations that the zone's interconnect also routes through: freeze the other regional stack too (--also-freeze <its stack>)");
        }
    } catch (e) {
        if (e instanceof InputError) return bad(deps, e.message);
        throw e;
    }
    const spec = stack.chaosDrills[drill];
    const timeoutMinutes = typeof o.timeoutMinutes === "string" ? Number(o.timeoutMinutes) : spec.actionMinutes + 30;
    if (!(timeoutMinutes > 0)) return bad(deps, `--timeout-minutes must be a positive number, got ${String(o.timeoutMinutes)}`);
    const now = deps.now ?? Date.now;
    const runId = typeof o.runId === "string" ? o.runId : `${drill}-${stackName}-${new Date(now()).toISOString().replace(/[:.]/g, "-")}`;
    if (runId.length > 64) return bad(deps, `--run-id must be at most 64 characters (the FIS client token), got ${runId.length}`);
    const clients = deps.clients ?? drillClients();
    const ctx = { clients, sleep: deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))), now };
    let by = `${os.userInfo().username}@${os.hostname()}`;
    try {
        by = (await clients.in(stack.region).sts.send(new GetCallerIdentityCommand({}))).Arn ?? by;
    } catch (e) {
        deps.stderr(`drill: could not read the caller identity in ${stack.region} (${(e as Error).message}); recording ${by}\n`);
    }
    const record = await runDrill(stack, ctx, { drill, execute: o.execute === true, runId, by, timeoutMinutes, freeze, objectives });
    const files = writeRecord(String(o.evidenceDir), `drill-${runId}`, record, summary(record), secrets);
    let uploaded: string[] = [];
    if (record.execute && record.outcome !== "refused") {
        const target = { region: stack.region, bucket: stack.evidenceBucketName, retentionDays: stack.evidenceAuditRetentionDays, mode: stack.evidenceLockMode };
        try {
            uploaded = await withRetries(ctx, () => uploadEvidence(clients.in(stack.region).s3, target, "drill", files, now()));
        } catch (e) {
            deps.stderr(`drill: evidence kept in ${files.json} only: the upload to s3://${target.bucket} failed (${(e as Error).message})\n`);
        }
    }
    const out = { record, evidenceFiles: { ...files, uploaded } };
    deps.stdout(redact(o.json ? JSON.stringify(out, null, 2) + "\n" : text(record, stack), secrets));
    deps.stderr(`drill: evidence in ${files.json} and ${files.text}${uploaded.length ? ` and ${uploaded.join(", ")}` : ""}\n`);
    return record.outcome === "dry-run" || record.outcome === "completed" ? 0 : 1;
}

function bad(deps: DrillCliDeps, msg: string): number {
    deps.stderr(`drill: ${msg}\n`);
    return 2;
}

const minutes = (s: number) => `${(s / 60).toFixed(1)} min`;

function text(r: DrillRecord, stack: DrillStack): string {
    const lines = [
        `${r.execute ? "Drill" : "Dry run"}: ${r.drill} of ${r.stack} (${r.region}): ${r.title} [${r.outcome}]`,
        `  template ${r.templateId}${r.experimentId ? `, experiment ${r.experimentId}` : ""}`,
        `  disrupts: ${r.disrupts}`,
        ...r.actions.map((a) => `  action ${a}`),
        ...r.targets.map((t) => `  target ${t}`),
        `  stopped when any of these is in ALARM: ${r.stopAlarms.map((a) => `${a.name} (${a.stateAtStart ?? "?"})`).join(", ") || "none read"}`,
        `  expected recovery: ${r.expectedRecovery}`,
        `  objectives: RTO ${minutes(r.objectives.rtoSeconds)}, RPO ${minutes(r.objectives.rpoSeconds)} (${r.objectives.source})`,
        `  deploy freeze: ${r.execute ? "" : "would put "}${FREEZE_KEY} in ${r.freeze.targets.map((f) => `s3://${f.bucket} (${f.stack})`).join(" and ")} for the run${r.execute ? ` (set ${r.freeze.set}, cleared ${r.freeze.cleared})` : ", removed after it"}: ${r.freeze.reason}`,
        `  cost: ${r.actionMinutes} action-minute(s), $${(r.actionMinutes * USD_PER_ACTION_MINUTE).toFixed(2)} (AWS FIS $0.10 per action-minute)`,
        `  evidence: ${r.execute ? "" : "would go to "}s3://${stack.evidenceBucketName}/evidence/drill/ (Object Lock ${stack.evidenceLockMode}, ${stack.evidenceAuditRetentionDays} days)`,
    ];
    if (r.alarmsFired.length) lines.push(`  alarms fired: ${r.alarmsFired.map((a) => `${a.name} at ${a.at}${a.recoveredAt ? `, OK at ${a.recoveredAt}` : ", not recovered"}`).join("; ")}`);
    if (r.achieved.recoverySeconds !== undefined) lines.push(`  recovery achieved: ${minutes(r.achieved.recoverySeconds)} (RTO objective ${minutes(r.objectives.rtoSeconds)}: ${r.achieved.rtoMet ? "met" : "MISSED"})`);
    if (r.reason) lines.push(`  reason: ${r.reason}`);
    if (r.next) lines.push(`Next: ${r.next}`);
    return lines.join("\n") + "\n";
}

export function summary(r: DrillRecord): string {
    const lines = [
        `# Drill ${r.runId}: ${r.drill} of ${r.stack} (${r.outcome})`,
        "",
        `${r.title}. Run by ${r.by}, ${r.execute ? "executed" : "dry run"}, ${r.startedAt} - ${r.endedAt ?? "?"}; template ${r.templateId}${r.experimentId ? `, experiment ${r.experimentId}` : ""}.`,
        `Disrupts: ${r.disrupts}.`,
        `Expected recovery: ${r.expectedRecovery}. Objectives: RTO ${minutes(r.objectives.rtoSeconds)}, RPO ${minutes(r.objectives.rpoSeconds)}.`,
        r.achieved.recoverySeconds !== undefined
            ? `Recovery achieved: ${minutes(r.achieved.recoverySeconds)} (${r.achieved.rtoMet ? "met" : "MISSED"}).`
            : `Recovery: ${r.alarmsFired.length ? "a stop alarm did not return to OK during the run" : "no stop alarm fired (nothing user-visible or replication-visible to recover from)"}.`,
        `RPO: ${r.achieved.rpo}.`,
        `Stop alarms: ${r.stopAlarms.map((a) => `${a.name} (${a.stateAtStart ?? "?"} at start)`).join(", ")}.`,
        `Alarms fired: ${r.alarmsFired.length ? r.alarmsFired.map((a) => `${a.name} ${a.at} -> ${a.recoveredAt ?? "still ALARM"}`).join("; ") : "none"}.`,
        `Deploy freeze: ${r.freeze.targets.map((f) => f.stack).join(", ")}; set ${r.freeze.set}, cleared ${r.freeze.cleared}.`,
        ...(r.reason ? [`Reason: ${r.reason}.`] : []),
        "",
        "| at | event |",
        "|---|---|",
        ...r.timeline.map((t) => `| ${t.at} | ${t.event.replace(/\|/g, "/")} |`),
        ...(r.next ? ["", `Next: ${r.next}`] : []),
    ];
    return lines.join("\n") + "\n";
}

if (require.main === module) {
    main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }).then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`drill: ${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(2);
        },
    );
}
