import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { REFUSE_INGRESSES, REFUSE_LOAD_BALANCER_SERVICES } from "../contracts/publicEntryPolicy";
import { subjectOf, violationMessage } from "../lib/message";
import { readPath } from "../lib/read";

const CLUSTER = "aws:eks/cluster:Cluster";
const POLICY = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy";
const BINDING = "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding";

/** What must be refused at admission: each would make AWS create a load balancer outside this program. */
const GUARDED = [
    { group: "", resource: "services", what: "Services (type: LoadBalancer gets a Classic ELB from EKS's cloud provider)" },
    { group: "networking.k8s.io", resource: "ingresses", what: "Ingresses" },
] as const;

/** The component's validations a guarding policy must carry, verbatim. */
const REFUSALS = [
    [REFUSE_LOAD_BALANCER_SERVICES, "LoadBalancer Services"],
    [REFUSE_INGRESSES, "Ingresses"],
] as const;

const REQUIRED =
    "a ValidatingAdmissionPolicy with the public-entry validations (components/edge/publicEntryPolicy.ts) on CREATE and UPDATE of all services and networking.k8s.io ingresses, failurePolicy Fail, bound cluster-wide with validationActions [Deny]";
const REMEDIATION = "Install the public-entry admission policy with the cluster (LoadBalancerController does); the API's only way in is the ALB of RegionalEntrypoint";

const list = (r: PolicyResource, path: (string | number)[]): unknown[] => {
    const v = readPath(r.props, path);
    return Array.isArray(v) ? v : [];
};
const includes = (values: unknown[], wanted: string) => values.includes(wanted) || values.includes("*");

function uncovered(policy: PolicyResource): string[] {
    const rules = list(policy, ["spec", "matchConstraints", "resourceRules"]) as Record<string, unknown>[];
    return GUARDED.filter(
        (g) =>
            !rules.some((rule) => {
                const field = (k: string) => (Array.isArray(rule?.[k]) ? (rule[k] as unknown[]) : []);
                return includes(field("apiGroups"), g.group) && includes(field("resources"), g.resource) && ["CREATE", "UPDATE"].every((op) => includes(field("operations"), op));
            }),
    ).map((g) => g.what);
}

/** A selector or rule list that limits what a policy or binding applies to (an empty one limits nothing). */
function narrows(r: PolicyResource, path: (string | number)[]): boolean {
    const v = readPath(r.props, path);
    if (Array.isArray(v)) return v.length > 0;
    return !!v && typeof v === "object" && Object.values(v).some((x) => (Array.isArray(x) ? x.length > 0 : !!x && typeof x === "object" && Object.keys(x).length > 0));
}

/** Why a policy does not guard the public entry, or undefined when it does. */
function shortfall(policy: PolicyResource, bindings: PolicyResource[]): string | undefined {
    const name = String(readPath(policy.props, ["metadata", "name"]));
    const missing = uncovered(policy);
    if (missing.length) return `${name} does not match ${missing.join(" or ")}`;
    const narrowedBy = ["namespaceSelector", "objectSelector", "excludeResourceRules"].filter((k) => narrows(policy, ["spec", "matchConstraints", k]));
    if (narrows(policy, ["spec", "matchConditions"])) narrowedBy.push("matchConditions");
    if (narrowedBy.length) return `${name} is narrowed by ${narrowedBy.join(", ")}`;
    // Absent means Fail (the API server's default); Ignore would admit everything while the policy cannot run.
    if (readPath(policy.props, ["spec", "failurePolicy"]) === "Ignore") return `${name} has failurePolicy Ignore`;
    const expressions = (list(policy, ["spec", "validations"]) as { expression?: unknown }[]).map((v) => v?.expression);
    const absent = REFUSALS.filter(([v]) => !expressions.includes(v.expression)).map(([, what]) => what);
    if (absent.length) return `${name} lacks the refusal of ${absent.join(" and ")}`;
    const denying = bindings.filter((b) => readPath(b.props, ["spec", "policyName"]) === name && list(b, ["spec", "validationActions"]).includes("Deny"));
    if (!denying.length) return `${name} is not bound with validationActions [Deny]`;
    return denying.some((b) => !narrows(b, ["spec", "matchResources"])) ? undefined : `${name} is bound only to part of the cluster (matchResources)`;
}

export const networkPublicEntryGuard: StackValidationPolicy = {
    name: "intelgraph-network-public-entry-guard",
    description:
        "Exposure: the only public entry is the reviewed load balancer. A stack with an EKS cluster refuses, at admission, the Kubernetes objects that make AWS create load balancers outside Pulumi (type: LoadBalancer Services, Ingresses).",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const clusters = args.resources.filter((r) => r.type === CLUSTER);
        if (!clusters.length) {
            args.notApplicable("no EKS cluster in this stack");
            return;
        }
        const policies = args.resources.filter((r) => r.type === POLICY);
        const bindings = args.resources.filter((r) => r.type === BINDING);
        const reasons = policies.map((p) => shortfall(p, bindings));
        if (reasons.some((r) => r === undefined)) return;
        const observed = reasons.length ? reasons.join("; ") : "none";
        for (const cluster of clusters) reportViolation(violationMessage(subjectOf(cluster), "admission policy for Services and Ingresses", observed, REQUIRED, REMEDIATION), cluster.urn);
    },
};
