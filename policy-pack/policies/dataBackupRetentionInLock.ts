import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { asNumber, backupResources, lockOf, rulesOf, vaultOfRule } from "../lib/backup";
import { subjectOf, violationMessage } from "../lib/message";
import { read, readPath } from "../lib/read";

const REMEDIATION = "Keep intelgraph:backup.retentionDays and continuousRetentionDays within intelgraph:backup.lock (a job outside the vault's lock bounds fails)";

interface Bounds {
    readonly min?: number;
    readonly max?: number;
    readonly vault: string;
}

function boundsOf(vault: PolicyResource | undefined, locks: readonly PolicyResource[]): Bounds | undefined {
    if (!vault) return undefined;
    const lock = lockOf(vault, locks);
    if (!lock) return undefined;
    return { min: asNumber(readPath(lock.props, ["minRetentionDays"])), max: asNumber(readPath(lock.props, ["maxRetentionDays"])), vault: String(read(() => vault.props.name) ?? vault.name) };
}

const outside = (days: number | undefined, b: Bounds) => (days === undefined ? b.max !== undefined : (b.min !== undefined && days < b.min) || (b.max !== undefined && days > b.max));
const describe = (b: Bounds) => `${b.min ?? 1} to ${b.max ?? "unbounded"} days (the lock of vault ${b.vault})`;

export const dataBackupRetentionInLock: StackValidationPolicy = {
    name: "intelgraph-data-backup-retention-in-lock",
    description:
        "Data protection: every backup rule's retention, and each copy's, is within the Vault Lock bounds of its vault; AWS Backup fails jobs outside them. A copy to a vault of another stack is checked against the source vault's bounds (the zone's vaults share one lock configuration).",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const { plans, vaults, locks } = backupResources(args.resources);
        if (!plans.length) {
            args.notApplicable("no AWS Backup plan in this stack");
            return;
        }
        for (const plan of plans) {
            rulesOf(plan).forEach((rule, i) => {
                const source = boundsOf(vaultOfRule(plan, rule, vaults), locks);
                const days = asNumber(rule.lifecycle?.deleteAfter);
                if (source && outside(days, source)) reportViolation(violationMessage(subjectOf(plan), `rules[${i}].lifecycle.deleteAfter`, days, describe(source), REMEDIATION), plan.urn);
                (rule.copyActions ?? []).forEach((copy, j) => {
                    const destinationVault = vaults.find((v) => read(() => v.props.arn) === copy?.destinationVaultArn);
                    const bounds = boundsOf(destinationVault, locks) ?? source;
                    const copyDays = asNumber(copy?.lifecycle?.deleteAfter);
                    if (bounds && outside(copyDays, bounds)) reportViolation(violationMessage(subjectOf(plan), `rules[${i}].copyActions[${j}].lifecycle.deleteAfter`, copyDays, describe(bounds), REMEDIATION), plan.urn);
                });
            });
        }
    },
};
