import { describe, expect, it } from "vitest";
import { buildKeyPolicy } from "../../../components/kms/keyPolicy";

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

    it("lets the Auto Scaling service-linked role use the key and create grants for encrypted EBS", () => {
        const role = "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";
        expect(statement("AutoScalingEbsUse").Principal).toEqual({ AWS: role });
        expect(statement("AutoScalingEbsUse").Action).toEqual(expect.arrayContaining(["kms:Decrypt", "kms:GenerateDataKey*"]));
        expect(statement("AutoScalingEbsGrants")).toMatchObject({ Principal: { AWS: role }, Action: "kms:CreateGrant", Condition: { Bool: { "kms:GrantIsForAWSResource": true } } });
    });

    it("allows use through EKS, RDS, ElastiCache, S3, EC2 and Secrets Manager of this region only", () => {
        const s = statement("AccountUseThroughRegionalServices");
        expect(s.Condition?.StringEquals?.["kms:ViaService"]).toEqual([
            "eks.us-east-1.amazonaws.com",
            "rds.us-east-1.amazonaws.com",
            "elasticache.us-east-1.amazonaws.com",
            "s3.us-east-1.amazonaws.com",
            "ec2.us-east-1.amazonaws.com",
            "secretsmanager.us-east-1.amazonaws.com",
        ]);
        expect(s.Condition?.StringEquals?.["kms:CallerAccount"]).toBe("111122223333");
        expect(JSON.stringify(policy)).not.toContain("us-west-2");
    });

    it("uses the partition in every ARN", () => {
        const gov = buildKeyPolicy({ accountId: "111122223333", partition: "aws-us-gov", region: "us-gov-west-1" });
        expect(JSON.stringify(gov)).not.toContain("arn:aws:");
        expect(JSON.stringify(gov)).toContain("arn:aws-us-gov:iam::111122223333:root");
    });
});
