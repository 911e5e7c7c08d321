/**
 * Expected step durations: the same budgets the plan's RTO model adds up (policy-pack/data/recovery-times.json),
 * so a drill's measured values, written back there, move both the report and the CLI's plan.
 */
import budgets from "../../policy-pack/data/recovery-times.json";

export interface Budget {
    readonly seconds: number;
    readonly source: string;
}

const of = (b: { value: number; source: string }): Budget => ({ seconds: b.value, source: `policy-pack/data/recovery-times.json: ${b.source}` });

export const STEP_BUDGETS = {
    aurora: of(budgets.auroraPromotionSeconds),
    redis: of(budgets.redisPromotionSeconds),
    capacity: of(budgets.eksScaleUpSeconds),
    graph: of(budgets.neo4jRestoreSeconds),
    decision: of(budgets.decisionSeconds),
} as const;
