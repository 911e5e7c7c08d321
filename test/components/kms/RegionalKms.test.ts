import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
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
