/**
 * Contract: the admission policy that keeps every public entry a Pulumi resource. What the cluster refuses,
 * shared by the component that installs it (LoadBalancerController, through components/edge/publicEntryPolicy.ts)
 * and the rule that requires it (intelgraph-network-public-entry-guard), so the two cannot drift apart.
 */

export const PUBLIC_ENTRY_POLICY = "intelgraph-no-unreviewed-load-balancers";

/** Each of these, once created, would make AWS create a load balancer outside this program. */
export const PUBLIC_ENTRY_RESOURCE_RULES = [
    { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["services"] },
    { apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["ingresses"] },
];

const ENTRY = "the public entry is the API's ALB, managed by Pulumi (RegionalEntrypoint, ApiTargetBinding)";

/*
 * Only what would create a load balancer is refused: a new LoadBalancer Service (or a change to that type) and a
 * new Ingress. Updates of objects that already are one stay possible, so their finalizers can be removed and a
 * deletion never hangs.
 */
export const REFUSE_LOAD_BALANCER_SERVICES = {
    expression:
        "request.kind.kind != 'Service' || !has(object.spec.type) || object.spec.type != 'LoadBalancer' || " +
        "(request.operation == 'UPDATE' && (has(object.metadata.deletionTimestamp) || (has(oldObject.spec.type) && oldObject.spec.type == 'LoadBalancer')))",
    message: `type: LoadBalancer Services are refused: ${ENTRY}`,
    reason: "Forbidden",
};

export const REFUSE_INGRESSES = {
    expression: "request.kind.kind != 'Ingress' || request.operation == 'UPDATE'",
    message: `Ingresses are refused: ${ENTRY}`,
    reason: "Forbidden",
};

export const PUBLIC_ENTRY_VALIDATIONS = [REFUSE_LOAD_BALANCER_SERVICES, REFUSE_INGRESSES];
