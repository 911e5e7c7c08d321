import { describe, expect, it } from "vitest";
import { BurnRateAlarms, burnThreshold } from "../../../components/monitoring/BurnRateAlarms";
import { EdgeAlarms } from "../../../components/monitoring/EdgeAlarms";
import { NotificationTopic } from "../../../components/monitoring/NotificationTopic";
import { redisMemberClusterIds } from "../../../components/monitoring/DataTierAlarms";
import { expectRefused, planComponent } from "../../helpers/component";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";

describe("monitoring components refuse bad arguments before creating anything", () => {
    it("NotificationTopic: no subscription, a bad topic name", async () => {
        const plan = await planComponent(({ onRegion }) => new NotificationTopic("alerts", { topicName: "bad name", kmsKeyArn: "k", accountId: "123456789012", partition: "aws", subscriptions: [] }, onRegion));
        expectRefused(plan, NotificationTopic, `NotificationTopic 'alerts': topicName must be 1-256 letters, digits, hyphens or underscores, got "bad name"; subscriptions must name at least one endpoint: an alarm nobody receives detects nothing`);
    });

    it("BurnRateAlarms: an SLO whose page threshold could never fire", async () => {
        const plan = await planComponent(({ onRegion }) => new BurnRateAlarms("burn", { namePrefix: "p", topicArn: TOPIC, loadBalancerArnSuffix: "app/x/y", availabilitySloPercent: 90 }, onRegion));
        expectRefused(plan, BurnRateAlarms, "BurnRateAlarms 'burn': availabilitySloPercent must be above 93.1 and below 100 (14.4x its error budget must be a ratio under 1), got 90");
    });

    it("EdgeAlarms: one region's health check twice", async () => {
        const check = { region: "us-east-1", healthCheckId: "abc" };
        const plan = await planComponent(({ onRegion }) =>
            new EdgeAlarms("edge", { namePrefix: "p", topicArn: TOPIC, loadBalancerArnSuffix: "app/x/y", targetGroupArnSuffix: "targetgroup/x/y", certificateArn: "c", errorRatePercent: 2, certificateExpiryDays: 15, healthChecks: [check, check] }, onRegion),
        );
        expectRefused(plan, EdgeAlarms, "EdgeAlarms 'edge': healthChecks must name each region once, got us-east-1, us-east-1");
    });
});

describe("pure helpers", () => {
    it("burn thresholds are burn rate x error budget", () => {
        expect(burnThreshold(99.95, 14.4)).toBe(0.0072);
        expect(burnThreshold(99.95, 6)).toBe(0.003);
        expect(burnThreshold(99.9, 14.4)).toBe(0.0144);
    });

    it("a cluster-mode-disabled group's member clusters are <group>-001, -002, ...", () => {
        expect(redisMemberClusterIds("intelgraph-us-east-1", 3)).toEqual(["intelgraph-us-east-1-001", "intelgraph-us-east-1-002", "intelgraph-us-east-1-003"]);
    });
});
