import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
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

const REQUIRED =
    "a ValidatingAdmissionPolicy matching CREATE and UPDATE of services and networking.k8s.io ingresses, failurePolicy Fail, bound with validationActions [Deny]";
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

/** Why a policy does not guard the public entry, or undefined when it does. */
function shortfall(policy: PolicyResource, bindings: PolicyResource[]): string | undefined {
    const name = readPath(policy.props, ["metadata", "name"]);
    const missing = uncovered(policy);
    if (missing.length) return `${String(name)} does not match ${missing.join(" or ")}`;
    // Absent means Fail (the API server's default); Ignore would admit everything while the policy cannot run.
    if (readPath(policy.props, ["spec", "failurePolicy"]) === "Ignore") return `${String(name)} has failurePolicy Ignore`;
    if (!list(policy, ["spec", "validations"]).length) return `${String(name)} has no validations`;
    const denying = bindings.some((b) => readPath(b.props, ["spec", "policyName"]) === name && list(b, ["spec", "validationActions"]).includes("Deny"));
    return denying ? undefined : `${String(name)} is not bound with validationActions [Deny]`;
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
