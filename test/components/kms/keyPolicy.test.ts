import { describe, expect, it } from "vitest";
import { autoScalingServiceLinkedRoleArn, buildKeyPolicy } from "../../../components/kms/keyPolicy";
import { type KmsRequest, allowingStatements } from "../../helpers/keyPolicyEval";

const policy = buildKeyPolicy({ accountId: "111122223333", partition: "aws", region: "us-east-1" });
const statement = (sid: string) => {
    const s = policy.Statement.find((x) => x.Sid === sid);
    if (!s) throw new Error(`no statement ${sid}`);
    return s;
};

describe("regional key policy", () => {
    it("keeps the account root as administrator so the key can never be locked out", () => {
        expect(statement("AccountAdministration")).toMatchObject({ Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:*" });
    });

    it("lets CloudWatch Logs of this region use the key only for this account's log groups", () => {
        const s = statement("CloudWatchLogsEncryption");
        expect(s.Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
        expect(s.Condition).toEqual({ ArnLike: { "kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:us-east-1:111122223333:log-group:*" } });
    });

    describe("the EC2 Auto Scaling service-linked role (encrypted EBS of the managed node groups)", () => {
        const role = autoScalingServiceLinkedRoleArn("aws", "111122223333");
        // What the role does when it launches an instance with a CMK-encrypted volume (EC2 Auto Scaling User
        // Guide, "Required AWS KMS key policy for use with encrypted volumes"), through EC2 of this region.
        const launch = (action: string, extra: Partial<KmsRequest> = {}): KmsRequest => ({
            principalArn: role,
            principalAccount: "111122223333",
            // Its service-linked policy holds no permission on customer-managed keys.
            identityPolicyAllows: false,
            action,
            context: { "kms:ViaService": "ec2.us-east-1.amazonaws.com", "kms:GrantIsForAWSResource": true },
            ...extra,
        });

        it.each(["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey", "kms:CreateGrant"])(
            "is authorised for %s by the key policy alone",
            (action) => {
                expect(allowingStatements(policy, launch(action))).toEqual([action === "kms:CreateGrant" ? "AutoScalingEbsGrants" : "AutoScalingEbsUse"]);
            },
        );

        it("may create grants only for AWS resources", () => {
            expect(allowingStatements(policy, launch("kms:CreateGrant", { context: { "kms:ViaService": "ec2.us-east-1.amazonaws.com", "kms:GrantIsForAWSResource": false } }))).toEqual([]);
        });

        it("is not named as a principal (it may not exist yet in a fresh account, and KMS rejects unknown principals)", () => {
            const principals = policy.Statement.flatMap((s) => (s.Principal.AWS === undefined ? [] : [s.Principal.AWS]));
            expect(principals).not.toContain(role);
            expect(new Set(principals)).toEqual(new Set(["*", "arn:aws:iam::111122223333:root"]));
        });

        it("grants nothing to another role of the account, nor to the same role name in another account", () => {
            const other = { ...launch("kms:Decrypt"), principalArn: "arn:aws:iam::111122223333:role/somebody" };
            expect(allowingStatements(policy, other)).toEqual([]);
            const foreign = { ...launch("kms:Decrypt"), principalArn: autoScalingServiceLinkedRoleArn("aws", "444455556666"), principalAccount: "444455556666" };
            expect(allowingStatements(policy, foreign)).toEqual([]);
        });

        it("would not be authorised by an account-root statement with an aws:PrincipalArn condition (root only delegates to IAM policies)", () => {
            const rootOnly = {
                Version: "2012-10-17" as const,
                Statement: [
                    { Sid: "RootWithCondition", Effect: "Allow" as const, Principal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "kms:Decrypt", Resource: "*" as const, Condition: { StringEquals: { "aws:PrincipalArn": role } } },
                ],
            };
            expect(allowingStatements(rootOnly, launch("kms:Decrypt"))).toEqual([]);
        });
    });

    it("allows use through EKS, RDS, ElastiCache, S3, EC2, Secrets Manager and AWS Backup of this region only", () => {
        const s = statement("AccountUseThroughRegionalServices");
        expect(s.Condition?.StringEquals?.["kms:ViaService"]).toEqual([
            "eks.us-east-1.amazonaws.com",
            "rds.us-east-1.amazonaws.com",
            "elasticache.us-east-1.amazonaws.com",
            "s3.us-east-1.amazonaws.com",
            "ec2.us-east-1.amazonaws.com",
            "secretsmanager.us-east-1.amazonaws.com",
            "sns.us-east-1.amazonaws.com",
            "backup.us-east-1.amazonaws.com",
        ]);
        expect(s.Condition?.StringEquals?.["kms:CallerAccount"]).toBe("111122223333");
        expect(JSON.stringify(policy)).not.toContain("us-west-2");
    });

    describe("publishers to the encrypted alert topic (SNS Developer Guide, \"Key management\": event sources from AWS services)", () => {
        const publish = (service: string, action: string): KmsRequest => ({ principalArn: "", principalAccount: "", service, identityPolicyAllows: false, action });

        it.each(["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "backup.amazonaws.com"])("lets %s generate and decrypt the topic's data keys", (service) => {
            expect(allowingStatements(policy, publish(service, "kms:GenerateDataKey"))).toEqual(["NotificationPublishers"]);
            expect(allowingStatements(policy, publish(service, "kms:Decrypt"))).toEqual(["NotificationPublishers"]);
        });

        it("gives those services nothing else (no encrypt, re-encrypt or grants)", () => {
            for (const action of ["kms:Encrypt", "kms:ReEncryptFrom", "kms:CreateGrant", "kms:DescribeKey"]) {
                expect(allowingStatements(policy, publish("cloudwatch.amazonaws.com", action))).toEqual([]);
            }
        });

        it("lets no other service principal use the key directly", () => {
            expect(allowingStatements(policy, publish("events.amazonaws.com", "kms:GenerateDataKey"))).toEqual([]);
        });

        it("lets the account's own principals publish through SNS of this region only", () => {
            const viaSns = (region: string): KmsRequest => ({
                principalArn: "arn:aws:iam::111122223333:role/intelgraph-failover",
                principalAccount: "111122223333",
                identityPolicyAllows: true,
                action: "kms:GenerateDataKey",
                context: { "kms:ViaService": `sns.${region}.amazonaws.com` },
            });
            // (AccountAdministration also matches: the root statement delegates kms:* to IAM policies.)
            expect(allowingStatements(policy, viaSns("us-east-1"))).toContain("AccountUseThroughRegionalServices");
            expect(allowingStatements(policy, viaSns("us-west-2"))).not.toContain("AccountUseThroughRegionalServices");
        });
    });

    it("uses the partition in every ARN", () => {
        const gov = buildKeyPolicy({ accountId: "111122223333", partition: "aws-us-gov", region: "us-gov-west-1" });
        expect(JSON.stringify(gov)).not.toContain("arn:aws:");
        expect(JSON.stringify(gov)).toContain("arn:aws-us-gov:iam::111122223333:root");
    });
});
