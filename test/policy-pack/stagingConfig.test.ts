/** Staging's policy config differs from prod's only where policy-pack/config/README.md says it may. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_DIR } from "../helpers/plan";

const read = (stack: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy-pack", "config", `${stack}.json`), "utf8")) as Record<string, unknown>;

function differences(a: unknown, b: unknown, at = ""): string[] {
    if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a)) {
        const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
        return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], at ? `${at}.${k}` : k));
    }
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${at}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`];
}

describe("staging policy config", () => {
    it.each([
        ["us-west-2", 1900, 3],
        ["us-east-1", 1900, 1],
    ])("staging-%s relaxes only the general tier's N+1 sizes and the budget share", (stack, share, required) => {
        const prod = read(stack);
        expect(differences(prod, read(`staging-${stack}`))).toEqual([
            `intelgraph-capacity-node-groups.tiers.general.failover: 7 -> 3`,
            ...(required === 1 ? [] : [`intelgraph-capacity-node-groups.tiers.general.required: ${required} -> 1`]),
            `intelgraph-cost-budget.monthlyBudgetUsd: ${JSON.stringify((prod["intelgraph-cost-budget"] as { monthlyBudgetUsd: number }).monthlyBudgetUsd)} -> ${share}`,
            `intelgraph-cost-budget-warning.monthlyBudgetUsd: ${JSON.stringify((prod["intelgraph-cost-budget-warning"] as { monthlyBudgetUsd: number }).monthlyBudgetUsd)} -> ${share}`,
        ]);
    });

    it("no staging share exceeds the environment's cap, which npm run plan enforces over all of them", () => {
        const env = (JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "policy-pack", "config", "environments.json"), "utf8")) as { environments: Record<string, { monthlyBudgetUsd: number }> }).environments;
        const shares = ["staging-us-west-2", "staging-us-east-1", "staging-interconnect-us"].map((s) => (read(s)["intelgraph-cost-budget"] as { monthlyBudgetUsd: number }).monthlyBudgetUsd);
        for (const s of shares) expect(s).toBeLessThanOrEqual(env.staging.monthlyBudgetUsd);
    });
});
