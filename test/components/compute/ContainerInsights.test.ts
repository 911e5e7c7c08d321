import { beforeAll, describe, expect, it } from "vitest";
import { AGENT_NAMESPACE, AGENT_SERVICE_ACCOUNT, ContainerInsights } from "../../../components/compute/ContainerInsights";
import type { PlannedStack } from "../../../tools/offline/engine";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each(["us-west-2", "us-east-1"] as const)("Container Insights in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const addon = () => one(s(), "aws:eks/addon:Addon", "container-insights-addon");

    it("installs the amazon-cloudwatch-observability add-on on the region's cluster, metrics only (no container logs)", () => {
        expect(inputsOf(addon())).toMatchObject({
            clusterName: `intelgraph-${region}`,
            addonName: "amazon-cloudwatch-observability",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
        });
        expect(JSON.parse(inputsOf(addon()).configurationValues as string)).toEqual({ containerLogs: { enabled: false } });
        expect(inputsOf(addon()).addonVersion).toBeUndefined();
        expect(providerRegion(s(), addon())).toBe(region);
    });

    it("gives the agent its own IRSA role (CloudWatchAgentServerPolicy on amazon-cloudwatch/cloudwatch-agent only)", () => {
        const role = one(s(), "aws:iam/role:Role", "container-insights-agent");
        expect(inputsOf(addon()).serviceAccountRoleArn).toBe(outputsOf(role).arn);
        const trust = JSON.parse(inputsOf(role).assumeRolePolicy as string);
        expect(Object.values(trust.Statement[0].Condition.StringEquals)).toEqual([`system:serviceaccount:${AGENT_NAMESPACE}:${AGENT_SERVICE_ACCOUNT}`, "sts.amazonaws.com"]);
        expect(inputsOf(one(s(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "container-insights-agent-managed-0")).policyArn).toBe("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy");
        expect(addon().dependencies).toContain(one(s(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "container-insights-agent-managed-0").urn);
    });

    it("creates the performance log group first, under the region's key, kept 14 days", () => {
        const logs = one(s(), "aws:cloudwatch/logGroup:LogGroup", "container-insights-performance");
        expect(inputsOf(logs)).toMatchObject({ name: `/aws/containerinsights/intelgraph-${region}/performance`, kmsKeyId: outputsOf(one(s(), "aws:kms/key:Key")).arn, retentionInDays: 14 });
        expect(addon().dependencies).toContain(logs.urn);
        // The DaemonSet needs nodes: the general node group first.
        expect(addon().dependencies).toContain(one(s(), "aws:eks/nodeGroup:NodeGroup", "eks-ng-general").urn);
    });
});

describe("ContainerInsights arguments", () => {
    it("refuses a retention CloudWatch Logs does not offer, before registering anything", async () => {
        const p = await planComponent(({ onRegion }) => {
            const fake = { clusterName: "c", irsaRole: () => ({ arn: "arn", grants: [] }) } as unknown as ConstructorParameters<typeof ContainerInsights>[1]["cluster"];
            return new ContainerInsights("ci", { cluster: fake, clusterName: "c", partition: "aws", kmsKeyArn: "k", performanceLogRetentionDays: 10, dependsOn: [] }, onRegion);
        });
        expectRefused(
            p,
            ContainerInsights,
            "ContainerInsights 'ci': performanceLogRetentionDays must be one of CloudWatch Logs' retention values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), got 10",
        );
    });
});
