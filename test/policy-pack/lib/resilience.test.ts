import { describe, expect, it } from "vitest";
import budgets from "../../../policy-pack/data/recovery-times.json";
import { graphPromotionSeconds, resilienceInputs, resilienceModel } from "../../../policy-pack/lib/resilience";

describe("RTO/RPO model", () => {
    const full = { healthCheck: { requestInterval: 10, failureThreshold: 3 }, graphLag: { boundSeconds: 30, detectionSeconds: 30 }, hasAurora: true, hasRedis: true, hasGraph: true };

    it("adds detection, decision and the slowest parallel recovery for the API tiers", () => {
        const m = resilienceModel(full);
        expect(m.detectionSeconds).toBe(90);
        expect(m.tiers.api).toMatchObject({ rtoSeconds: 90 + 300 + 360, rpoSeconds: 1 });
    });

    it("bounds the graph's RPO by the secondaries' lag bound plus its detection, its RTO by detection, decision and the promotion's phases", () => {
        expect(resilienceModel(full).tiers.graph).toMatchObject({ rtoSeconds: 90 + 300 + 460, rpoSeconds: 30 + 30 });
        expect(resilienceModel(full).tiers.graph.basis).toContain("restart-promoted 120");
        // A looser lag bound moves the RPO; a slower promotion step (a drill's measurement) moves the RTO.
        expect(resilienceModel({ ...full, graphLag: { boundSeconds: 120, detectionSeconds: 30 } }).tiers.graph.rpoSeconds).toBe(150);
        const slowRestart = { ...budgets, neo4jPromotionSteps: { ...budgets.neo4jPromotionSteps, restart: { ...budgets.neo4jPromotionSteps.restart, value: 300 } } };
        expect(graphPromotionSeconds(slowRestart)).toBe(640);
        expect(resilienceModel(full, undefined, slowRestart).tiers.graph.rtoSeconds).toBe(90 + 300 + 640);
        expect(resilienceModel({ ...full, graphLag: undefined }).tiers.graph.rpoSeconds).toBe(Number.POSITIVE_INFINITY);
    });

    it("reads the lag bound from the graph's replication ConfigMap", () => {
        const map = { type: "kubernetes:core/v1:ConfigMap", props: { metadata: { name: "intelgraph-graph-replication" }, data: { lagBoundSeconds: "45", lagDetectionSeconds: "15" } } };
        expect(resilienceInputs([map]).graphLag).toEqual({ boundSeconds: 45, detectionSeconds: 15 });
        expect(resilienceInputs([{ ...map, props: { ...map.props, metadata: { name: "other" } } }]).graphLag).toBeUndefined();
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
        // The graph's automation is the secondaries' promotion to write availability (components/graph/promotion.ts).
        expect(m.tiers.graph.automationSeconds).toBe(460);
        expect(resilienceModel(full).decisionSeconds).toBe(budgets.decisionSeconds.value);
    });

    it("moves with the health check settings", () => {
        expect(resilienceModel({ ...full, healthCheck: { requestInterval: 30, failureThreshold: 10 } }).tiers.api.rtoSeconds).toBe(360 + 300 + 360);
    });

    it("names a source for every budget", () => {
        const m = resilienceModel(full);
        expect(Object.keys(m.sources).sort()).toEqual(
            [...Object.keys(budgets).filter((k) => !["date", "note", "neo4jPromotionSteps"].includes(k)), ...Object.keys(budgets.neo4jPromotionSteps).map((k) => `neo4jPromotionSteps.${k}`)].sort(),
        );
        for (const source of Object.values(m.sources)) expect(source.length).toBeGreaterThan(20);
    });
});
