import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-kms-key-hygiene";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-west-2"), "us-west-2", RULE)).toEqual([]);
    });

    it("flags a key without rotation, a multi-region key and a short deletion window", async () => {
        const resources = await stackResources("us-east-1");
        const key = byName(resources, "kms-key");
        setProp(key, "enableKeyRotation", false);
        setProp(key, "multiRegion", true);
        setProp(key, "deletionWindowInDays", 7);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:kms/key:Key 'kms-key' (us-east-1): enableKeyRotation is false; required: true. Turn on automatic key rotation.",
            "aws:kms/key:Key 'kms-key' (us-east-1): multiRegion is true; required: false or unset. Use a single-region key per region.",
            "aws:kms/key:Key 'kms-key' (us-east-1): deletionWindowInDays is 7; required: at least 30. Set deletionWindowInDays so a scheduled deletion can be cancelled in time.",
        ]);
    });
});
