/** The failover step model: every step says what it calls, where, what it needs first and how it is checked. */
import type { Clients } from "./clients";
import type { FailoverInputs } from "./inputs";

export type Mode = "planned" | "unplanned";

export const STEP_IDS = ["freeze", "aurora", "redis", "capacity", "graph", "dns"] as const;
export type StepId = (typeof STEP_IDS)[number];

/** One call a step makes (or would make, in a dry run). `region` is where the request goes. */
export interface PlannedCall {
    readonly service: string;
    readonly region: string;
    readonly operation: string;
    readonly params: Readonly<Record<string, unknown>>;
}

export interface StepContext {
    readonly inputs: FailoverInputs;
    readonly clients: Clients;
    /** Waits between polls and retries (tests pass a fake that only advances the clock). */
    readonly sleep: (ms: number) => Promise<void>;
    readonly now: () => number;
    /** Facts a step records for the evidence (e.g. the replication lag read at the cut). */
    readonly record: (key: string, value: string | number) => void;
}

export interface Step {
    readonly id: StepId;
    readonly title: string;
    readonly calls: readonly PlannedCall[];
    readonly precondition: string;
    readonly check: string;
    /** Expected duration (seconds) and where the figure comes from. */
    readonly expectedSeconds: number;
    readonly durationSource: string;
    /** How long the step may take before the run stops (seconds). */
    readonly timeoutSeconds: number;
    /** What an operator does by hand if the CLI cannot (the runbook's fallback). */
    readonly manual: string;
    /** Read-only: whether the services already show this step done (a re-run resumes after it). */
    done(ctx: StepContext): Promise<boolean>;
    /** Read-only: a reason to refuse, or undefined. */
    refuse(ctx: StepContext): Promise<string | undefined>;
    /** The mutating calls. */
    perform(ctx: StepContext): Promise<void>;
}

export class StepFailed extends Error {
    constructor(readonly step: StepId, message: string, readonly next: string, readonly kind: "refused" | "failed" = "failed") {
        super(message);
        this.name = "StepFailed";
    }
}
