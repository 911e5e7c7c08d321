import type { StackValidationPolicy } from "@pulumi/policy";
import { RESIDENCY_TAG_KEYS } from "../contracts/residency";
import { backupResources, lockOf } from "../lib/backup";
import { subjectOf, violationMessage } from "../lib/message";
import { isUnknown, readPath } from "../lib/read";
import { effectiveTags } from "../lib/resources";

const REQUIRED = "a Vault Lock in compliance mode (aws:backup/vaultLockConfiguration:VaultLockConfiguration with changeableForDays of at least 3)";
const REMEDIATION = "Set intelgraph:backup.lock.mode to compliance with changeableForDays (BackupVault creates the lock)";

export const dataVaultLockInProd: StackValidationPolicy = {
    name: "intelgraph-data-vault-lock-in-prod",
    description: "Data protection: every AWS Backup vault of a prod stack has a compliance-mode Vault Lock, so no one deletes or shortens a recovery point once the grace period has passed.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const { vaults, locks } = backupResources(args.resources);
        const prod = vaults.filter((v) => {
            const tags = effectiveTags(v);
            return !isUnknown(tags) && tags?.[RESIDENCY_TAG_KEYS.environment] === "prod";
        });
        if (!prod.length) {
            args.notApplicable("no backup vault of a prod stack");
            return;
        }
        for (const vault of prod) {
            const lock = lockOf(vault, locks);
            const days = lock ? readPath(lock.props, ["changeableForDays"]) : undefined;
            if (lock && (isUnknown(days) || (typeof days === "number" && days >= 3))) continue;
            const observed = !lock ? "none" : days === undefined ? "governance (no changeableForDays)" : `changeableForDays ${String(days)}`;
            reportViolation(violationMessage(subjectOf(vault), "Vault Lock", observed, REQUIRED, REMEDIATION), vault.urn);
        }
    },
};
