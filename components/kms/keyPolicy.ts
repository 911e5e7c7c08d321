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
    readonly Principal: { readonly AWS?: string; readonly Service?: string | readonly string[] };
    readonly Action: string | readonly string[];
    readonly Resource: "*";
    readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[] | boolean>>>>;
}

export interface KeyPolicyDocument {
    readonly Version: "2012-10-17";
    readonly Statement: readonly PolicyStatement[];
}

/** Services whose data this program encrypts with the regional key through the service (kms:ViaService). */
// backup: AWS Backup creates grants on the vault's key for recovery points it encrypts (AWS Backup Developer
// Guide, "Encryption for backups in AWS Backup").
export const VIA_SERVICES = ["eks", "rds", "elasticache", "s3", "ec2", "secretsmanager", "sns", "backup"] as const;

/**
 * AWS services that publish to the region's alert topic (SNS server-side encryption under this key): a service
 * publishing to an encrypted topic needs kms:GenerateDataKey* and kms:Decrypt on the topic's key through its
 * service principal (Amazon SNS Developer Guide, "Key management", section "Enable compatibility between event
 * sources from AWS services and encrypted topics"). CloudWatch alarms, AWS Budgets notifications and AWS Backup
 * vault events are this platform's publishers. They are not narrowed with aws:SourceAccount here: not every one
 * of them sends it on its KMS call (the same guide), and a missing key silently drops the notification; the
 * topic policy (components/monitoring/NotificationTopic.ts) is what limits who may publish, by source account.
 */
export const NOTIFICATION_PUBLISHERS = ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "backup.amazonaws.com"] as const;

const USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"] as const;

/**
 * The EC2 Auto Scaling service-linked role launches the managed node groups' instances and must use the key
 * for their encrypted EBS volumes (AWS EC2 Auto Scaling User Guide, "Required AWS KMS key policy for use with
 * encrypted volumes"). It is not named as a principal: it exists only once the account first uses Auto
 * Scaling, and KMS rejects a key policy naming a principal that does not exist (MalformedPolicyDocumentException,
 * "Policy contains a statement with one or more invalid principals"; AWS re:Post knowledge center
 * kms-policy-error-invalid-principals). An account-root principal would not do either: root only enables IAM
 * policies, and the service-linked role's own policy grants no key permissions. So the statements admit any
 * principal whose ARN is the role's (`aws:PrincipalArn`, IAM global condition keys) calling from this account
 * (`kms:CallerAccount`, AWS KMS condition keys): valid before the role exists, effective once it does, and the
 * same document on every `pulumi up` (no create-or-fail flip-flop).
 */
export function autoScalingServiceLinkedRoleArn(partition: string, accountId: string): string {
    return `arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

export function buildKeyPolicy({ accountId, partition, region }: KeyPolicyContext): KeyPolicyDocument {
    const root = `arn:${partition}:iam::${accountId}:root`;
    const onlyAutoScaling = { "aws:PrincipalArn": autoScalingServiceLinkedRoleArn(partition, accountId), "kms:CallerAccount": accountId };
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
            { Sid: "AutoScalingEbsUse", Effect: "Allow", Principal: { AWS: "*" }, Action: [...USE_ACTIONS], Resource: "*", Condition: { StringEquals: onlyAutoScaling } },
            {
                Sid: "AutoScalingEbsGrants",
                Effect: "Allow",
                Principal: { AWS: "*" },
                Action: "kms:CreateGrant",
                Resource: "*",
                Condition: { StringEquals: onlyAutoScaling, Bool: { "kms:GrantIsForAWSResource": true } },
            },
            {
                Sid: "NotificationPublishers",
                Effect: "Allow",
                Principal: { Service: [...NOTIFICATION_PUBLISHERS] },
                Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
                Resource: "*",
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
