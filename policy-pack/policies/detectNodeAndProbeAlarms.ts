import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { METRIC_ALARM, actionFacts, watches } from "../lib/alarms";
import { subjectOf, violationMessage } from "../lib/message";
import { read } from "../lib/read";
import { ofType } from "../lib/stack";

const CLUSTER = "aws:eks/cluster:Cluster";
const CANARY = "aws:synthetics/canary:Canary";

const REMEDIATION = "Declare the region's NodeReadinessAlarms (stacks/monitoring.ts) for a cluster, or the alarm a RegionProbe creates with its canary (stacks/interconnectStack.ts), notifying the region's NotificationTopic";

interface Watched {
    readonly resource: PolicyResource;
    readonly what: string;
    readonly metrics: readonly string[];
    readonly dimension: string;
    readonly name: unknown;
}

/**
 * Detection: EKS has no native node-readiness metric, so a cluster whose Container Insights metrics
 * (cluster_failed_node_count / cluster_node_count, dimension ClusterName) nobody alarms on loses nodes silently;
 * and a synthetic probe whose SuccessPercent (dimension CanaryName) has no alarm detects nothing, though it is the
 * only watch on the loss of the region Route 53's health-check metrics live in. Each alarm must reach a person
 * through an SNS topic of its own region under that region's key.
 */
export const detectNodeAndProbeAlarms: StackValidationPolicy = {
    name: "intelgraph-detect-node-and-probe-alarms",
    description:
        "Detection: every EKS cluster has a node-readiness alarm (Container Insights cluster_failed_node_count or cluster_node_count on its ClusterName) and every Synthetics canary an alarm on its SuccessPercent (CanaryName), each notifying an SNS topic of its own region encrypted with a key of that region.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const watched: Watched[] = [
            ...ofType(args.resources, CLUSTER).map((c) => ({ resource: c, what: "node-readiness alarm", metrics: ["cluster_failed_node_count", "cluster_node_count"], dimension: "ClusterName", name: read(() => c.props.name) })),
            ...ofType(args.resources, CANARY).map((c) => ({ resource: c, what: "probe alarm", metrics: ["SuccessPercent"], dimension: "CanaryName", name: read(() => c.props.name) })),
        ];
        if (!watched.length) args.notApplicable("no EKS cluster or Synthetics canary in this stack");
        const alarms = ofType(args.resources, METRIC_ALARM);
        for (const w of watched) {
            const subject = subjectOf(w.resource);
            const required = `a CloudWatch alarm on ${w.metrics.join(" or ")} (${w.dimension}) notifying an SNS topic of ${subject.region ?? "its region"} encrypted with a key of that region`;
            const watching = alarms.filter((a) => watches(a, w.resource, w.metrics, w.dimension, (v) => v === w.name));
            if (!watching.length) {
                reportViolation(violationMessage(subject, w.what, undefined, required, REMEDIATION), w.resource.urn);
                continue;
            }
            const facts = watching.map((a) => ({ alarm: a, ...actionFacts(a, args.resources) }));
            if (!facts.some((f) => f.notifiesRegionalTopic)) {
                const first = facts[0];
                reportViolation(violationMessage(subject, `alarmActions of ${w.what} '${first.alarm.name}'`, first.observed, required, REMEDIATION), w.resource.urn);
            }
        }
    },
};
