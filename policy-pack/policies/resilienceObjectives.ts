import type { StackValidationPolicy } from "@pulumi/policy";
import { stackSubject, violationMessage } from "../lib/message";
import { read, readPath } from "../lib/read";
import { DEFAULT_DECISION_SECONDS, failsOver, resilienceInputs, resilienceModel } from "../lib/resilience";

interface Objective {
    readonly rtoSeconds: number;
    readonly rpoSeconds: number;
    /** Why a tier has its own objective (recorded in the policy config, reviewed like an exception). */
    readonly reason?: string;
}

const REMEDIATION = "Shorten the health check (intelgraph:dns.healthCheck), the graph's replication lag bound (intelgraph:neo4j.replicationLag) or the recovery path, or change the objective in a reviewed policy-config change";

export const resilienceObjectives: StackValidationPolicy = {
    name: "intelgraph-resilience-objectives",
    description:
        "Resilience: the RTO and RPO a region failover achieves with the planned settings (DNS detection from the health check, data-tier promotion, EKS scale-up, promotion of the Neo4j secondaries and their replication lag bound; budgets with sources in policy-pack/data/recovery-times.json) meet the objectives declared per tier in the policy config.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: {
        properties: {
            rtoSeconds: { type: "number", minimum: 1, default: 900 },
            rpoSeconds: { type: "number", minimum: 0, default: 300 },
            // Seconds from detection to the decision to fail over (seed default in data/recovery-times.json).
            decisionSeconds: { type: "number", minimum: 0, default: DEFAULT_DECISION_SECONDS },
            tiers: { type: "object", default: {}, additionalProperties: { type: "object", properties: { rtoSeconds: { type: "number" }, rpoSeconds: { type: "number" }, reason: { type: "string" } }, required: ["rtoSeconds", "rpoSeconds"] } },
        },
    },
    validateStack: (args, reportViolation) => {
        if (!failsOver(args.resources)) args.notApplicable("nothing in this stack fails over (no cluster, data tier or health check)");
        const cfg = args.getConfig<{ rtoSeconds: number; rpoSeconds: number; decisionSeconds: number; tiers: Readonly<Record<string, Objective>> }>();
        // Only the settings the model reads, each read unknown-safely (they are inputs: known at first preview).
        const plain = args.resources.map((r) => {
            const props: Record<string, unknown> = {};
            for (const k of ["requestInterval", "failureThreshold"]) {
                const v = read(() => r.props[k]);
                if (typeof v === "number") props[k] = v;
            }
            if (r.type === "kubernetes:core/v1:ConfigMap") {
                const name = readPath(r.props, ["metadata", "name"]);
                const data = read(() => r.props.data);
                if (typeof name === "string") props.metadata = { name };
                if (data && typeof data === "object") props.data = data;
            }
            return { type: r.type, props };
        });
        const model = resilienceModel(resilienceInputs(plain), cfg.decisionSeconds);
        const { subject, urn } = stackSubject(args.resources);
        // Without a health check nothing moves traffic, without a lag bound nothing bounds the graph's loss.
        const shown = (seconds: number, missing: string) => (Number.isFinite(seconds) ? seconds : `unbounded (${missing})`);
        for (const [tier, got] of Object.entries(model.tiers)) {
            const objective: Objective = cfg.tiers[tier] ?? { rtoSeconds: cfg.rtoSeconds, rpoSeconds: cfg.rpoSeconds };
            if (got.rtoSeconds > objective.rtoSeconds) {
                reportViolation(violationMessage(subject, `RTO of tier ${tier} (s)`, shown(got.rtoSeconds, "no Route 53 health check in this stack"), `at most ${objective.rtoSeconds} (${got.basis})`, REMEDIATION), urn);
            }
            if (got.rpoSeconds > objective.rpoSeconds) {
                reportViolation(violationMessage(subject, `RPO of tier ${tier} (s)`, shown(got.rpoSeconds, "no replication lag bound (ConfigMap intelgraph-graph-replication)"), `at most ${objective.rpoSeconds} (${got.basis})`, REMEDIATION), urn);
            }
        }
    },
};
