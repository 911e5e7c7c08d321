/** The ordered steps of a failover and the RTO they add up to. */
import type { FailoverInputs } from "./inputs";
import { auroraStep } from "./steps/aurora";
import { capacityStep } from "./steps/capacity";
import { dnsStep } from "./steps/dns";
import { freezeStep } from "./steps/freeze";
import { redisStep } from "./steps/redis";
import { type CommandRunner, graphStep } from "./steps/graph";
import type { Step } from "./types";

export interface PlanDeps {
    readonly runId: string;
    readonly by: string;
    /** Runs the graph step's kubectl commands (a fake in tests). */
    readonly runCommand: CommandRunner;
}

/**
 * Freeze first (nothing may deploy over a half-moved region), the writers next (Aurora, then Redis), then
 * capacity and the graph, traffic last: it moves only to a region that has its writers and healthy targets.
 */
export function failoverSteps(inputs: FailoverInputs, deps: PlanDeps): Step[] {
    return [
        freezeStep(inputs, { runId: deps.runId, by: deps.by }),
        auroraStep(inputs),
        redisStep(inputs),
        capacityStep(inputs),
        graphStep(inputs, { runId: deps.runId, run: deps.runCommand }),
        dnsStep(inputs),
    ];
}

/** Sum of the steps' expected durations (s): the automation's share of the RTO (decision and detection add to it). */
export const automationSeconds = (steps: readonly Step[]): number => steps.reduce((s, x) => s + x.expectedSeconds, 0);
