/**
 * Runs the steps in order. A dry run reads (each step's state and preconditions) and never mutates. An
 * execution skips what the services already show done, refuses on a failed precondition, performs, then waits
 * for the step's check within its timeout; the first step that does not finish stops the run with what to do
 * next, and a re-run resumes from the services' state.
 */
import type { Evidence, StepRecord } from "./evidence";
import type { FailoverInputs } from "./inputs";
import { waitFor } from "./retry";
import { type Step, type StepContext, StepFailed } from "./types";

export interface RunOptions {
    readonly execute: boolean;
    readonly runId: string;
    readonly by: string;
    /** When the failover was decided (ms since epoch); the achieved RTO counts from there. */
    readonly decidedAt?: number;
    readonly rtoObjectiveSeconds: number;
    /** Seconds between checks while a step settles. */
    readonly pollSeconds?: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const message = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

export async function runFailover(steps: readonly Step[], ctx: StepContext, inputs: FailoverInputs, opts: RunOptions, facts: Record<string, string | number>): Promise<Evidence> {
    const started = ctx.now();
    const evidence: Evidence = {
        version: 1,
        runId: opts.runId,
        by: opts.by,
        mode: inputs.mode,
        from: inputs.from.stack,
        to: inputs.to.stack,
        execute: opts.execute,
        inputs: { from: inputs.from.stack, fromRegion: inputs.from.region, to: inputs.to.stack, toRegion: inputs.to.region, mode: inputs.mode, maxLagMs: inputs.maxLagMs, fromOutputs: inputs.origins.from, toOutputs: inputs.origins.to },
        startedAt: iso(started),
        steps: steps.map((s): StepRecord => ({ id: s.id, title: s.title, status: "planned" })),
        facts,
        rtoObjectiveSeconds: opts.rtoObjectiveSeconds,
        outcome: opts.execute ? "stopped" : "dry-run",
    };
    for (const [i, step] of steps.entries()) {
        const rec = evidence.steps[i];
        const t0 = ctx.now();
        rec.startedAt = iso(t0);
        try {
            if (await step.done(ctx)) {
                rec.status = "done-before";
                rec.message = "the services already show it done";
                continue;
            }
            const refusal = await step.refuse(ctx);
            if (refusal) throw new StepFailed(step.id, refusal, `fix the condition and re-run; or do it by hand: ${step.manual}`, "refused");
            if (!opts.execute) {
                rec.message = "would run: " + step.calls.map((c) => `${c.service}:${c.operation} in ${c.region}`).join(", ");
                continue;
            }
            await step.perform(ctx);
            const settled = await waitFor(ctx, () => step.done(ctx), step.timeoutSeconds, (opts.pollSeconds ?? 15) * 1000);
            if (!settled) throw new StepFailed(step.id, `not done after ${step.timeoutSeconds} s (check: ${step.check})`, `re-run to resume (finished steps are skipped), or finish it by hand: ${step.manual}`);
            rec.status = "done";
        } catch (e) {
            const failed = e instanceof StepFailed ? e : new StepFailed(step.id, message(e), `re-run to resume, or by hand: ${step.manual}`);
            rec.status = failed.kind;
            rec.message = failed.message;
            evidence.next = `step ${step.id}: ${failed.next}`;
            if (opts.execute) {
                rec.endedAt = iso(ctx.now());
                rec.seconds = Math.round((ctx.now() - t0) / 1000);
                break;
            }
        } finally {
            rec.endedAt ??= iso(ctx.now());
            rec.seconds ??= Math.round((ctx.now() - t0) / 1000);
        }
    }
    const end = ctx.now();
    evidence.endedAt = iso(end);
    if (opts.execute && evidence.steps.every((s) => s.status === "done" || s.status === "done-before")) {
        evidence.outcome = "completed";
        evidence.rtoSeconds = Math.round((end - (opts.decidedAt ?? started)) / 1000);
    }
    return evidence;
}
