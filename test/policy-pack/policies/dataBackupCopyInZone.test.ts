import { describe, expect, it } from "vitest";
import type { WireProps } from "../../../tools/offline/wire";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-data-backup-copy-in-zone";

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-west-2", true],
        ["us-east-1", false],
        ["us-east-1", true],
    ] as const)("passes the planned stack %s (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("blocks a copy to a vault of another zone", async () => {
        const resources = await stackResources("us-west-2");
        const daily = byName(resources, "backup-plan-daily");
        const rules = structuredClone((daily.inputs ?? {}).rules) as { copyActions: WireProps[] }[];
        const foreign = "arn:aws:backup:eu-west-1:123456789012:backup-vault:intelgraph-eu-west-1";
        setProp(daily, "rules", rules.map((r) => ({ ...r, copyActions: r.copyActions.map((c) => ({ ...c, destinationVaultArn: foreign })) })) as WireProps[]);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `aws:backup/plan:Plan 'backup-plan-daily' (us-west-2): rules[0].copyActions[0].destinationVaultArn is "${foreign}"; required: a vault in zone us (us-east-1, us-east-2, us-west-1, us-west-2); this one is in eu-west-1 (zone eu). Copy only to the vault of another region of the same residency zone (intelgraph:backup.copyToVaultArn).`,
        ]);
    });
});
