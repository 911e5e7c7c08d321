import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { inputsOf, mustGet, one, plan } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each(["us-west-2", "us-east-1"] as const)("ApiTargetBinding in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const binding = () => one(s(), "kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
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
        const tg = one(s(), "aws:lb/targetGroup:TargetGroup");
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
