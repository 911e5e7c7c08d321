/**
 * The environment's budget over all its stacks: the seeds cap each environment's monthly infrastructure
 * (policy-pack/config/environments.json), not each stack, so three stacks each under their share can still
 * overrun it. No single `pulumi preview` sees the other stacks; the plan report does.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { StackReport } from "./report";

export interface EnvironmentBudget {
    readonly environment: string;
    readonly stacks: readonly string[];
    readonly monthlyUsd: number;
    readonly budgetUsd: number;
    readonly warnAtPercent: number;
    /** ok, advisory (at or past warnAtPercent of the cap), mandatory (past the cap). */
    readonly verdict: "ok" | "advisory" | "mandatory";
}

interface EnvironmentsFile {
    readonly warnAtPercent: number;
    readonly environments: Readonly<Record<string, { readonly monthlyBudgetUsd: number }>>;
}

export const ENVIRONMENTS_FILE = path.join("policy-pack", "config", "environments.json");

export function loadEnvironments(projectDir: string): EnvironmentsFile {
    const file = path.join(projectDir, ENVIRONMENTS_FILE);
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<EnvironmentsFile>;
    const envs = parsed.environments ?? {};
    const bad = Object.entries(envs).filter(([, v]) => typeof v?.monthlyBudgetUsd !== "number" || v.monthlyBudgetUsd < 0);
    if (typeof parsed.warnAtPercent !== "number" || parsed.warnAtPercent <= 0 || parsed.warnAtPercent > 100 || bad.length) {
        throw new Error(`${ENVIRONMENTS_FILE}: warnAtPercent must be a percentage in (0, 100] and every environment a monthlyBudgetUsd >= 0 (bad: ${bad.map(([k]) => k).join(", ") || "warnAtPercent"})`);
    }
    return { warnAtPercent: parsed.warnAtPercent, environments: envs };
}

/** Totals per environment of the planned stacks' estimates; an environment without a cap is an error. */
export function environmentBudgets(stacks: readonly StackReport[], environmentOf: ReadonlyMap<string, string>, file: EnvironmentsFile): EnvironmentBudget[] {
    const byEnv = new Map<string, StackReport[]>();
    for (const s of stacks) {
        const env = environmentOf.get(s.stack);
        if (env === undefined || !s.cost) continue;
        byEnv.set(env, [...(byEnv.get(env) ?? []), s]);
    }
    return [...byEnv.entries()].map(([environment, set]) => {
        const cap = file.environments[environment];
        if (!cap) throw new Error(`${ENVIRONMENTS_FILE}: no monthlyBudgetUsd for environment "${environment}" (stacks ${set.map((s) => s.stack).join(", ")})`);
        const monthlyUsd = Math.round(set.reduce((n, s) => n + (s.cost?.monthlyUsd ?? 0), 0) * 100) / 100;
        const verdict = monthlyUsd > cap.monthlyBudgetUsd ? "mandatory" : monthlyUsd >= (cap.monthlyBudgetUsd * file.warnAtPercent) / 100 ? "advisory" : "ok";
        return { environment, stacks: set.map((s) => s.stack), monthlyUsd, budgetUsd: cap.monthlyBudgetUsd, warnAtPercent: file.warnAtPercent, verdict };
    });
}
