import { describe, expect, it } from "vitest";
import type { WireProps } from "../../../tools/offline/wire";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-data-backup-retention-in-lock";
const FIX = "Keep intelgraph:backup.retentionDays and continuousRetentionDays within intelgraph:backup.lock (a job outside the vault's lock bounds fails).";

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-west-2", true],
        ["us-east-1", false],
        ["us-east-1", true],
    ] as const)("passes the planned stack %s (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it.each([false, true])("blocks a rule and a copy whose retention is past the lock's maximum (preview %s)", async (preview) => {
        const resources = await stackResources("us-west-2", preview);
        const daily = byName(resources, "backup-plan-daily");
        const rules = structuredClone((daily.inputs ?? {}).rules) as { copyActions: WireProps[] }[];
        setProp(daily, "rules", rules.map((r) => ({ ...r, lifecycle: { deleteAfter: 500 }, copyActions: r.copyActions.map((c) => ({ ...c, lifecycle: { deleteAfter: 3 } })) })) as WireProps[]);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `aws:backup/plan:Plan 'backup-plan-daily' (us-west-2): rules[0].lifecycle.deleteAfter is 500; required: 7 to 400 days (the lock of vault intelgraph-us-west-2). ${FIX}`,
            `aws:backup/plan:Plan 'backup-plan-daily' (us-west-2): rules[0].copyActions[0].lifecycle.deleteAfter is 3; required: 7 to 400 days (the lock of vault intelgraph-us-west-2). ${FIX}`,
        ]);
    });
});
