/**
 * The RTO/RPO model of failing a stack's traffic over to the other region, from its planned settings (health
 * check, backup schedule) and the recovery-time budgets kept as data with their sources
 * (data/recovery-times.json). Per tier, because the tiers recover differently; "api" is what writes need
 * (relational, cache and compute), "graph" the promotion of the Neo4j secondaries in the other region.
 */
import recoveryTimes from "../data/recovery-times.json";
import { REPLICATION_CONFIGMAP } from "../contracts/neo4jLabels";

export type RecoveryBudgets = typeof recoveryTimes;
export type GraphStepKind = keyof RecoveryBudgets["neo4jPromotionSteps"];

/**
 * The graph promotion's phases up to write availability, in order, and the budget each takes; the steps of a phase
 * run in parallel (one per server). The builders of components/graph/promotion.ts emit exactly these phases
 * (test/components/graph/promotion.test.ts holds them to it).
 */
export const GRAPH_PROMOTION_PHASES: readonly { readonly phase: string; readonly kind: GraphStepKind }[] = [
    { phase: "system-status", kind: "cypher" },
    { phase: "stop-survivors", kind: "stop" },
    { phase: "unbind-system", kind: "offlineAdmin" },
    { phase: "system-info", kind: "offlineAdmin" },
    { phase: "dump-system", kind: "offlineAdmin" },
    { phase: "load-system", kind: "offlineAdmin" },
    { phase: "restart-promoted", kind: "restart" },
    { phase: "cordon-lost", kind: "cypher" },
    { phase: "unconstrain-survivors", kind: "cypher" },
    { phase: "recreate", kind: "recreate" },
    { phase: "verify", kind: "cypher" },
];

/** Seconds from the decision to a write-available graph in the surviving region. */
export function graphPromotionSeconds(b: RecoveryBudgets = recoveryTimes): number {
    return GRAPH_PROMOTION_PHASES.reduce((t, p) => t + b.neo4jPromotionSteps[p.kind].value, 0);
}

/** The seed's stretch targets for hot paths (001): RTO under 5 min, RPO at most 60 s. */
export const STRETCH = { rtoBelowSeconds: 300, rpoSeconds: 60 } as const;

export interface ResilienceInputs {
    readonly healthCheck?: { readonly requestInterval: number; readonly failureThreshold: number };
    /** The secondaries' replication lag bound and the time to notice its breach (the graph's replication ConfigMap). */
    readonly graphLag?: { readonly boundSeconds: number; readonly detectionSeconds: number };
    readonly hasAurora: boolean;
    readonly hasRedis: boolean;
    readonly hasGraph: boolean;
}

export interface TierRecovery {
    readonly rtoSeconds: number;
    /** What recovery takes once detected and decided: the automation's share of the RTO. */
    readonly automationSeconds: number;
    readonly rpoSeconds: number;
    /** How the numbers add up, for the report. */
    readonly basis: string;
}

export interface ResilienceModel {
    readonly detectionSeconds: number;
    readonly decisionSeconds: number;
    /** The seed's stretch RTO for hot paths (the "api" tier), against which the report sets the model. */
    readonly stretchRtoSeconds: number;
    readonly tiers: Readonly<Record<string, TierRecovery>>;
    readonly sources: Readonly<Record<string, string>>;
}

/** The time to decide on a failover when the stack's policy config does not set `decisionSeconds`. */
export const DEFAULT_DECISION_SECONDS = recoveryTimes.decisionSeconds.value;

/**
 * `decisionSeconds`: from the stack's policy config (what a faster decision, e.g. an automated one, buys);
 * `budgets`: the recovery-time budgets (a drill's measurements, or a test's changed step).
 */
export function resilienceModel(i: ResilienceInputs, decisionSeconds: number = DEFAULT_DECISION_SECONDS, budgets: RecoveryBudgets = recoveryTimes): ResilienceModel {
    const detection = i.healthCheck ? i.healthCheck.requestInterval * i.healthCheck.failureThreshold + budgets.aliasCacheSeconds.value : Number.POSITIVE_INFINITY;
    const start = detection + decisionSeconds;
    const tiers: Record<string, TierRecovery> = {};
    const api: number[] = [budgets.eksScaleUpSeconds.value];
    const rpo: number[] = [0];
    if (i.hasAurora) {
        api.push(budgets.auroraPromotionSeconds.value);
        rpo.push(budgets.auroraLagSeconds.value);
    }
    if (i.hasRedis) {
        api.push(budgets.redisPromotionSeconds.value);
        rpo.push(budgets.redisLagSeconds.value);
    }
    tiers.api = {
        rtoSeconds: start + Math.max(...api),
        automationSeconds: Math.max(...api),
        rpoSeconds: Math.max(...rpo),
        basis: `detection ${detection} s + decision ${decisionSeconds} s + slowest of Aurora ${budgets.auroraPromotionSeconds.value} s / ElastiCache ${budgets.redisPromotionSeconds.value} s / EKS scale-up ${budgets.eksScaleUpSeconds.value} s (in parallel)`,
    };
    if (i.hasGraph) {
        // Writes the secondaries have not applied when the primary region is lost are lost: at most the lag bound,
        // plus the time a breach of the bound goes unnoticed (after it, the operators know the RPO is at risk).
        const lag = i.graphLag;
        const promotion = graphPromotionSeconds(budgets);
        tiers.graph = {
            rtoSeconds: start + promotion,
            automationSeconds: promotion,
            rpoSeconds: lag ? lag.boundSeconds + lag.detectionSeconds : Number.POSITIVE_INFINITY,
            basis: `detection ${detection} s + decision ${decisionSeconds} s + promotion of the secondaries to write availability ${promotion} s (${GRAPH_PROMOTION_PHASES.map((p) => `${p.phase} ${budgets.neo4jPromotionSteps[p.kind].value}`).join(", ")}); RPO = lag bound ${lag ? lag.boundSeconds : "unset"} s + lag detection ${lag ? lag.detectionSeconds : "unset"} s`,
        };
    }
    const sources = Object.fromEntries([
        ...Object.entries(budgets)
            .filter(([, v]) => typeof v === "object" && v !== null && "source" in v)
            .map(([k, v]) => [k, (v as { source: string }).source]),
        ...Object.entries(budgets.neo4jPromotionSteps).map(([k, v]) => [`neo4jPromotionSteps.${k}`, v.source]),
    ]);
    return { detectionSeconds: detection, decisionSeconds, stretchRtoSeconds: budgets.stretchRtoSeconds.value, tiers, sources };
}

/** The model's inputs from a stack's resources (plain {type, props}). */
/**
 * Whether the stack has anything a region failover moves: a cluster, a data tier or a health-checked entry.
 * A zone's interconnect has none (nothing in a failover needs it).
 */
export function failsOver(resources: readonly { type: string }[]): boolean {
    const tiers = ["aws:eks/cluster:Cluster", "aws:rds/cluster:Cluster", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:route53/healthCheck:HealthCheck", "kubernetes:apps/v1:StatefulSet"];
    return resources.some((r) => tiers.includes(r.type));
}

export function resilienceInputs(resources: readonly { type: string; props: Record<string, unknown> }[]): ResilienceInputs {
    const check = resources.find((r) => r.type === "aws:route53/healthCheck:HealthCheck")?.props;
    const lagMap = resources.find((r) => r.type === "kubernetes:core/v1:ConfigMap" && (r.props.metadata as { name?: unknown } | undefined)?.name === REPLICATION_CONFIGMAP);
    const data = (lagMap?.props.data ?? {}) as { lagBoundSeconds?: unknown; lagDetectionSeconds?: unknown };
    const bound = Number(data.lagBoundSeconds);
    const noticed = Number(data.lagDetectionSeconds);
    return {
        healthCheck:
            check && typeof check.requestInterval === "number" && typeof check.failureThreshold === "number"
                ? { requestInterval: check.requestInterval, failureThreshold: check.failureThreshold }
                : undefined,
        graphLag: Number.isFinite(bound) && Number.isFinite(noticed) && lagMap ? { boundSeconds: bound, detectionSeconds: noticed } : undefined,
        hasAurora: resources.some((r) => r.type === "aws:rds/cluster:Cluster"),
        hasRedis: resources.some((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup"),
        hasGraph: resources.some((r) => r.type === "kubernetes:apps/v1:StatefulSet"),
    };
}
