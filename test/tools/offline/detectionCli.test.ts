/**
 * The detection rules through the real command lines: a stack set that loses a required alarm, its action or
 * a budget's 80 % notification fails `npm run plan` / `npm run policy` (exit 1), naming the rule.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli";
import { PROJECT_DIR } from "../../helpers/plan";
import { byName, setProp, stackResources } from "../../helpers/policy";
import { projectCopy } from "../../helpers/project";

async function policyOn(stack: string, resources: unknown[]) {
    const { main } = await import("../../../tools/offline/policyCli");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-detect-")), "input.json");
    fs.writeFileSync(file, JSON.stringify({ version: 1, stacks: [{ stack, deployment: { resources } }] }));
    return runCli(main, [file], PROJECT_DIR);
}

describe("detection through the command lines", () => {
    it("npm run plan exits 1 naming intelgraph-detect-budget-notifications when the billing stack warns only at 95 %", async () => {
        const { main } = await import("../../../tools/offline/plan");
        const dir = projectCopy((f, text) => (f === "Pulumi.billing.yaml" ? text.replace("warnAtPercent: 80", "warnAtPercent: 95") : text));
        const { code, stdout } = await runCli(main, ["--stack", "billing"], dir);
        expect(code).toBe(1);
        expect(stdout).toMatch(/\[mandatory\] intelgraph-detect-budget-notifications: aws:budgets\/budget:Budget '[^']+' \(us-east-1\): /);
    });

    it("npm run policy exits 1 naming intelgraph-detect-node-and-probe-alarms when a region's node alarms are gone", async () => {
        const resources = (await stackResources("us-east-1")).filter((r) => !/::node-alarms-(failed|count)$/.test(r.urn));
        const { code, stdout } = await policyOn("us-east-1", resources);
        expect(code).toBe(1);
        expect(stdout).toContain("[mandatory] intelgraph-detect-node-and-probe-alarms: aws:eks/cluster:Cluster 'eks-cluster' (us-east-1): node-readiness alarm is not set;");
    });

    it("npm run policy exits 1 naming intelgraph-detect-node-and-probe-alarms when the probe of us-east-1 notifies nobody", async () => {
        const resources = await stackResources("interconnect-us");
        setProp(byName(resources, "probe-us-west-2-us-east-1-alarm"), "alarmActions", []);
        const { code, stdout } = await policyOn("interconnect-us", resources);
        expect(code).toBe(1);
        expect(stdout).toContain("[mandatory] intelgraph-detect-node-and-probe-alarms: aws:synthetics/canary:Canary 'probe-us-west-2-us-east-1-canary' (us-west-2): alarmActions of probe alarm");
    });
});
