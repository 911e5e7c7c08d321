import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-resilience-chaos-stop-conditions";
const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const NONE_FIX = "Give the template the region's page and data-tier lag alarms as stop conditions (stacks/monitoring.ts drillStopAlarmArns, components/chaos/ChaosExperiments.ts).";
const REGION_FIX = "Use an alarm of the experiment's own region: an alarm of another region goes blind when that region does, and then stops nothing.";

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", false],
        ["us-west-2", true],
        ["staging-us-east-1", true],
    ] as const)("passes the compliant %s stack (preview %s): every template stops on the region's own alarms", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("flags a template without stop conditions", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "chaos-az-power", TEMPLATE), "stopConditions", []);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `${TEMPLATE} 'chaos-az-power' (us-west-2): stopConditions is not set; required: at least one aws:cloudwatch:alarm stop condition (an alarm of us-west-2). ${NONE_FIX}`,
        ]);
    });

    it("flags a template whose only stop condition is none", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "chaos-cross-region-partition", TEMPLATE), "stopConditions", [{ source: "none" }]);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `${TEMPLATE} 'chaos-cross-region-partition' (us-east-1): stopConditions is ["none"]; required: at least one aws:cloudwatch:alarm stop condition (an alarm of us-east-1). ${NONE_FIX}`,
        ]);
    });

    it("flags a stop-condition alarm of another region", async () => {
        const resources = await stackResources("us-west-2");
        const foreign = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:intelgraph-us-east-1-api-burn-page";
        const t = byName(resources, "chaos-aurora-failover", TEMPLATE);
        const own = (t.inputs!.stopConditions as { source: string; value: string }[]).slice(1);
        setProp(t, "stopConditions", [{ source: "aws:cloudwatch:alarm", value: foreign }, ...own]);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `${TEMPLATE} 'chaos-aurora-failover' (us-west-2): stopConditions[0].value is "${foreign}"; required: a CloudWatch alarm of us-west-2 (the experiment's region). ${REGION_FIX}`,
        ]);
    });
});
