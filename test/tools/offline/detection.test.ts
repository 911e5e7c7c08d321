import { describe, expect, it } from "vitest";
import { detectionSection } from "../../../tools/offline/detection";
import { buildReport } from "../../../tools/offline/report";
import { mustGet, plan } from "../../helpers/plan";

const report = async (stack: string) => buildReport([mustGet(await plan(), stack)], "test").stacks[0];

describe("the summary's alarm coverage per tier", () => {
    it("shows every tier of the secondary covered, health checks included (us-east-1 sees them)", async () => {
        expect(detectionSection(await report("us-east-1"))).toBe(
            [
                "Detection: 16 alarms, 2 composites; every tier covered",
                "  Aurora replication lag covered (1); Aurora RPO lag covered (1); Redis replication lag covered (1); API 5xx covered (5); API targets covered (1); certificate expiry covered (1); EKS node readiness covered (2); graph replication lag covered (1); burn-rate composites 2; Route 53 health checks covered (2)",
            ].join("\n"),
        );
    });

    it("names a tier whose alarm is missing", async () => {
        const s = await report("us-west-2");
        s.deployment.resources = s.deployment.resources.filter((r) => !r.urn.endsWith("::data-alarms-redis-replication-lag"));
        expect(detectionSection(s).split("\n")[0]).toBe("Detection: 13 alarms, 2 composites; 1 MISSING");
        expect(detectionSection(s)).toContain("Redis replication lag MISSING");
        s.deployment.resources = s.deployment.resources.filter((r) => !r.urn.endsWith("::node-alarms-failed") && !r.urn.endsWith("::node-alarms-count"));
        expect(detectionSection(s)).toContain("EKS node readiness MISSING");
        expect(detectionSection(s)).toContain("Route 53 health checks: not watchable here (metrics only in us-east-1)");
        s.deployment.resources = s.deployment.resources.filter((r) => !r.urn.endsWith("::graph-lag-alarm-alarm"));
        expect(detectionSection(s)).toContain("graph replication lag MISSING");
    });

    it("shows the interconnect's region probes and backup replication (the graph standby's freshness) covered", async () => {
        expect(detectionSection(await report("interconnect-us"))).toBe(["Detection: 4 alarms, 0 composites; every tier covered", "  region probes covered (2); graph backup replication covered (1)"].join("\n"));
    });
});
