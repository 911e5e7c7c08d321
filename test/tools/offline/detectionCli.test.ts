/**
 * The acceptance of detection, end to end through the command line: removing any one required alarm, its action,
 * or a burn-rate composite from a planned stack makes the policy run exit 1 naming the detection rule, under the
 * report's "Detection" control.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli";
import { PROJECT_DIR } from "../../helpers/plan";
import { type Resources, byName, setProp, stackResources } from "../../helpers/policy";

async function policyCli(stack: string, resources: Resources) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-detect-")), "input.json");
    fs.writeFileSync(file, JSON.stringify({ version: 1, stacks: [{ stack, deployment: { resources } }] }));
    const { main } = await import("../../../tools/offline/policyCli");
    return runCli(main, [file, "--stack", stack, "--config", path.join(PROJECT_DIR, "policy-pack", "config", `${stack}.json`)], PROJECT_DIR);
}

const without = (resources: Resources, name: string) => resources.filter((r) => !r.urn.endsWith(`::${name}`));

describe("npm run policy on a stack missing part of its detection", () => {
    it.each([
        ["us-east-1", "data-alarms-aurora-replication-lag", "intelgraph-detect-replication-lag-alarms"],
        ["us-east-1", "data-alarms-redis-replication-lag", "intelgraph-detect-replication-lag-alarms"],
        ["us-west-2", "edge-alarms-api-5xx-rate", "intelgraph-detect-entrypoint-alarms"],
        ["us-west-2", "burn-rate-page", "intelgraph-detect-entrypoint-alarms"],
        ["us-west-2", "burn-rate-ticket", "intelgraph-detect-entrypoint-alarms"],
        ["interconnect-us", "neo4j-backup-replication-alarms-latency-us-east-1", "intelgraph-detect-replication-lag-alarms"],
    ])("%s without %s: exit 1, %s named", async (stack, name, rule) => {
        const { code, stdout } = await policyCli(stack, without(await stackResources(stack), name));
        expect(code).toBe(1);
        expect(stdout).toContain("  Detection");
        expect(stdout).toContain(`[mandatory] ${rule}: `);
    });

    it.each([
        ["us-east-1", "edge-alarms-health-check-us-west-2"],
        ["us-west-2", "edge-alarms-api-certificate-expiry"],
        ["us-west-2", "edge-alarms-api-unhealthy-targets"],
    ])("%s with %s's action removed: exit 1, intelgraph-detect-alarm-actions named", async (stack, name) => {
        const resources = await stackResources(stack);
        setProp(byName(resources, name), "alarmActions", []);
        const { code, stdout } = await policyCli(stack, resources);
        expect(code).toBe(1);
        expect(stdout).toContain(`[mandatory] intelgraph-detect-alarm-actions: aws:cloudwatch/metricAlarm:MetricAlarm '${name}'`);
    });
});
