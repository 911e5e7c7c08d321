import { describe, expect, it } from "vitest";
import { byName, evaluate, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-data-vault-lock-in-prod";
const REQUIRED =
    "required: a Vault Lock in compliance mode (aws:backup/vaultLockConfiguration:VaultLockConfiguration with changeableForDays of at least 3). " +
    "Set intelgraph:backup.lock.mode to compliance with changeableForDays (BackupVault creates the lock).";
const violation = (region: string, observed: string) => `aws:backup/vault:Vault 'backup-vault-vault' (${region}): Vault Lock is ${JSON.stringify(observed)}; ${REQUIRED}`;

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-west-2", true],
        ["us-east-1", false],
        ["us-east-1", true],
    ] as const)("passes the planned stack %s (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it.each([false, true])("blocks a prod vault without a lock (preview %s)", async (preview) => {
        const resources = (await stackResources("us-west-2", preview)).filter((r) => r.type !== "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
        expect(await messages(resources, "us-west-2", RULE)).toEqual([violation("us-west-2", "none")]);
    });

    it("blocks a governance lock in prod", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "backup-vault-lock"), "changeableForDays", undefined);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([violation("us-east-1", "governance (no changeableForDays)")]);
    });

    it("is not applicable outside prod", async () => {
        const resources = await stackResources("interconnect-us");
        expect((await evaluate(resources, "interconnect-us", RULE)).summary.notApplicable).toEqual([{ policy: RULE, reason: "no backup vault of a prod stack" }]);
    });
});
