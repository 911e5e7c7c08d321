/**
 * The RTO/RPO model of failing a stack's traffic over to the other region, from its planned settings (health
 * check, backup schedule) and the recovery-time budgets kept as data with their sources
 * (data/recovery-times.json). Per tier, because the tiers recover differently; "api" is what writes need
 * (relational, cache and compute), "graph" the Neo4j standby restored from backups.
 */
import { NEO4J_LABELS } from "../contracts/neo4jLabels";
import budgets from "../data/recovery-times.json";

export interface ResilienceInputs {
    readonly healthCheck?: { readonly requestInterval: number; readonly failureThreshold: number };
    /** Interval between graph backups, from the backup CronJob's schedule. */
    readonly graphBackupSeconds?: number;
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

/** Seconds between runs of a five-field cron schedule, for the shapes a backup job uses; undefined if not recognised. */
export function cronIntervalSeconds(schedule: string): number | undefined {
    const f = schedule.trim().split(/\s+/);
    if (f.length !== 5) return undefined;
    const [min, hour, dom, mon, dow] = f;
    const every = (x: string) => /^\*\/(\d+)$/.exec(x)?.[1];
    if (dom !== "*" || mon !== "*" || dow !== "*") return undefined;
    if (every(min) && hour === "*") return Number(every(min)) * 60;
    if (min === "*" && hour === "*") return 60;
    if (/^\d+$/.test(min) && hour === "*") return 3600;
    if (/^\d+$/.test(min) && every(hour)) return Number(every(hour)) * 3600;
    if (/^\d+$/.test(min) && /^\d+$/.test(hour)) return 86400;
    return undefined;
}

/** The time to decide on a failover when the stack's policy config does not set `decisionSeconds`. */
export const DEFAULT_DECISION_SECONDS = budgets.decisionSeconds.value;

/** `decisionSeconds`: from the stack's policy config (what a faster decision, e.g. an automated one, buys). */
export function resilienceModel(i: ResilienceInputs, decisionSeconds: number = DEFAULT_DECISION_SECONDS): ResilienceModel {
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
        const backup = i.graphBackupSeconds ?? Number.POSITIVE_INFINITY;
        tiers.graph = {
            rtoSeconds: start + budgets.neo4jRestoreSeconds.value,
            automationSeconds: budgets.neo4jRestoreSeconds.value,
            rpoSeconds: backup + budgets.s3ReplicationSeconds.value,
            basis: `restore ${budgets.neo4jRestoreSeconds.value} s after detection and decision; RPO = backup interval ${backup} s + S3 replication ${budgets.s3ReplicationSeconds.value} s`,
        };
    }
    const sources = Object.fromEntries(
        Object.entries(budgets)
            .filter(([, v]) => typeof v === "object" && v !== null && "source" in v)
            .map(([k, v]) => [k, (v as { source: string }).source]),
    );
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
    // The graph's backup job (component "backup"); other jobs (the monthly backup verification) bound no RPO.
    const jobs = resources.filter((r) => r.type === "kubernetes:batch/v1:CronJob" && typeof (r.props.spec as { schedule?: unknown } | undefined)?.schedule === "string");
    const component = (r: { props: Record<string, unknown> }) => (r.props.metadata as { labels?: Record<string, unknown> } | undefined)?.labels?.[NEO4J_LABELS.component];
    const backup = jobs.find((r) => component(r) === "backup") ?? jobs.find((r) => component(r) === undefined);
    const schedule = (backup?.props.spec as { schedule?: string } | undefined)?.schedule;
    return {
        healthCheck:
            check && typeof check.requestInterval === "number" && typeof check.failureThreshold === "number"
                ? { requestInterval: check.requestInterval, failureThreshold: check.failureThreshold }
                : undefined,
        graphBackupSeconds: schedule ? cronIntervalSeconds(schedule) : undefined,
        hasAurora: resources.some((r) => r.type === "aws:rds/cluster:Cluster"),
        hasRedis: resources.some((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup"),
        hasGraph: resources.some((r) => r.type === "kubernetes:apps/v1:StatefulSet"),
    };
}
