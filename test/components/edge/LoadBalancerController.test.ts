import { evaluate } from "@marcbachmann/cel-js";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { inputsOf, mustGet, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

interface Values {
    [key: string]: unknown;
    serviceAccount: { create: boolean; name: string; annotations: Record<string, string> };
}

describe.each(["us-west-2", "us-east-1"] as const)("LoadBalancerController in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const release = () => one(s(), "kubernetes:helm.sh/v3:Release");
    const values = () => inputsOf(release()).values as Values;
    const role = () => one(s(), "aws:iam/role:Role", "lb-controller-role");

    it("installs the pinned eks-charts chart into kube-system, atomically, on the region's cluster", () => {
        expect(inputsOf(release())).toMatchObject({
            name: "aws-load-balancer-controller",
            chart: "aws-load-balancer-controller",
            version: "1.17.1",
            repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
            namespace: "kube-system",
            atomic: true,
            cleanupOnFail: true,
        });
        expect(release().provider).toMatch(/\$pulumi:providers:kubernetes::eks-k8s::/);
        expect(release().parent).toMatch(/intelgraph:edge:LoadBalancerController::lb-controller$/);
    });

    it("is told its cluster, region and VPC (pods cannot reach IMDS to discover them)", () => {
        expect(values()).toMatchObject({ clusterName: `intelgraph-${region}`, region, vpcId: s().outputs.vpcId });
    });

    it("runs under an IRSA role bound to kube-system/aws-load-balancer-controller only", () => {
        expect(values().serviceAccount).toEqual({ create: true, name: "aws-load-balancer-controller", annotations: { "eks.amazonaws.com/role-arn": outputsOf(role()).arn } });
        const trust = JSON.parse(inputsOf(role()).assumeRolePolicy as string) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
        const conditions = Object.entries(trust.Statement[0].Condition.StringEquals);
        expect(conditions.find(([k]) => k.endsWith(":sub"))?.[1]).toBe("system:serviceaccount:kube-system:aws-load-balancer-controller");
        expect(providerRegion(s(), role())).toBe(region);
    });

    it("starts only once its role has its policy (its webhooks call AWS on admission), and keeps it until it is gone", () => {
        expect(release().dependencies).toEqual(expect.arrayContaining([role().urn, one(s(), "aws:iam/rolePolicy:RolePolicy", "lb-controller-role-inline").urn]));
    });

    it("installs once the general nodes, pod networking and DNS exist (atomic wait), and is removed before them", () => {
        const urnOf = (type: string, name: string) => one(s(), type, name).urn;
        expect(release().dependencies).toEqual(
            expect.arrayContaining([
                urnOf("aws:eks/nodeGroup:NodeGroup", "eks-ng-general"),
                urnOf("aws:eks/addon:Addon", "eks-addon-vpc-cni"),
                urnOf("aws:eks/addon:Addon", "eks-addon-kube-proxy"),
                urnOf("aws:eks/addon:Addon", "eks-addon-coredns"),
            ]),
        );
    });

    it("may register targets only in this region's API target group", () => {
        const inline = one(s(), "aws:iam/rolePolicy:RolePolicy", "lb-controller-role-inline");
        expect(inputsOf(inline).role).toBe(role().id);
        const doc = JSON.parse(inputsOf(inline).policy as string) as { Statement: { Action: string[]; Resource: unknown }[] };
        const writes = doc.Statement.find((st) => st.Action.includes("elasticloadbalancing:RegisterTargets"));
        expect(writes?.Resource).toEqual([s().outputs.apiTargetGroupArn]);
        expect(String(s().outputs.apiTargetGroupArn)).toContain(`:elasticloadbalancing:${region}:`);
    });

    it("creates no IngressClass, no WAF/Shield integration and no Service webhook: Ingress and Services are not its business", () => {
        expect(values()).toMatchObject({
            createIngressClassResource: false,
            enableShield: false,
            enableWaf: false,
            enableWafv2: false,
            defaultTargetType: "ip",
            enableServiceMutatorWebhook: false,
        });
    });

    it("rolls out without a surge pod (no spare node for it on a standby-sized node group)", () => {
        expect(values().updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    });

    it("survives losing a node or a zone: 2 replicas on separate nodes, spread over zones, PDB of one, on the general tier", () => {
        expect(values()).toMatchObject({ replicaCount: 2, podDisruptionBudget: { maxUnavailable: 1 }, nodeSelector: { "intelgraph.io/tier": "general" } });
        const anti = (values().affinity as { podAntiAffinity: Record<string, { topologyKey?: string; podAffinityTerm?: { topologyKey: string } }[]> }).podAntiAffinity;
        expect(anti.requiredDuringSchedulingIgnoredDuringExecution.map((t) => t.topologyKey)).toEqual(["kubernetes.io/hostname"]);
        expect(anti.preferredDuringSchedulingIgnoredDuringExecution.map((t) => t.podAffinityTerm?.topologyKey)).toEqual(["topology.kubernetes.io/zone"]);
    });
});

describe.each(["us-west-2", "us-east-1"] as const)("public entry admission policy in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const policy = () => inputsOf(one(s(), "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy"));
    interface Validation {
        expression: string;
        message: string;
    }
    /** The CEL verdicts of the policy for one admission request, as the API server evaluates them. */
    const refusals = (kind: string, object: Record<string, unknown>, update?: { oldObject: Record<string, unknown> }) =>
        (policy().spec as { validations: Validation[] }).validations
            .filter((v) => evaluate(v.expression, { request: { kind: { kind }, operation: update ? "UPDATE" : "CREATE" }, object, oldObject: update?.oldObject ?? null }) !== true)
            .map((v) => v.message);
    const LB_REFUSED = "type: LoadBalancer Services are refused: the public entry is the API's ALB, managed by Pulumi (RegionalEntrypoint, ApiTargetBinding)";

    it("is enforced (Deny) on Service and Ingress creates and updates, failing closed", () => {
        expect(policy()).toMatchObject({ metadata: { name: "intelgraph-no-unreviewed-load-balancers" }, spec: { failurePolicy: "Fail" } });
        expect((policy().spec as { matchConstraints: unknown }).matchConstraints).toEqual({
            resourceRules: [
                { apiGroups: [""], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["services"] },
                { apiGroups: ["networking.k8s.io"], apiVersions: ["v1"], operations: ["CREATE", "UPDATE"], resources: ["ingresses"] },
            ],
        });
        expect(inputsOf(one(s(), "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding")).spec).toEqual({
            policyName: "intelgraph-no-unreviewed-load-balancers",
            validationActions: ["Deny"],
        });
    });

    it("refuses a LoadBalancer Service (a Classic ELB outside Pulumi) and any Ingress, with a message naming the real entry", () => {
        expect(refusals("Service", { metadata: {}, spec: { type: "LoadBalancer", ports: [{ port: 443 }] } })).toEqual([LB_REFUSED]);
        expect(refusals("Ingress", { spec: { rules: [] } })).toEqual(["Ingresses are refused: the public entry is the API's ALB, managed by Pulumi (RegionalEntrypoint, ApiTargetBinding)"]);
    });

    it("refuses turning an existing Service into a LoadBalancer", () => {
        expect(refusals("Service", { metadata: {}, spec: { type: "LoadBalancer" } }, { oldObject: { metadata: {}, spec: { type: "ClusterIP" } } })).toEqual([LB_REFUSED]);
    });

    it("lets an existing LoadBalancer Service or Ingress be updated and finalized, so its deletion never hangs", () => {
        const lb = { metadata: { finalizers: ["service.k8s.aws/resources"] }, spec: { type: "LoadBalancer" } };
        expect(refusals("Service", { ...lb, metadata: { deletionTimestamp: "2026-11-22T00:00:00Z" } }, { oldObject: lb })).toEqual([]);
        expect(refusals("Service", { ...lb, metadata: { labels: { a: "b" } } }, { oldObject: lb })).toEqual([]);
        expect(refusals("Ingress", { metadata: {}, spec: {} }, { oldObject: { metadata: {}, spec: {} } })).toEqual([]);
    });

    it("admits the Services the platform itself creates (ClusterIP, headless, unset type)", () => {
        for (const r of s().resources.filter((x) => x.type === "kubernetes:core/v1:Service")) expect(refusals("Service", inputsOf(r)), r.name).toEqual([]);
        expect(refusals("Service", { spec: {} })).toEqual([]);
        expect(refusals("Service", { spec: { type: "NodePort" } })).toEqual([]);
    });
});
