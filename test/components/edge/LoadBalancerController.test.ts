import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../stacks/offline/engine";
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
        expect(release().dependencies).toContain(role().urn);
    });

    it("may register targets only in this region's API target group", () => {
        const inline = one(s(), "aws:iam/rolePolicy:RolePolicy", "lb-controller-role-inline");
        expect(inputsOf(inline).role).toBe(role().id);
        const doc = JSON.parse(inputsOf(inline).policy as string) as { Statement: { Action: string[]; Resource: unknown }[] };
        const writes = doc.Statement.find((st) => st.Action.includes("elasticloadbalancing:RegisterTargets"));
        expect(writes?.Resource).toEqual([s().outputs.apiTargetGroupArn]);
        expect(String(s().outputs.apiTargetGroupArn)).toContain(`:elasticloadbalancing:${region}:`);
    });

    it("creates no IngressClass and no WAF/Shield integration: Ingress is not a way in", () => {
        expect(values()).toMatchObject({ createIngressClassResource: false, enableShield: false, enableWaf: false, enableWafv2: false, defaultTargetType: "ip" });
    });

    it("survives losing a node or a zone: 2 replicas on separate nodes, spread over zones, PDB of one, on the general tier", () => {
        expect(values()).toMatchObject({ replicaCount: 2, podDisruptionBudget: { maxUnavailable: 1 }, nodeSelector: { "intelgraph.io/tier": "general" } });
        const anti = (values().affinity as { podAntiAffinity: Record<string, { topologyKey?: string; podAffinityTerm?: { topologyKey: string } }[]> }).podAntiAffinity;
        expect(anti.requiredDuringSchedulingIgnoredDuringExecution.map((t) => t.topologyKey)).toEqual(["kubernetes.io/hostname"]);
        expect(anti.preferredDuringSchedulingIgnoredDuringExecution.map((t) => t.podAffinityTerm?.topologyKey)).toEqual(["topology.kubernetes.io/zone"]);
    });
});
