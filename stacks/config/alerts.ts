/**
 * `intelgraph:alerts`: who is told when a region's alarms fire, and at which thresholds. Every threshold
 * defaults to the seed's value (seed 004 §9 and §13), so a stack file states only what it changes; a value
 * looser than anything the recovery objectives allow is refused rather than silently weakening detection.
 */
import { z } from "zod";

/** Seed 004 §9 and §13: the numbers the alarms start from. */
export const SEED_ALERT_DEFAULTS = {
    /** "replication lag > 30 s" (Aurora global database, replication and RPO lag). */
    replicationLagSeconds: 30,
    /** "Redis global datastore stale > 20 s". */
    redisLagSeconds: 20,
    /** "regional error rate > 2 %". */
    errorRatePercent: 2,
    /** "cert expiry < 15 d". */
    certificateExpiryDays: 15,
    /** §13 "availability 99.95 %": the API's SLO the burn-rate alarms spend. */
    availabilitySloPercent: 99.95,
    /**
     * Not in the seeds: minutes a node may report a failing condition before on-call is told. Five outlasts the
     * kubelet's routine restarts and the 40 s node-monitor grace period (Kubernetes, "Node status") and stays far
     * inside the 15 min RTO.
     */
    nodeNotReadyMinutes: 5,
    /**
     * Not in the seeds: transactions a Neo4j secondary may be behind the writer for three minutes before on-call is
     * told. Neo4j measures the secondaries' lag in transactions, not seconds (components/graph/lagExporter.ts): 1,000
     * is a few seconds of the graph's expected write rate and far below anything a healthy secondary, which applies
     * the primaries' log continuously, accumulates; the seconds bound of the RPO stays `intelgraph:neo4j.replicationLag`.
     */
    graphLagTransactions: 1000,
} as const;

const PROTOCOLS = ["email", "email-json", "https", "sms"] as const;

const subscription = z
    .object(
        {
            protocol: z.enum(PROTOCOLS, { error: `one of ${PROTOCOLS.join(", ")}` }),
            /** A pager webhook's URL carries its token: every endpoint is kept as a secret in state. */
            endpoint: z.string({ error: "the address the protocol delivers to" }).min(3, { error: "the address the protocol delivers to" }),
        },
        { error: "an object { protocol, endpoint }" },
    )
    .strict()
    .superRefine((s, ctx) => {
        const ok =
            s.protocol === "https" ? /^https:\/\/[^\s/]+/.test(s.endpoint) : s.protocol === "sms" ? /^\+[1-9]\d{6,14}$/.test(s.endpoint) : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.endpoint);
        const what = s.protocol === "https" ? "an https:// URL" : s.protocol === "sms" ? "an E.164 phone number such as +14155550100" : "an e-mail address";
        if (!ok) ctx.addIssue({ code: "custom", path: ["endpoint"], message: `${what} for protocol ${s.protocol}` });
    });

const bounded = (what: string, min: number, max: number, fallback: number) =>
    z
        .number({ error: `${what} from ${min} to ${max}` })
        .min(min, { error: `${what} from ${min} to ${max}` })
        .max(max, { error: `${what} from ${min} to ${max}` })
        .default(fallback);

export const alertsSchema = z
    .object(
        {
            /** Where the region's topic delivers; at least one, or an alarm would notify nobody. */
            subscriptions: z.array(subscription, { error: "a list of { protocol, endpoint }" }).min(1, { error: "at least one subscription (an alarm nobody receives detects nothing)" }),
            // Upper bounds: the recovery objective (RPO 5 min) for lags, the ACM renewal window (60 days) for expiry.
            replicationLagSeconds: bounded("seconds of Aurora global replication/RPO lag", 1, 300, SEED_ALERT_DEFAULTS.replicationLagSeconds),
            redisLagSeconds: bounded("seconds of global datastore replication lag", 1, 300, SEED_ALERT_DEFAULTS.redisLagSeconds),
            errorRatePercent: bounded("percent of API requests answered 5xx", 0.1, 50, SEED_ALERT_DEFAULTS.errorRatePercent),
            certificateExpiryDays: bounded("days before the API certificate expires", 1, 60, SEED_ALERT_DEFAULTS.certificateExpiryDays),
            availabilitySloPercent: bounded("percent availability objective of the API", 99, 99.999, SEED_ALERT_DEFAULTS.availabilitySloPercent),
            nodeNotReadyMinutes: bounded("whole minutes a node may be failed before an alarm", 1, 60, SEED_ALERT_DEFAULTS.nodeNotReadyMinutes).refine(Number.isInteger, { error: "whole minutes a node may be failed before an alarm, from 1 to 60" }),
            graphLagTransactions: bounded("whole transactions a Neo4j secondary may be behind before an alarm", 1, 1_000_000, SEED_ALERT_DEFAULTS.graphLagTransactions).refine(Number.isInteger, {
                error: "whole transactions a Neo4j secondary may be behind before an alarm, from 1 to 1000000",
            }),
        },
        { error: "an object { subscriptions, replicationLagSeconds?, redisLagSeconds?, errorRatePercent?, certificateExpiryDays?, availabilitySloPercent?, nodeNotReadyMinutes?, graphLagTransactions? }" },
    )
    .strict();

export type AlertsConfig = z.infer<typeof alertsSchema>;
