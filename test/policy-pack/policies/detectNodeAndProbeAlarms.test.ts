import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-detect-node-and-probe-alarms";
const FIX =
    "Declare the region's NodeReadinessAlarms (stacks/monitoring.ts) for a cluster, or the alarm a RegionProbe creates with its canary (stacks/interconnectStack.ts), notifying the region's NotificationTopic.";
const required = (metrics: string, dimension: string, region: string) =>
    `required: a CloudWatch alarm on ${metrics} (${dimension}) notifying an SNS topic of ${region} encrypted with a key of that region. ${FIX}`;
const NODES = "cluster_failed_node_count or cluster_node_count";

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", true],
        ["interconnect-us", false],
        ["interconnect-us", true],
        ["staging-interconnect-us", false],
    ] as const)("passes the compliant %s stack (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("is not applicable to a stack with neither (billing)", async () => {
        expect(await messages(await stackResources("billing"), "billing", RULE)).toEqual([]);
    });

    it.each([false, true])("flags the cluster whose node-readiness alarms were removed (preview %s)", async (preview) => {
        const resources = (await stackResources("us-west-2", preview)).filter((r) => !r.urn.endsWith("::node-alarms-failed") && !r.urn.endsWith("::node-alarms-count"));
        expect(await messages(resources, "us-west-2", RULE)).toEqual([`aws:eks/cluster:Cluster 'eks-cluster' (us-west-2): node-readiness alarm is not set; ${required(NODES, "ClusterName", "us-west-2")}`]);
    });

    it("keeps passing with one of the two node alarms (either watches readiness)", async () => {
        const resources = (await stackResources("us-east-1")).filter((r) => !r.urn.endsWith("::node-alarms-failed"));
        expect(await messages(resources, "us-east-1", RULE)).toEqual([]);
    });

    it.each([false, true])("flags the probe of us-east-1 whose alarm was removed, in us-west-2 where it runs (preview %s)", async (preview) => {
        const resources = (await stackResources("interconnect-us", preview)).filter((r) => !r.urn.endsWith("::probe-us-west-2-us-east-1-alarm"));
        expect(await messages(resources, "interconnect-us", RULE)).toEqual([
            `aws:synthetics/canary:Canary 'probe-us-west-2-us-east-1-canary' (us-west-2): probe alarm is not set; ${required("SuccessPercent", "CanaryName", "us-west-2")}`,
        ]);
    });

    it("flags a probe alarm that watches another canary, and one without its action", async () => {
        const resources = await stackResources("interconnect-us");
        setProp(byName(resources, "probe-us-east-1-us-west-2-alarm"), "dimensions", { CanaryName: "someone-else" });
        setProp(byName(resources, "probe-us-west-2-us-east-1-alarm"), "alarmActions", []);
        expect(await messages(resources, "interconnect-us", RULE)).toEqual([
            `aws:synthetics/canary:Canary 'probe-us-west-2-us-east-1-canary' (us-west-2): alarmActions of probe alarm 'probe-us-west-2-us-east-1-alarm' is "not set"; ${required("SuccessPercent", "CanaryName", "us-west-2")}`,
            `aws:synthetics/canary:Canary 'probe-us-east-1-us-west-2-canary' (us-east-1): probe alarm is not set; ${required("SuccessPercent", "CanaryName", "us-east-1")}`,
        ]);
    });
});
