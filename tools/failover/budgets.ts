/**
 * Expected step durations: the same budgets the plan's RTO model adds up (policy-pack/data/recovery-times.json),
 * so a drill's measured values, written back there, move both the report and the CLI's plan.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import budgets from "../../policy-pack/data/recovery-times.json";
import { graphPromotionSeconds } from "../../policy-pack/lib/resilience";

export interface Budget {
    readonly seconds: number;
    readonly source: string;
}

const of = (b: { value: number; source: string }): Budget => ({ seconds: b.value, source: `policy-pack/data/recovery-times.json: ${b.source}` });

export const STEP_BUDGETS = {
    aurora: of(budgets.auroraPromotionSeconds),
    redis: of(budgets.redisPromotionSeconds),
    capacity: of(budgets.eksScaleUpSeconds),
    graph: { seconds: graphPromotionSeconds(), source: "policy-pack/data/recovery-times.json: neo4jPromotionSteps, one budget per phase of the secondaries' promotion to write availability (components/graph/promotion.ts)" },
    decision: of(budgets.decisionSeconds),
} as const;

/** The seed's stretch RTO for hot paths (< 5 min, seed 001): what the plan shows automation against. */
export const STRETCH_RTO = of(budgets.stretchRtoSeconds);

/** The steps on the hot paths (writes and reads of the API); the graph's promotion has its own objective (graphPromotionSeconds). */
export const HOT_PATH_STEPS = ["freeze", "aurora", "redis", "capacity", "dns"] as const;

const POLICY_CONFIG_DIR = path.join(__dirname, "..", "..", "policy-pack", "config");

/**
 * The decision time the RTO model uses for this stack: `decisionSeconds` of intelgraph-resilience-objectives in
 * its policy config (policy-pack/config/<stack>.json), the same number `npm run plan` adds, else the seed's default.
 */
export function decisionBudget(stack: string, dir: string = POLICY_CONFIG_DIR): Budget {
    const file = path.join(dir, `${stack}.json`);
    let config: unknown;
    try {
        config = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return STEP_BUDGETS.decision;
    }
    const seconds = (config as { "intelgraph-resilience-objectives"?: { decisionSeconds?: unknown } })["intelgraph-resilience-objectives"]?.decisionSeconds;
    return typeof seconds === "number" && seconds >= 0 ? { seconds, source: `policy-pack/config/${stack}.json: intelgraph-resilience-objectives.decisionSeconds` } : STEP_BUDGETS.decision;
}
