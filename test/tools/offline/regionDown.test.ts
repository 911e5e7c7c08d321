/** `npm run plan -- --region-down <region>`: which stacks can still be updated while a region is lost, and what stops the others. */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { mustGet, plan } from "../../helpers/plan";

let westDown: Map<string, PlannedStack>;
let eastDown: Map<string, PlannedStack>;
beforeAll(async () => {
    westDown = await plan({ regionDown: "us-west-2" });
    eastDown = await plan({ regionDown: "us-east-1" });
});

const down = (m: Map<string, PlannedStack>, stack: string) => {
    const d = mustGet(m, stack).regionDown;
    if (!d) throw new Error(`no regionDown for ${stack}`);
    return d;
};

describe("rehearsal: us-west-2 (the primary's region) is down", () => {
    it("us-east-1, the failover target, plans and can be updated: nothing it has goes through us-west-2", () => {
        expect(mustGet(westDown, "us-east-1").error).toBeUndefined();
        expect(down(westDown, "us-east-1")).toEqual({ region: "us-west-2", updatable: true, blocked: [] });
    });

    it("us-west-2 cannot be updated: every resource and invoke of it goes through us-west-2", () => {
        const d = down(westDown, "us-west-2");
        expect(d.updatable).toBe(false);
        const aws = mustGet(westDown, "us-west-2").resources.filter((r) => r.custom && !r.external && (r.type.startsWith("aws:") || r.type.startsWith("kubernetes:")));
        expect(d.blocked.filter((b) => b.kind === "resource").map((b) => b.what).sort()).toEqual(aws.map((r) => `${r.type}::${r.name}`).sort());
        expect(d.blocked.filter((b) => b.kind === "invoke").map((b) => b.what)).toEqual(["aws:index/getCallerIdentity:getCallerIdentity", "aws:index/getPartition:getPartition"]);
        expect(new Set(d.blocked.map((b) => `${b.reason}: ${b.detail}`))).toEqual(new Set(["region: goes through us-west-2"]));
    });

    it("the interconnect cannot be updated, for its us-west-2 side (accepter, primary-side routes and rules, replication)", () => {
        const d = down(westDown, "interconnect-us");
        expect(d.updatable).toBe(false);
        const names = d.blocked.map((b) => b.what.split("::").pop());
        expect(names).toEqual(expect.arrayContaining(["peering-us-east-1-accept", "peering-us-east-1-accepter-options", "peering-us-east-1-route-accepter-0", "peering-us-east-1-aurora-from-requester-0", "neo4j-backup-replication-config", "neo4j-backup-replication-role"]));
        expect(names).not.toContain("peering-us-east-1-request");
        // The probe us-west-2 runs against us-east-1 goes down with it; the one in us-east-1 (which alarms on this loss) does not.
        expect(names).toContain("probe-us-west-2-us-east-1-canary");
        expect(names).not.toContain("probe-us-east-1-us-west-2-canary");
        // 12 peering resources on the accepter side and 12 rules admitting the secondary to the graph NLBs, the
        // replication's configuration, role and policy, and its two alarms (they live with the source bucket), the
        // us-west-2 probe's 11 resources and the partition lookup.
        expect(d.blocked).toHaveLength(43);
    });
});

describe("rehearsal: us-east-1 is down (and with it the IAM and Route 53 control planes)", () => {
    it("us-west-2 stays updatable except for its IAM and Route 53 resources, each named", () => {
        const d = down(eastDown, "us-west-2");
        expect(d.updatable).toBe(true);
        const west = mustGet(eastDown, "us-west-2");
        const global = west.resources.filter((r) => r.type.startsWith("aws:iam/") || r.type.startsWith("aws:route53/"));
        expect(global.length).toBeGreaterThan(10);
        expect(d.blocked.map((b) => b.what).sort()).toEqual(global.map((r) => `${r.type}::${r.name}`).sort());
        expect(new Set(d.blocked.map((b) => b.detail))).toEqual(new Set(["IAM's control plane is in us-east-1", "Route 53's control plane is in us-east-1"]));
        expect(d.blocked.every((b) => b.reason === "control-plane")).toBe(true);
    });

    it("us-east-1 and the interconnect cannot be updated", () => {
        expect(down(eastDown, "us-east-1").updatable).toBe(false);
        expect(down(eastDown, "interconnect-us").updatable).toBe(false);
    });
});

describe("rehearsal: the report says it", () => {
    it("prints, per stack, whether it can be updated and what stops it", async () => {
        const { main } = await import("../../../tools/offline/plan");
        const { runCli } = await import("../../helpers/cli");
        const { PROJECT_DIR } = await import("../../helpers/plan");
        const { stdout } = await runCli(main, ["--region-down", "us-west-2"], PROJECT_DIR);
        expect(stdout).toContain("Region down us-west-2: this stack CAN be updated; nothing it has goes through the lost region");
        expect(stdout).toMatch(/Region down us-west-2: this stack can NOT be updated: \d+ of its calls go through us-west-2's providers/);
        expect(stdout).toMatch(/== interconnect-us [^\n]*\n(?:[^\n]*\n)*?Region down us-west-2: this stack can NOT be updated: 43 of its calls go through us-west-2's providers\n {2}through us-west-2: /);
    });
});
