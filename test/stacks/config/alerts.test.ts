import { describe, expect, it } from "vitest";
import { SEED_ALERT_DEFAULTS } from "../../../stacks/config/alerts";
import { parseStackConfig } from "../../../stacks/config/schema";
import { loadProject, loadStackFile } from "../../../tools/offline/project";
import { problemsOf } from "../../helpers/config";
import { PROJECT_DIR } from "../../helpers/plan";

const project = loadProject(PROJECT_DIR);
const config = (stack: string) => ({ ...loadStackFile(project, stack).config });
const withAlerts = (stack: string, alerts: unknown) => () => parseStackConfig(stack, { ...config(stack), "intelgraph:alerts": JSON.stringify(alerts) });
const email = { protocol: "email", endpoint: "oncall@example.com" };

describe("intelgraph:alerts", () => {
    it("takes the seed's thresholds when the stack file sets only the subscriptions", () => {
        for (const stack of ["us-west-2", "us-east-1"]) {
            expect(parseStackConfig(stack, config(stack)).alerts).toEqual({
                subscriptions: [{ protocol: "email", endpoint: "platform-oncall@intelgraph.example.com" }],
                replicationLagSeconds: 30,
                redisLagSeconds: 20,
                errorRatePercent: 2,
                certificateExpiryDays: 15,
                availabilitySloPercent: 99.95,
                nodeNotReadyMinutes: 5,
                graphLagTransactions: 1000,
            });
        }
        expect(SEED_ALERT_DEFAULTS).toEqual({ replicationLagSeconds: 30, redisLagSeconds: 20, errorRatePercent: 2, certificateExpiryDays: 15, availabilitySloPercent: 99.95, nodeNotReadyMinutes: 5, graphLagTransactions: 1000 });
    });

    it("is required: a stack without it has no one to notify", () => {
        const c = config("us-east-1");
        delete c["intelgraph:alerts"];
        expect(problemsOf(() => parseStackConfig("us-east-1", c))).toEqual([
            { file: "Pulumi.us-east-1.yaml", key: "intelgraph:alerts", value: undefined, allowed: "an object { subscriptions, replicationLagSeconds?, redisLagSeconds?, errorRatePercent?, certificateExpiryDays?, availabilitySloPercent?, nodeNotReadyMinutes?, graphLagTransactions? }" },
        ]);
    });

    it.each([
        ["no subscription", { subscriptions: [] }, "intelgraph:alerts.subscriptions", [], "at least one subscription (an alarm nobody receives detects nothing)"],
        ["an unknown protocol", { subscriptions: [{ protocol: "slack", endpoint: "https://hooks.example.com/x" }] }, "intelgraph:alerts.subscriptions.0.protocol", "slack", "one of email, email-json, https, sms"],
        ["an http webhook", { subscriptions: [{ protocol: "https", endpoint: "http://pager.example.com/hook" }] }, "intelgraph:alerts.subscriptions.0.endpoint", "http://pager.example.com/hook", "an https:// URL for protocol https"],
        ["a lag looser than the RPO", { subscriptions: [email], replicationLagSeconds: 600 }, "intelgraph:alerts.replicationLagSeconds", 600, "seconds of Aurora global replication/RPO lag from 1 to 300"],
        ["a graph lag of no transactions", { subscriptions: [email], graphLagTransactions: 0 }, "intelgraph:alerts.graphLagTransactions", 0, "whole transactions a Neo4j secondary may be behind before an alarm from 1 to 1000000"],
        ["a fractional graph lag", { subscriptions: [email], graphLagTransactions: 2.5 }, "intelgraph:alerts.graphLagTransactions", 2.5, "whole transactions a Neo4j secondary may be behind before an alarm, from 1 to 1000000"],
        ["an SLO below 99 %", { subscriptions: [email], availabilitySloPercent: 95 }, "intelgraph:alerts.availabilitySloPercent", 95, "percent availability objective of the API from 99 to 99.999"],
    ])("refuses %s, naming the file, the key and what is allowed", (_, alerts, key, value, allowed) => {
        expect(problemsOf(withAlerts("us-west-2", alerts))).toEqual([{ file: "Pulumi.us-west-2.yaml", key, value, allowed }]);
    });

    it("names a misspelt graph lag key with graphLagTransactions", () => {
        expect(problemsOf(withAlerts("us-east-1", { subscriptions: [email], graphLagTransaction: 10 }))).toEqual([
            {
                file: "Pulumi.us-east-1.yaml",
                key: "intelgraph:alerts.graphLagTransaction",
                value: 10,
                allowed: "no such key in intelgraph:alerts; its keys are subscriptions, replicationLagSeconds, redisLagSeconds, errorRatePercent, certificateExpiryDays, availabilitySloPercent, nodeNotReadyMinutes, graphLagTransactions (did you mean graphLagTransactions?)",
            },
        ]);
    });

    it("names an unknown key with the closest known one", () => {
        expect(problemsOf(withAlerts("us-west-2", { subscriptions: [email], redisLagSecond: 10 }))).toEqual([
            {
                file: "Pulumi.us-west-2.yaml",
                key: "intelgraph:alerts.redisLagSecond",
                value: 10,
                allowed: "no such key in intelgraph:alerts; its keys are subscriptions, replicationLagSeconds, redisLagSeconds, errorRatePercent, certificateExpiryDays, availabilitySloPercent, nodeNotReadyMinutes, graphLagTransactions (did you mean redisLagSeconds?)",
            },
        ]);
    });
});
