/**
 * The regional key's policy as a pure function of account, partition and region, so it is unit-tested
 * without mocks. Each statement exists because a service this program encrypts with needs it.
 */

export interface KeyPolicyContext {
    readonly accountId: string;
    readonly partition: string;
    readonly region: string;
}

export interface PolicyStatement {
    readonly Sid: string;
    readonly Effect: "Allow";
    readonly Principal: { readonly AWS?: string; readonly Service?: string };
    readonly Action: string | readonly string[];
    readonly Resource: "*";
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[] | boolean>>>>;
}

export interface KeyPolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/** Services whose data this program encrypts with the regional key through the service (kms:ViaService). */
export const VIA_SERVICES = ["eks", "rds", "elasticache", "s3", "ec2", "secretsmanager"] as const;

const USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] as const;

export function buildKeyPolicy({ accountId, partition, region }: KeyPolicyContext): KeyPolicyDocument {
    const root = `arn:${partition}:iam::${accountId}:root`;
    // EC2 Auto Scaling launches managed node groups; it needs this service-linked role to attach
    // EBS volumes encrypted with a customer-managed key (AWS: "Required KMS key policy for use with encrypted volumes").
    const autoscaling = `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    return {
        Version: "2012-10-17",
        Statement: [
            // Without an account-root statement the key becomes unmanageable (PutKeyPolicy lockout).
            { Sid: "AccountAdministration", Effect: "Allow", Principal: { AWS: root }, Action: "kms:*", Resource: "*" },
            {
                Sid: "CloudWatchLogsEncryption",
                Effect: "Allow",
                Principal: { Service: `logs.${region}.amazonaws.com` },
                Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
                Resource: "*",
                // Scopes the logs service to this account's log groups in this region only.
                Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${partition}:logs:${region}:${accountId}:log-group:*` } },
            },
            { Sid: "AutoScalingEbsUse", Effect: "Allow", Principal: { AWS: autoscaling }, Action: [...USE_ACTIONS], Resource: "*" },
            {
                Sid: "AutoScalingEbsGrants",
                Effect: "Allow",
                Principal: { AWS: autoscaling },
                Action: "kms:CreateGrant",
                Resource: "*",
                Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
            },
            {
                Sid: "AccountUseThroughRegionalServices",
                Effect: "Allow",
                Principal: { AWS: root },
                Action: [...USE_ACTIONS, "kms:CreateGrant", "kms:ListGrants"],
                Resource: "*",
                // Only through this region's service endpoints: the key never serves another region's data.
                Condition: {
                    StringEquals: {
                        "kms:CallerAccount": accountId,
                        "kms:ViaService": VIA_SERVICES.map((s) => `${s}.${region}.amazonaws.com`),
                    },
                },
            },
        ],
    };
}
