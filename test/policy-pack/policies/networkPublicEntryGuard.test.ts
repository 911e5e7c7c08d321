import { describe, expect, it } from "vitest";
import type { WireProps } from "../../../tools/offline/wire";
import { byName, evaluate, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-network-public-entry-guard";
const POLICY = "lb-controller-public-entry-policy";
const BINDING = "lb-controller-public-entry-binding";
const REQUIRED =
    "required: a ValidatingAdmissionPolicy with the public-entry validations (components/edge/publicEntryPolicy.ts) on CREATE and UPDATE of all services and networking.k8s.io ingresses, failurePolicy Fail, bound cluster-wide with validationActions [Deny]. " +
    "Install the public-entry admission policy with the cluster (LoadBalancerController does); the API's only way in is the ALB of RegionalEntrypoint.";
const violation = (stack: string, observed: string) => `aws:eks/cluster:Cluster 'eks-cluster' (${stack}): admission policy for Services and Ingresses is ${JSON.stringify(observed)}; ${REQUIRED}`;

/** The spec of a resource, for editing in place (inputs and outputs hold the same planned values). */
const specOf = (r: { inputs?: WireProps; outputs?: WireProps }) => structuredClone((r.outputs ?? r.inputs)!.spec) as Record<string, unknown>;

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", true],
    ] as const)("passes the planned stack %s (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("is not applicable to a stack without an EKS cluster", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type !== "aws:eks/cluster:Cluster");
        expect((await evaluate(resources, "us-west-2", RULE)).summary.notApplicable).toEqual([{ policy: RULE, reason: "no EKS cluster in this stack" }]);
    });

    it("blocks a cluster without any admission policy", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => !r.type.startsWith("kubernetes:admissionregistration.k8s.io/"));
        expect(await messages(resources, "us-west-2", RULE)).toEqual([violation("us-west-2", "none")]);
    });

    it("blocks a policy that is not bound, or bound only to warn or audit", async () => {
        const unbound = (await stackResources("us-east-1")).filter((r) => !r.urn.endsWith(`::${BINDING}`));
        expect(await messages(unbound, "us-east-1", RULE)).toEqual([violation("us-east-1", "intelgraph-no-unreviewed-load-balancers is not bound with validationActions [Deny]")]);

        const warning = await stackResources("us-east-1");
        setProp(byName(warning, BINDING), "spec", { policyName: "intelgraph-no-unreviewed-load-balancers", validationActions: ["Warn", "Audit"] });
        expect(await messages(warning, "us-east-1", RULE)).toEqual([violation("us-east-1", "intelgraph-no-unreviewed-load-balancers is not bound with validationActions [Deny]")]);
    });

    it("blocks a policy that no longer matches Ingresses, or Service updates (ClusterIP -> LoadBalancer)", async () => {
        const resources = await stackResources("us-west-2");
        const policy = byName(resources, POLICY);
        const spec = specOf(policy);
        setProp(policy, "spec", { ...spec, matchConstraints: { resourceRules: [{ apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE"], resources: ["services"] }] } });
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            violation(
                "us-west-2",
                "intelgraph-no-unreviewed-load-balancers does not match Services (type: LoadBalancer gets a Classic ELB from EKS's cloud provider) or Ingresses",
            ),
        ]);
    });

    it("blocks a policy that fails open", async () => {
        const resources = await stackResources("us-west-2");
        const policy = byName(resources, POLICY);
        setProp(policy, "spec", { ...specOf(policy), failurePolicy: "Ignore" });
        expect(await messages(resources, "us-west-2", RULE)).toEqual([violation("us-west-2", "intelgraph-no-unreviewed-load-balancers has failurePolicy Ignore")]);
    });

    it("blocks a policy that matches everything but refuses nothing", async () => {
        const resources = await stackResources("us-west-2");
        const policy = byName(resources, POLICY);
        setProp(policy, "spec", { ...specOf(policy), validations: [{ expression: "true", message: "allowed" }] });
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            violation("us-west-2", "intelgraph-no-unreviewed-load-balancers lacks the refusal of LoadBalancer Services and Ingresses"),
        ]);
    });

    it("blocks a policy narrowed to some namespaces or objects, or bound only to part of the cluster", async () => {
        const narrowed = await stackResources("us-west-2");
        const policy = byName(narrowed, POLICY);
        const spec = specOf(policy) as { matchConstraints: Record<string, unknown> };
        setProp(policy, "spec", { ...spec, matchConstraints: { ...spec.matchConstraints, namespaceSelector: { matchLabels: { guarded: "yes" } } } } as WireProps);
        expect(await messages(narrowed, "us-west-2", RULE)).toEqual([violation("us-west-2", "intelgraph-no-unreviewed-load-balancers is narrowed by namespaceSelector")]);

        const scoped = await stackResources("us-west-2");
        setProp(byName(scoped, BINDING), "spec", {
            policyName: "intelgraph-no-unreviewed-load-balancers",
            validationActions: ["Deny"],
            matchResources: { namespaceSelector: { matchLabels: { team: "platform" } } },
        });
        expect(await messages(scoped, "us-west-2", RULE)).toEqual([violation("us-west-2", "intelgraph-no-unreviewed-load-balancers is bound only to part of the cluster (matchResources)")]);
    });

    it("accepts wildcards that cover the guarded kinds", async () => {
        const resources = await stackResources("us-west-2");
        const policy = byName(resources, POLICY);
        setProp(policy, "spec", { ...specOf(policy), matchConstraints: { resourceRules: [{ apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"] }] } });
        expect(await messages(resources, "us-west-2", RULE)).toEqual([]);
    });
});
