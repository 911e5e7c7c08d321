import * as random from "@pulumi/random";
import { beforeAll, describe, expect, it } from "vitest";
import { ApiTargetBinding, type ApiTargetBindingArgs } from "../../../components/edge/ApiTargetBinding";
import type { PlannedStack } from "../../../tools/offline/engine";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, one, plan } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each(["us-west-2", "us-east-1"] as const)("ApiTargetBinding in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const binding = () => one(s(), "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding", "api-binding-tgb");
    const service = () => one(s(), "kubernetes:core/v1:Service", "api-binding-svc");

    it("binds the region's ALB target group to the API Service, with ip targets in this VPC", () => {
        expect(inputsOf(binding())).toMatchObject({
            apiVersion: "elbv2.k8s.aws/v1beta1",
            kind: "TargetGroupBinding",
            metadata: { name: "intelgraph-api", namespace: "intelgraph-api" },
            spec: { serviceRef: { name: "intelgraph-api", port: 8080 }, targetGroupARN: s().outputs.apiTargetGroupArn, targetType: "ip", ipAddressType: "ipv4", vpcID: s().outputs.vpcId },
        });
    });

    it("is created only once the controller (its CRD and webhooks) is installed, through the cluster's provider", () => {
        expect(binding().dependencies).toContain(one(s(), "kubernetes:helm.sh/v3:Release").urn);
        expect(binding().provider).toMatch(/\$pulumi:providers:kubernetes::eks-k8s::/);
    });

    it("exposes the API pods on the target group's port through a ClusterIP Service selecting the API labels", () => {
        const tg = one(s(), "aws:lb/targetGroup:TargetGroup", "api-api");
        expect(inputsOf(service()).spec).toEqual({
            type: "ClusterIP",
            selector: { "app.kubernetes.io/name": "intelgraph-api", "app.kubernetes.io/part-of": "intelgraph" },
            ports: [{ name: "http", port: inputsOf(tg).port, targetPort: inputsOf(tg).port, protocol: "TCP" }],
        });
    });

    it("labels the namespace for ALB readiness gates, so a rollout waits until new pods pass the ALB health check", () => {
        expect(inputsOf(one(s(), "kubernetes:core/v1:Namespace", "api-binding-ns")).metadata).toMatchObject({
            name: "intelgraph-api",
            labels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" },
        });
    });

    it("exports where the application deploys", () => {
        expect(s().outputs).toMatchObject({ apiNamespace: "intelgraph-api", apiServiceName: "intelgraph-api", apiTargetGroupBindingName: "intelgraph-api" });
    });
});

describe("ApiTargetBinding with its own args", () => {
    const build = (over: Partial<Omit<ApiTargetBindingArgs, "controller">> = {}) =>
        planComponent(
            (p) => {
                // Stands in for the controller's Helm release (CRD and webhooks).
                const controller = new random.RandomId("controller", { byteLength: 4 }, { provider: p.random });
                return new ApiTargetBinding(
                    "bind",
                    { namespace: "reports", serviceName: "reports-api", port: 9090, targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/reports/1", vpcId: "vpc-test", controller, ...over },
                    p.onCluster(),
                );
            },
            { region: "eu-west-1" },
        );

    it("binds the given target group to a Service on the given port in a readiness-gated namespace, after the controller", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        expect(p.inputs("kubernetes:core/v1:Namespace").metadata).toMatchObject({ name: "reports", labels: { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } });
        expect(p.inputs("kubernetes:core/v1:Service")).toMatchObject({
            metadata: { name: "reports-api", namespace: "reports" },
            spec: { type: "ClusterIP", selector: { "app.kubernetes.io/name": "intelgraph-api" }, ports: [{ port: 9090, targetPort: 9090 }] },
        });
        const binding = p.one("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
        expect(p.inputs(binding.type)).toMatchObject({
            metadata: { name: "reports-api", namespace: "reports" },
            spec: { serviceRef: { name: "reports-api", port: 9090 }, targetGroupARN: "arn:aws:elasticloadbalancing:eu-west-1:210987654321:targetgroup/reports/1", targetType: "ip", ipAddressType: "ipv4", vpcID: "vpc-test" },
        });
        expect(binding.dependencies).toContain(p.one("random:index/randomId:RandomId", "controller").urn);
        expect(binding.provider.split("::")[3]).toBe("k8s");
    });

    const refused = "ApiTargetBinding 'bind': ";
    it.each<[string, Partial<ApiTargetBindingArgs>, string]>([
        ["a namespace Kubernetes refuses", { namespace: "Reports" }, 'namespace must be a DNS label (lowercase letters, digits, "-", at most 63), got "Reports"'],
        ["a Service name starting with a digit", { serviceName: "1api" }, 'serviceName must be a DNS label starting with a letter (a Service name), got "1api"'],
        ["a port out of range", { port: 70000 }, "port must be a TCP port from 1 to 65535, got 70000"],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), ApiTargetBinding, refused + problem);
    });
});
