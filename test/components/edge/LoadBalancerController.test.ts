import { evaluate } from "@marcbachmann/cel-js";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { beforeAll, describe, expect, it } from "vitest";
import { type ControllerCluster, LoadBalancerController, type LoadBalancerControllerArgs } from "../../../components/edge/LoadBalancerController";
import type { PlannedStack } from "../../../tools/offline/engine";
import { type TestProviders, expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

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

    it("runs the controller image from this region's ECR pull-through cache, pinned by the stack file's digest, once the cache exists", () => {
        const digest = `sha256:${"0".repeat(64)}`;
        expect(values().image).toEqual({ repository: `123456789012.dkr.ecr.${region}.amazonaws.com/ecr-public/eks/aws-load-balancer-controller`, tag: `v2.17.1@${digest}` });
        expect(release().dependencies).toEqual(
            expect.arrayContaining([
                one(s(), "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "registry-ecr-public").urn,
                one(s(), "aws:ecr/repository:Repository", "registry-ecr-public-eks-aws-load-balancer-controller").urn,
            ]),
        );
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

    it("may register targets only in this region's API target group and its graph servers' target groups", () => {
        const inline = one(s(), "aws:iam/rolePolicy:RolePolicy", "lb-controller-role-inline");
        expect(inputsOf(inline).role).toBe(role().id);
        const doc = JSON.parse(inputsOf(inline).policy as string) as { Statement: { Action: string[]; Resource: unknown }[] };
        const writes = doc.Statement.find((st) => st.Action.includes("elasticloadbalancing:RegisterTargets"));
        const graph = ofType(s(), "aws:lb/targetGroup:TargetGroup").filter((t) => t.name.startsWith("neo4j-nlb-tg-")).map((t) => outputsOf(t).arn);
        expect(graph).toHaveLength(12);
        expect(writes?.Resource).toEqual([s().outputs.apiTargetGroupArn, ...graph]);
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

describe("LoadBalancerController with its own args", () => {
    /** A stand-in for EksCluster: what the controller needs of a cluster (ControllerCluster), with resources the tests can find. */
    const stubCluster = (p: TestProviders): ControllerCluster => {
        const nodes = new random.RandomId("general-nodes", { byteLength: 4 }, { provider: p.random });
        return {
            clusterName: pulumi.output("test-eks"),
            generalTierReady: [nodes],
            irsaRole: (name, a, parent) => {
                const role = new aws.iam.Role(name, { assumeRolePolicy: JSON.stringify({ serviceAccount: `${a.namespace}/${a.serviceAccount}` }) }, { parent });
                const grants: pulumi.Resource[] = a.policy ? [new aws.iam.RolePolicy(`${name}-inline`, { role: role.id, policy: a.policy }, { parent })] : [];
                return { arn: role.arn, grants: [role, ...grants] };
            },
        };
    };
    const TEST_IMAGE = { repository: "210987654321.dkr.ecr.eu-west-1.amazonaws.com/ecr-public/eks/aws-load-balancer-controller", tag: `v2.13.0@sha256:${"a".repeat(64)}` };
    const targetGroups = ["arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/api/1", "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/admin/2"];
    const build = (over: Partial<LoadBalancerControllerArgs> = {}) =>
        planComponent(
            (p) =>
                new LoadBalancerController(
                    "lbc",
                    { cluster: stubCluster(p), region: "eu-west-1", vpcId: "vpc-test", targetGroupArns: targetGroups, chartVersion: "1.13.0", replicas: 3, image: TEST_IMAGE, imageReady: [], nodeSelector: { tier: "general" }, ...over },
                    p.onCluster(),
                ),
            { region: "eu-west-1" },
        );

    it("installs the given chart version with the given replicas, after its role's policy and the general tier, on the cluster's provider", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const release = p.one("kubernetes:helm.sh/v3:Release");
        expect(p.inputs(release.type)).toMatchObject({
            chart: "aws-load-balancer-controller",
            version: "1.13.0",
            atomic: true,
            values: { clusterName: "test-eks", region: "eu-west-1", vpcId: "vpc-test", replicaCount: 3, nodeSelector: { tier: "general" }, serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": p.outputs("aws:iam/role:Role").arn } } },
        });
        expect(release.dependencies).toEqual(
            expect.arrayContaining([p.one("aws:iam/role:Role").urn, p.one("aws:iam/rolePolicy:RolePolicy").urn, p.one("random:index/randomId:RandomId").urn]),
        );
        expect(release.provider.split("::")[3]).toBe("k8s");
        const role = p.one("aws:iam/role:Role", "lbc-role");
        expect(role.parent).toBe(p.one("intelgraph:edge:LoadBalancerController").urn);
    });

    it("lets its role register targets in exactly the given target groups", async () => {
        const p = await build();
        const policy = JSON.parse(p.inputs("aws:iam/rolePolicy:RolePolicy").policy as string) as { Statement: { Sid: string; Resource: unknown }[] };
        expect(policy.Statement.find((s) => s.Sid === "RegisterPodsInOwnTargetGroups")?.Resource).toEqual(targetGroups);
    });

    it("binds its admission policy only once the policy exists", async () => {
        const p = await build();
        const policy = p.one("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy");
        expect(p.one("kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding").dependencies).toContain(policy.urn);
    });

    const refused = "LoadBalancerController 'lbc': ";
    it.each<[string, Partial<LoadBalancerControllerArgs>, string]>([
        ["a single replica", { replicas: 1 }, "replicas must be a whole number of at least 2 (its webhooks admit the API's pods; the PDB keeps one up), got 1"],
        ["no target group", { targetGroupArns: [] }, "targetGroupArns must list at least one target group: the controller's role may register targets nowhere else"],
        ["a chart version range", { chartVersion: "^1.13" }, 'chartVersion must be an exact chart version such as 1.17.1, got "^1.13"'],
        ["no node selector", { nodeSelector: {} }, "nodeSelector must select the general tier's nodes (the graph nodes are tainted)"],
        [
            "the chart's public image by tag",
            { image: { repository: "public.ecr.aws/eks/aws-load-balancer-controller", tag: "v2.13.0" } },
            "image must be a repository of this region's ECR registry with a tag ending in @sha256:<digest>, got public.ecr.aws/eks/aws-load-balancer-controller:v2.13.0",
        ],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), LoadBalancerController, refused + problem);
    });
});
