import { describe, expect, it } from "vitest";
import budgets from "../../../policy-pack/data/recovery-times.json";
import { cronIntervalSeconds, resilienceModel } from "../../../policy-pack/lib/resilience";

describe("cronIntervalSeconds", () => {
    it.each([
        ["*/15 * * * *", 900],
        ["*/5 * * * *", 300],
        ["* * * * *", 60],
        ["7 * * * *", 3600],
        ["0 */6 * * *", 21600],
        ["30 2 * * *", 86400],
    ])("%s -> %d s", (cron, seconds) => {
        expect(cronIntervalSeconds(cron)).toBe(seconds);
    });
    it("does not guess unusual schedules", () => {
        expect(cronIntervalSeconds("0 2 * * 1")).toBeUndefined();
        expect(cronIntervalSeconds("every 5 minutes")).toBeUndefined();
    });
});

describe("RTO/RPO model", () => {
    const full = { healthCheck: { requestInterval: 10, failureThreshold: 3 }, graphBackupSeconds: 900, hasAurora: true, hasRedis: true, hasGraph: true };

    it("adds detection, decision and the slowest parallel recovery for the API tiers", () => {
        const m = resilienceModel(full);
        expect(m.detectionSeconds).toBe(90);
        expect(m.tiers.api).toMatchObject({ rtoSeconds: 90 + 300 + 360, rpoSeconds: 1 });
    });

    it("bounds the graph's RPO by the backup interval plus S3 replication", () => {
        expect(resilienceModel(full).tiers.graph).toMatchObject({ rtoSeconds: 90 + 300 + 1200, rpoSeconds: 900 + 900 });
        expect(resilienceModel({ ...full, graphBackupSeconds: 300 }).tiers.graph.rpoSeconds).toBe(1200);
    });

    it("takes the decision time from config (the seed's 300 s by default)", () => {
        expect(resilienceModel(full, 60).tiers.api.rtoSeconds).toBe(90 + 60 + 360);
        expect(resilienceModel(full, 60).tiers.api.basis).toContain("decision 60 s");
        expect(resilienceModel(full).tiers.api.rtoSeconds).toBe(90 + 300 + 360);
    });

    it("separates what automation takes from detection and decision, against the seed's stretch of 5 min for hot paths", () => {
        const m = resilienceModel(full, 0);
        expect(m).toMatchObject({ decisionSeconds: 0, stretchRtoSeconds: 300 });
        expect(m.tiers.api).toMatchObject({ automationSeconds: 360, rtoSeconds: 90 + 0 + 360 });
        expect(m.tiers.graph.automationSeconds).toBe(1200);
        expect(resilienceModel(full).decisionSeconds).toBe(budgets.decisionSeconds.value);
    });

    it("moves with the health check settings", () => {
        expect(resilienceModel({ ...full, healthCheck: { requestInterval: 30, failureThreshold: 10 } }).tiers.api.rtoSeconds).toBe(360 + 300 + 360);
    });

    it("names a source for every budget", () => {
        const m = resilienceModel(full);
        expect(Object.keys(m.sources).sort()).toEqual(Object.keys(budgets).filter((k) => k !== "date" && k !== "note").sort());
        for (const source of Object.values(m.sources)) expect(source.length).toBeGreaterThan(20);
    });
});
