/**
 * npm run failover -- --from <stack> --to <stack> (--planned | --unplanned) [--execute] [--json] [--stack-source automation]
 * Dry run by default. Exit 0: planned or completed; 1: refused or stopped (the output says what next); 2: bad input.
 * npm run failover -- freeze-status --stacks <stack,...>: the deploy freeze check CI runs before `pulumi up` (freezeStatus.ts).
 */
import { execFile } from "node:child_process";
import * as os from "node:os";
import { promisify } from "node:util";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { Command, Option } from "commander";
import { type Budget, HOT_PATH_STEPS, STRETCH_RTO, decisionBudget } from "./budgets";
import { regionalClients } from "./clients";
import { redact, uploadEvidence, writeEvidence } from "./evidence";
import { freezeStatusMain } from "./freezeStatus";
import { InputError, type FailoverInputs, evidenceTargetOf, loadInputs } from "./inputs";
import { withRetries } from "./retry";
import { type AutomationWorkspace, type StackSource, automationSource, fileSource, localWorkspace, withFallback } from "./stackSource";
import { automationSeconds, failoverSteps } from "./plan";
import { runFailover } from "./run";
import type { CommandRunner } from "./steps/graph";
import type { Mode, Step, StepContext } from "./types";

/** Seed 004: replication lag alarms above 30 s; a planned switchover waits for the secondary to catch up. */
export const DEFAULT_MAX_LAG_MS = 30_000;
/** Seed 004: RTO <= 15 min. */
export const DEFAULT_RTO_MINUTES = 15;

export interface CliDeps {
    readonly stdout: (s: string) => void;
    readonly stderr: (s: string) => void;
    readonly runCommand?: CommandRunner;
    readonly sleep?: (ms: number) => Promise<void>;
    readonly now?: () => number;
    /** The Automation API workspace (tests inject one; the CLI builds LocalWorkspace on --work-dir). */
    readonly workspace?: AutomationWorkspace;
}

export type StackSourceName = "automation" | "files";

/**
 * The stack outputs the run reads: through the Automation API with the files as the fallback when the backend
 * does not answer, or the files alone.
 */
export function stackSource(name: StackSourceName, o: { readonly outputsDir: string; readonly workDir: string }, deps: Pick<CliDeps, "workspace" | "stderr">): StackSource {
    const files = fileSource(o.outputsDir);
    if (name === "files") return files;
    return withFallback(automationSource(deps.workspace ?? localWorkspace(o.workDir)), files, (m) => deps.stderr(`failover: ${m} (${o.outputsDir})\n`));
}

// An offline neo4j-admin pod (dump, load) may take minutes; the graph step's checks bound the rest.
const kubectl: CommandRunner = async (argv) => (await promisify(execFile)(argv[0], argv.slice(1), { timeout: 900_000, maxBuffer: 16 * 1024 * 1024 })).stdout;

export function describePlan(steps: readonly Step[], inputs: FailoverInputs, decision: Budget = decisionBudget(inputs.to.stack)) {
    const hot = automationSeconds(steps.filter((s) => (HOT_PATH_STEPS as readonly string[]).includes(s.id)));
    return {
        mode: inputs.mode,
        from: { stack: inputs.from.stack, region: inputs.from.region },
        to: { stack: inputs.to.stack, region: inputs.to.region },
        automationSeconds: automationSeconds(steps),
        // The RTO model's decision budget plus the steps run one after another (detection overlaps the decision).
        rtoBudgetSeconds: decision.seconds + automationSeconds(steps),
        decision,
        /** The hot paths (everything but the graph) against the seed's stretch: automation alone, and with the decision. */
        stretch: { objective: STRETCH_RTO, hotPathSeconds: hot, withDecisionSeconds: decision.seconds + hot },
        steps: steps.map((s) => ({ id: s.id, title: s.title, calls: s.calls, precondition: s.precondition, check: s.check, expectedSeconds: s.expectedSeconds, durationSource: s.durationSource, timeoutSeconds: s.timeoutSeconds, manual: s.manual })),
    };
}

export async function main(argv: readonly string[], deps: CliDeps): Promise<number> {
    if (argv[0] === "freeze-status") return freezeStatusMain(argv.slice(1), deps);
    const program = new Command("failover")
        .description("Fail the platform over from one regional stack to another (dry run unless --execute)")
        .requiredOption("--from <stack>", "the stack losing the writers (e.g. us-west-2, staging-us-west-2)")
        .requiredOption("--to <stack>", "the stack taking them")
        .addOption(new Option("--planned", "both regions up: switchover, no data loss").conflicts("unplanned"))
        .addOption(new Option("--unplanned", "the --from region is lost: failover allowing data loss; no call to its region").conflicts("planned"))
        .addOption(new Option("--stack-source <source>", "where the stack outputs come from: the Pulumi backend (Automation API) or the --outputs-dir files").choices(["automation", "files"]).default("files"))
        .option("--work-dir <dir>", "the Pulumi project directory (--stack-source automation)", ".")
        .option("--outputs-dir <dir>", "folder of <stack>.json files from `pulumi stack output --json --show-secrets --stack <stack>` (with --stack-source automation: the fallback when the backend does not answer)", ".")
        .option("--execute", "perform the steps (default: print the plan)", false)
        .option("--json", "print JSON (stdout holds only the JSON)", false)
        .option("--max-lag-ms <ms>", "planned: refuse above this Aurora replication lag", String(DEFAULT_MAX_LAG_MS))
        .option("--rto-objective-minutes <min>", "the objective the achieved RTO is compared with", String(DEFAULT_RTO_MINUTES))
        .option("--decision-seconds <s>", "the decision time the RTO budget adds (default: decisionSeconds of the target's policy config, else the seed's 300 s)")
        .option("--decided-at <iso>", "when the failover was decided (the achieved RTO counts from there)")
        .option("--evidence-dir <dir>", "where the evidence record goes (runbooks/dr-drill.md)", "dr-evidence")
        .option("--run-id <id>", "id of this failover (re-runs of one failover share it)")
        .exitOverride()
        .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr });
    let o: Record<string, string | boolean | undefined>;
    try {
        o = program.parse([...argv], { from: "user" }).opts();
    } catch (e) {
        const code = (e as { exitCode?: number; code?: string }).code;
        return code === "commander.helpDisplayed" || code === "commander.version" ? 0 : 2;
    }
    if (!o.planned && !o.unplanned) {
        deps.stderr("failover: say --planned (both regions up) or --unplanned (the --from region is lost)\n");
        return 2;
    }
    const mode: Mode = o.planned ? "planned" : "unplanned";
    const decidedAt = typeof o.decidedAt === "string" ? Date.parse(o.decidedAt) : undefined;
    const rtoMinutes = Number(o.rtoObjectiveMinutes);
    if (decidedAt !== undefined && Number.isNaN(decidedAt)) return bad(deps, `--decided-at must be an ISO 8601 time such as 2026-12-01T23:40:00Z, got ${String(o.decidedAt)}`);
    if (!(rtoMinutes > 0)) return bad(deps, `--rto-objective-minutes must be a positive number, got ${String(o.rtoObjectiveMinutes)}`);
    const decisionFlag = typeof o.decisionSeconds === "string" ? Number(o.decisionSeconds) : undefined;
    if (decisionFlag !== undefined && !(Number.isInteger(decisionFlag) && decisionFlag >= 0)) return bad(deps, `--decision-seconds must be a whole number of seconds, got ${String(o.decisionSeconds)}`);
    let inputs: FailoverInputs;
    try {
        const source = stackSource(o.stackSource as StackSourceName, { outputsDir: String(o.outputsDir), workDir: String(o.workDir) }, deps);
        inputs = await loadInputs(source, { from: String(o.from), to: String(o.to), mode, maxLagMs: Number(o.maxLagMs) });
    } catch (e) {
        if (e instanceof InputError) return bad(deps, e.message);
        throw e;
    }
    const now = deps.now ?? Date.now;
    const runId = typeof o.runId === "string" ? o.runId : `${new Date(now()).toISOString().replace(/[:.]/g, "-")}-${inputs.to.stack}`;
    // The unplanned path declares the lost region: a call to it would be a bug, and throws.
    const clients = regionalClients(mode === "unplanned" ? inputs.from.region : undefined);
    const facts: Record<string, string | number> = {};
    const ctx: StepContext = { inputs, clients, sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))), now, record: (k, v) => void (facts[k] = v) };
    let by = `${os.userInfo().username}@${os.hostname()}`;
    try {
        const id = await clients.in(inputs.to.region).sts.send(new GetCallerIdentityCommand({}));
        by = id.Arn ?? by;
    } catch (e) {
        deps.stderr(`failover: could not read the caller identity in ${inputs.to.region} (${(e as Error).message}); recording ${by}\n`);
    }
    const steps = failoverSteps(inputs, { runId, by, runCommand: deps.runCommand ?? kubectl });
    const evidence = await runFailover(steps, ctx, inputs, { execute: o.execute === true, runId, by, decidedAt, rtoObjectiveSeconds: rtoMinutes * 60 }, facts);
    const files = writeEvidence(String(o.evidenceDir), evidence, inputs.secrets);
    const decision: Budget = decisionFlag !== undefined ? { seconds: decisionFlag, source: "--decision-seconds" } : decisionBudget(inputs.to.stack);
    const uploaded = evidence.execute ? await keepEvidence(inputs, files, ctx, deps) : [];
    const report = { plan: describePlan(steps, inputs, decision), evidence, evidenceFiles: { ...files, uploaded } };
    if (o.json) deps.stdout(redact(JSON.stringify(report, null, 2), inputs.secrets) + "\n");
    else deps.stdout(redact(text(report.plan, evidence), inputs.secrets));
    deps.stderr(`failover: evidence in ${files.json} and ${files.text}${uploaded.length ? ` and ${uploaded.join(", ")}` : ""}\n`);
    return evidence.outcome === "stopped" ? 1 : 0;
}

/**
 * An executed run's record also goes to the target region's Object Lock bucket (the region that is up, whichever
 * way the failover goes); the local files stay either way. A failed upload never fails the failover: it says
 * how to upload by hand.
 */
async function keepEvidence(inputs: FailoverInputs, files: { json: string; text: string }, ctx: StepContext, deps: CliDeps): Promise<string[]> {
    const target = evidenceTargetOf(inputs.to);
    if (!target) {
        deps.stderr(`failover: the outputs of ${inputs.to.stack} name no evidence bucket (evidenceBucketName; stacks deployed before it): evidence kept in ${files.json} only\n`);
        return [];
    }
    try {
        return await withRetries(ctx, () => uploadEvidence(ctx.clients.in(target.region).s3, target, "failover", files, ctx.now()));
    } catch (e) {
        deps.stderr(`failover: evidence kept in ${files.json} only: the upload to s3://${target.bucket} in ${target.region} failed (${(e as Error).message}); upload both files with aws s3api put-object --object-lock-mode ${target.mode} --object-lock-retain-until-date <now + ${target.retentionDays} days>\n`);
        return [];
    }
}

function bad(deps: CliDeps, msg: string): number {
    deps.stderr(`failover: ${msg}\n`);
    return 2;
}

function text(plan: ReturnType<typeof describePlan>, e: Awaited<ReturnType<typeof runFailover>>): string {
    const lines = [`${e.execute ? "Failover" : "Dry run"} (${plan.mode}) ${plan.from.stack} (${plan.from.region}) -> ${plan.to.stack} (${plan.to.region}): ${plan.steps.length} steps, ~${(plan.automationSeconds / 60).toFixed(1)} min of automation`];
    plan.steps.forEach((s, i) => {
        const rec = e.steps[i];
        lines.push(`${i + 1}. [${rec.status}] ${s.title} (~${s.expectedSeconds} s: ${s.durationSource}; timeout ${s.timeoutSeconds} s)`);
        for (const c of s.calls) lines.push(`     ${c.service} ${c.operation} in ${c.region} ${JSON.stringify(c.params)}`);
        lines.push(`     precondition: ${s.precondition}`, `     check: ${s.check}`, `     by hand: ${s.manual}`);
        if (rec.message) lines.push(`     -> ${rec.message}`);
    });
    lines.push(`RTO budget: decision ${plan.decision.seconds} s (${plan.decision.source}) + steps ${plan.automationSeconds} s = ${(plan.rtoBudgetSeconds / 60).toFixed(1)} min against ${(e.rtoObjectiveSeconds / 60).toFixed(1)} min`);
    const st = plan.stretch;
    const verdict = (s: number) => (s <= st.objective.seconds ? "meets" : "MISSES");
    lines.push(`Stretch (hot paths < ${(st.objective.seconds / 60).toFixed(1)} min, seed 001): automation ${st.hotPathSeconds} s ${verdict(st.hotPathSeconds)} it; with the decision ${st.withDecisionSeconds} s ${verdict(st.withDecisionSeconds)} it`);
    if (e.rtoSeconds !== undefined) lines.push(`RTO achieved ${(e.rtoSeconds / 60).toFixed(1)} min (objective ${(e.rtoObjectiveSeconds / 60).toFixed(1)} min)`);
    if (e.next) lines.push(`Next: ${e.next}`);
    return lines.join("\n") + "\n";
}

if (require.main === module) {
    main(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }).then(
        (code) => process.exit(code),
        (e: unknown) => {
            process.stderr.write(`failover: ${e instanceof Error ? e.stack : String(e)}\n`);
            process.exit(2);
        },
    );
}
