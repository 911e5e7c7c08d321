/**
 * Expected step durations: the same budgets the plan's RTO model adds up (policy-pack/data/recovery-times.json),
 * so a drill's measured values, written back there, move both the report and the CLI's plan.
 */
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
