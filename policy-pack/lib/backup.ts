/** How a stack's AWS Backup resources relate (plans, their rules, selections, vaults and locks), known or not. */
import type { PolicyResource } from "@pulumi/policy";
import { isUnknown, read, readPath } from "./read";
import { ofType, referencedResource } from "./stack";

export const PLAN = "aws:backup/plan:Plan";
export const SELECTION = "aws:backup/selection:Selection";
export const VAULT = "aws:backup/vault:Vault";
export const LOCK = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";

export interface PlanRule {
    readonly ruleName?: unknown;
    readonly targetVaultName?: unknown;
    readonly lifecycle?: { readonly deleteAfter?: unknown };
    readonly copyActions?: readonly { readonly destinationVaultArn?: unknown; readonly lifecycle?: { readonly deleteAfter?: unknown } }[];
}

export function rulesOf(plan: { readonly props: Record<string, unknown> }): PlanRule[] {
    const rules = readPath(plan.props, ["rules"]);
    return Array.isArray(rules) ? (rules as PlanRule[]) : [];
}

/** The plan a selection belongs to (by id, else by property dependency). */
export function planOf(selection: PolicyResource, plans: readonly PolicyResource[]): PolicyResource | undefined {
    return referencedResource(selection, "planId", readPath(selection.props, ["planId"]), plans, ["id"]);
}

/** The vault a rule targets: by name, else through the plan's dependency on the only vault of the stack. */
export function vaultOfRule(plan: PolicyResource, rule: PlanRule, vaults: readonly PolicyResource[]): PolicyResource | undefined {
    const name = rule.targetVaultName;
    if (typeof name === "string" && !isUnknown(name)) return vaults.find((v) => read(() => v.props.name) === name);
    const deps = new Set(plan.propertyDependencies.rules ?? []);
    const depending = vaults.filter((v) => deps.has(v));
    return depending.length === 1 ? depending[0] : undefined;
}

/** The lock configuration of a vault (by name, else by property dependency). */
export function lockOf(vault: PolicyResource, locks: readonly PolicyResource[]): PolicyResource | undefined {
    return locks.find((l) => referencedResource(l, "backupVaultName", readPath(l.props, ["backupVaultName"]), [vault], ["name", "id"]) === vault);
}

export function backupResources(resources: readonly PolicyResource[]) {
    return { plans: ofType(resources, PLAN), selections: ofType(resources, SELECTION), vaults: ofType(resources, VAULT), locks: ofType(resources, LOCK) };
}

export const asNumber = (v: unknown): number | undefined => (typeof v === "number" ? v : undefined);
