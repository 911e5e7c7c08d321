import { beforeAll, describe, expect, it } from "vitest";
import { RegionalKms, type RegionalKmsArgs } from "../../../components/kms/RegionalKms";
import type { PlannedStack } from "../../../tools/offline/engine";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each(["us-west-2", "us-east-1"])("RegionalKms in %s", (region) => {
    const key = () => one(mustGet(stacks, region), "aws:kms/key:Key");

    it("is a customer-managed symmetric key with rotation on and a 30-day deletion window", () => {
        expect(inputsOf(key())).toMatchObject({
            enableKeyRotation: true,
            rotationPeriodInDays: 365,
            deletionWindowInDays: 30,
            keyUsage: "ENCRYPT_DECRYPT",
            customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        });
    });

    it("is never multi-region (key material must not leave the region)", () => {
        expect(inputsOf(key()).multiRegion).toBe(false);
    });

    it("is protected against deletion by pulumi", () => {
        expect(key().protect).toBe(true);
    });

    it("is created by the stack region's provider and has its region's ARN", () => {
        const s = mustGet(stacks, region);
        expect(providerRegion(s, key())).toBe(region);
        expect(outputsOf(key()).arn).toMatch(new RegExp(`^arn:aws:kms:${region}:\\d{12}:key/`));
    });

    it("carries a key policy scoped to the region's services", () => {
        const policy = JSON.parse(inputsOf(key()).policy as string) as { Statement: { Sid: string; Principal: { Service?: string } }[] };
        expect(policy.Statement.map((s) => s.Sid)).toEqual([
            "AccountAdministration",
            "CloudWatchLogsEncryption",
            "AutoScalingEbsUse",
            "AutoScalingEbsGrants",
            "NotificationPublishers",
            "AccountUseThroughRegionalServices",
        ]);
        expect(policy.Statement[1].Principal.Service).toBe(`logs.${region}.amazonaws.com`);
    });

    it("names no IAM principal a fresh account may lack: only the account root and '*' under conditions", () => {
        const s = mustGet(stacks, region);
        const account = /^arn:aws:kms:[^:]+:(\d{12}):/.exec(String(outputsOf(key()).arn))?.[1];
        const policy = JSON.parse(inputsOf(key()).policy as string) as { Statement: { Sid: string; Principal: { AWS?: string }; Condition?: Record<string, Record<string, unknown>> }[] };
        for (const st of policy.Statement) {
            if (st.Principal.AWS === undefined) continue;
            // A role ARN here would make CreateKey fail with MalformedPolicyDocumentException until the role exists.
            expect([`arn:aws:iam::${account}:root`, "*"], `${s.stack} ${st.Sid}`).toContain(st.Principal.AWS);
            if (st.Principal.AWS === "*") expect(st.Condition?.StringEquals, `${s.stack} ${st.Sid}`).toMatchObject({ "kms:CallerAccount": account, "aws:PrincipalArn": expect.any(String) });
        }
    });

    it("has an alias naming the region", () => {
        const alias = one(mustGet(stacks, region), "aws:kms/alias:Alias");
        expect(inputsOf(alias).name).toBe(`alias/intelgraph-${region}`);
        expect(alias.propertyDependencies.targetKeyId).toEqual([key().urn]);
    });
});

describe("RegionalKms with its own args", () => {
    const args = { region: "eu-west-1", accountId: "210987654321", partition: "aws", alias: "reports-eu-west-1" };
    const build = (over: Partial<RegionalKmsArgs> = {}) => planComponent(({ onRegion }) => new RegionalKms("kms", { ...args, ...over }, onRegion), { region: "eu-west-1" });

    it("creates a protected key in the args' region with the given deletion window, and its alias", async () => {
        const p = await build({ deletionWindowInDays: 7 });
        expect(p.error).toBeUndefined();
        const key = p.one("aws:kms/key:Key", "kms-key");
        expect(key.protect).toBe(true);
        expect(p.regionOf(key)).toBe("eu-west-1");
        expect(p.inputs("aws:kms/key:Key")).toMatchObject({ deletionWindowInDays: 7, enableKeyRotation: true, multiRegion: false, description: "IntelGraph regional key for eu-west-1", tags: { Name: "reports-eu-west-1" } });
        const policy = JSON.parse(p.inputs("aws:kms/key:Key").policy as string) as { Statement: { Sid: string; Principal: { AWS?: string; Service?: string } }[] };
        expect(policy.Statement[0].Principal.AWS).toBe("arn:aws:iam::210987654321:root");
        expect(policy.Statement[1].Principal.Service).toBe("logs.eu-west-1.amazonaws.com");
        const alias = p.one("aws:kms/alias:Alias", "kms-alias");
        expect(p.inputs("aws:kms/alias:Alias")).toMatchObject({ name: "alias/reports-eu-west-1", targetKeyId: p.outputs("aws:kms/key:Key").keyId });
        expect(alias.propertyDependencies.targetKeyId).toEqual([key.urn]);
        expect(alias.protect).toBe(false);
    });

    it("defaults to the longest deletion window, 30 days", async () => {
        expect((await build()).inputs("aws:kms/key:Key").deletionWindowInDays).toBe(30);
    });

    it.each([6, 31, 7.5])("refuses a deletion window of %s days before creating anything", async (days) => {
        expectRefused(await build({ deletionWindowInDays: days }), RegionalKms, `RegionalKms 'kms': deletionWindowInDays must be a whole number of days from 7 to 30, got ${days}`);
    });

    it("refuses an alias given with its alias/ prefix", async () => {
        expectRefused(
            await build({ alias: "alias/reports" }),
            RegionalKms,
            `RegionalKms 'kms': alias must be the name without the "alias/" prefix (letters, digits, "/", "_", "-"; not "aws/..."), got "alias/reports"`,
        );
    });

    it("refuses a region that is not one, listing every problem at once", async () => {
        expectRefused(
            await build({ region: "", deletionWindowInDays: 0 }),
            RegionalKms,
            `RegionalKms 'kms': deletionWindowInDays must be a whole number of days from 7 to 30, got 0; region must be an AWS region such as us-west-2 (the key policy scopes services to it), got ""`,
        );
    });
});
