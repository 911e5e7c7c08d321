import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { NEO4J_LABELS } from "../contracts/neo4jLabels";
import { subjectOf, violationMessage } from "../lib/message";
import { read, readPath } from "../lib/read";
import { homeRegion } from "../lib/resources";

const ZONE_KEY = "topology.kubernetes.io/zone";
const STATEFUL_SET = "kubernetes:apps/v1:StatefulSet";
const PDB = "kubernetes:policy/v1:PodDisruptionBudget";

const labelsOf = (r: PolicyResource, path: (string | number)[]) => (readPath(r.props, path) as Record<string, string> | undefined) ?? {};

/** The zone a StatefulSet pins its pods to (one StatefulSet per server), if any. */
function pinnedZone(s: PolicyResource): string | undefined {
    const z = readPath(s.props, ["spec", "template", "spec", "nodeSelector", ZONE_KEY]);
    return typeof z === "string" ? z : undefined;
}

function spreadsOverZones(s: PolicyResource): boolean {
    const constraints = readPath(s.props, ["spec", "template", "spec", "topologySpreadConstraints"]);
    return Array.isArray(constraints) && constraints.some((c) => c && c.topologyKey === ZONE_KEY && c.whenUnsatisfiable === "DoNotSchedule" && c.maxSkew === 1);
}

const REMEDIATION = "Run at least three Neo4j primaries, one per AZ, with a PodDisruptionBudget of maxUnavailable 1 (Neo4jCluster does)";

export const capacityNeo4j: StackValidationPolicy = {
    name: "intelgraph-capacity-neo4j",
    description:
        "N+1 capacity: the Neo4j cluster keeps Raft quorum when a server or an AZ is lost: at least minPrimaries primaries spread over at least minZones zones, and a PodDisruptionBudget that lets at most one primary down at a time.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { minPrimaries: { type: "integer", minimum: 3, default: 3 }, minZones: { type: "integer", minimum: 2, default: 3 } } },
    validateStack: (args, reportViolation) => {
        const primaries = args.resources.filter(
            (r) => r.type === STATEFUL_SET && labelsOf(r, ["metadata", "labels"])[NEO4J_LABELS.name] === "neo4j" && labelsOf(r, ["metadata", "labels"])[NEO4J_LABELS.component] === "primary",
        );
        if (!primaries.length) {
            args.notApplicable("no Neo4j primary StatefulSets in this stack");
            return;
        }
        const { minPrimaries, minZones } = args.getConfig<{ minPrimaries: number; minZones: number }>();
        const first = primaries[0];
        // Kubernetes objects have no AWS region: they live in the stack's home region.
        const subject = subjectOf(first, homeRegion(args.resources));
        const count = primaries.reduce((n, s) => n + (Number(read(() => s.props.spec?.replicas)) || 0), 0);
        if (count < minPrimaries) reportViolation(violationMessage(subject, "spec.replicas (all primaries)", count, `at least ${minPrimaries}`, REMEDIATION), first.urn);

        const zones = new Set(primaries.map(pinnedZone).filter((z): z is string => !!z));
        const spread = primaries.every(spreadsOverZones) || zones.size >= minZones;
        if (!spread) {
            reportViolation(violationMessage(subject, "spec.template.spec (zone placement)", [...zones].sort(), `primaries over at least ${minZones} zones (topologySpreadConstraints on ${ZONE_KEY} or one StatefulSet per zone)`, REMEDIATION), first.urn);
        }

        const budgets = args.resources.filter((r) => r.type === PDB && labelsOf(r, ["spec", "selector", "matchLabels"])[NEO4J_LABELS.name] === "neo4j");
        const ok = budgets.some((b) => {
            const maxUnavailable = read(() => b.props.spec?.maxUnavailable);
            const minAvailable = read(() => b.props.spec?.minAvailable);
            return maxUnavailable === 1 || (typeof minAvailable === "number" && minAvailable >= count - 1);
        });
        if (!ok) reportViolation(violationMessage(subject, "PodDisruptionBudget", budgets.length ? "allowing more than one primary down" : undefined, "a PodDisruptionBudget over the primaries with maxUnavailable 1", REMEDIATION), first.urn);
    },
};
