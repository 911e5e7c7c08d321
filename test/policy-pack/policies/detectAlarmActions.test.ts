import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-detect-alarm-actions";
const FIX = "Give the alarm the region's NotificationTopic as its alarm action (components/monitoring/alarm.ts notifying), or read it from a composite alarm that has one.";
const required = (region: string) => `required: an SNS topic of ${region} encrypted with a key of that region (or a notifying composite alarm reading this one). ${FIX}`;
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", false],
        ["us-west-2", true],
        ["us-east-1", true],
    ] as const)("passes the compliant %s stack (preview %s): the burn-rate windows are read by notifying composites", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("flags an alarm without actions", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "edge-alarms-api-certificate-expiry"), "alarmActions", []);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([`${ALARM} 'edge-alarms-api-certificate-expiry' (us-east-1): alarmActions is "not set"; ${required("us-east-1")}`]);
    });

    it("flags an alarm whose actions are disabled", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "data-alarms-aurora-rpo-lag"), "actionsEnabled", false);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([`${ALARM} 'data-alarms-aurora-rpo-lag' (us-west-2): alarmActions is "disabled (actionsEnabled false)"; ${required("us-west-2")}`]);
    });

    it("flags an alarm notifying a topic of another region", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "edge-alarms-health-check-us-west-2"), "alarmActions", ["arn:aws:sns:us-west-2:123456789012:intelgraph-us-west-2-alerts"]);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `${ALARM} 'edge-alarms-health-check-us-west-2' (us-east-1): alarmActions is "1 action(s), none an SNS topic of us-east-1 under its key"; ${required("us-east-1")}`,
        ]);
    });

    it("flags a composite without actions, and the windows it alone read", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "burn-rate-ticket"), "alarmActions", []);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `${ALARM} 'burn-rate-ticket-long' (us-west-2): alarmActions is "not set"; ${required("us-west-2")}`,
            `${ALARM} 'burn-rate-ticket-short' (us-west-2): alarmActions is "not set"; ${required("us-west-2")}`,
            `aws:cloudwatch/compositeAlarm:CompositeAlarm 'burn-rate-ticket' (us-west-2): alarmActions is "not set"; ${required("us-west-2")}`,
        ]);
    });
});

describe(`${RULE} in the interconnect`, () => {
    it("accepts the primary's alert topic read through its StackReference, and refuses any other topic ARN", async () => {
        const resources = await stackResources("interconnect-us");
        expect(await messages(resources, "interconnect-us", RULE)).toEqual([]);
        setProp(byName(resources, "neo4j-backup-replication-alarms-failed-us-east-1"), "alarmActions", ["arn:aws:sns:us-west-2:123456789012:someone-elses-topic"]);
        expect(await messages(resources, "interconnect-us", RULE)).toEqual([
            `${ALARM} 'neo4j-backup-replication-alarms-failed-us-east-1' (us-west-2): alarmActions is "1 action(s), none an SNS topic of us-west-2 under its key"; ${required("us-west-2")}`,
        ]);
    });
});
