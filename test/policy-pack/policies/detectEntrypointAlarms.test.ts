import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-detect-entrypoint-alarms";
const FIX = "Declare the entry's EdgeAlarms and BurnRateAlarms (stacks/monitoring.ts) on this load balancer, notifying the region's NotificationTopic.";
const LB = "aws:lb/loadBalancer:LoadBalancer 'api-alb'";
const burnRequired = (what: string, region: string) =>
    `required: a composite alarm over at least two 5xx-ratio windows of it (${what}) notifying an SNS topic of ${region} encrypted with a key of that region. ${FIX}`;

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", false],
        ["us-west-2", true],
        ["us-east-1", true],
    ] as const)("passes the compliant %s stack (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it.each([false, true])("flags the ALB whose 5xx alarm was removed: the burn-rate windows do not notify by themselves (preview %s)", async (preview) => {
        const resources = (await stackResources("us-west-2", preview)).filter((r) => !r.urn.endsWith("::edge-alarms-api-5xx-rate"));
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `${LB} (us-west-2): 5xx alarm is "without a notifying action"; required: a CloudWatch alarm on its 5xx counts notifying an SNS topic of us-west-2 encrypted with a key of that region. ${FIX}`,
        ]);
    });

    it.each([false, true])("flags the ALB whose page-level (fast) burn-rate composite was removed (preview %s)", async (preview) => {
        const resources = (await stackResources("us-east-1", preview)).filter((r) => !r.urn.endsWith("::burn-rate-page"));
        expect(await messages(resources, "us-east-1", RULE)).toEqual([`${LB} (us-east-1): fast burn-rate alarm is not set; ${burnRequired("long window of at most 1 h", "us-east-1")}`]);
    });

    it("flags the ALB whose ticket-level (slow) burn-rate composite notifies nobody", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "burn-rate-ticket"), "alarmActions", []);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([`${LB} (us-east-1): slow burn-rate alarm is "without a notifying action"; ${burnRequired("long window over 1 h", "us-east-1")}`]);
    });

    it("flags a composite that reads one window only", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "burn-rate-page"), "alarmRule", 'ALARM("intelgraph-us-west-2-api-burn-page-60m")');
        expect(await messages(resources, "us-west-2", RULE)).toEqual([`${LB} (us-west-2): fast burn-rate alarm is not set; ${burnRequired("long window of at most 1 h", "us-west-2")}`]);
    });

    it("does not ask an internal load balancer for alarms", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => !r.type.startsWith("aws:cloudwatch/"));
        setProp(byName(resources, "api-alb"), "internal", true);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([]);
    });
});
