/**
 * What "encrypted with a customer-managed key of its own region" means for each resource type this platform
 * creates: the data table of intelgraph-kms-regional-cmk. Kept as data, like catalog.ts, so an auditor reads the
 * scope of the control in one place and a new type is a reviewed entry, not new code.
 *
 * Per type, a list of requirements; each names the flags that must hold for encryption to be on and the key
 * properties that must name a customer-managed key of the resource's region. A requirement may apply only
 * `when` a condition holds, and may repeat `forEach` element of a list property: then ELEMENT in a path stands
 * for the element's index.
 */
import { ACCESS_LOGS_PURPOSE } from "../contracts/labels";

/** Stands for the index of the element a `forEach` requirement is checked for. */
export const ELEMENT = "[element]";

export type Step = string | number;
export type Path = readonly Step[];

export interface Flag {
    readonly path: Path;
    readonly expected: unknown;
}

/** When a requirement applies, from the resource's own properties or the bucket an S3 setting belongs to. */
export type Condition =
    | { readonly kind: "equals"; readonly path: Path; readonly value: unknown }
    | { readonly kind: "set"; readonly path: Path; readonly set: boolean }
    | { readonly kind: "bucketPurpose"; readonly sseS3Only: boolean };

export interface Repeat {
    /** The list property whose elements each get the requirement. */
    readonly list: Path;
    /** How many elements to check when the property is not a list (unknown or absent). */
    readonly otherwise: number;
}

export interface Requirement {
    readonly when?: Condition;
    readonly forEach?: Repeat;
    readonly flags?: readonly Flag[];
    readonly keys: readonly Path[];
}

/** Buckets that may use S3-managed keys: ELB access-log delivery supports only SSE-S3 (AWS: "Enable access logs for your ALB"). */
export const SSE_S3_ONLY_PURPOSES: ReadonlySet<string> = new Set([ACCESS_LOGS_PURPOSE]);

const performanceInsights: Requirement = { when: { kind: "equals", path: ["performanceInsightsEnabled"], value: true }, keys: [["performanceInsightsKmsKeyId"]] };

const bucketEncryption: readonly Requirement[] = [
    {
        when: { kind: "bucketPurpose", sseS3Only: true },
        forEach: { list: ["rules"], otherwise: 1 },
        flags: [{ path: ["rules", ELEMENT, "applyServerSideEncryptionByDefault", "sseAlgorithm"], expected: "AES256" }],
        keys: [],
    },
    {
        when: { kind: "bucketPurpose", sseS3Only: false },
        forEach: { list: ["rules"], otherwise: 1 },
        flags: [{ path: ["rules", ELEMENT, "applyServerSideEncryptionByDefault", "sseAlgorithm"], expected: "aws:kms" }],
        keys: [["rules", ELEMENT, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"]],
    },
];

export const KMS_REQUIREMENTS: Readonly<Record<string, readonly Requirement[]>> = {
    "aws:rds/globalCluster:GlobalCluster": [{ flags: [{ path: ["storageEncrypted"], expected: true }], keys: [] }],
    "aws:rds/cluster:Cluster": [{ flags: [{ path: ["storageEncrypted"], expected: true }], keys: [["kmsKeyId"]] }, performanceInsights],
    "aws:rds/clusterInstance:ClusterInstance": [performanceInsights],
    "aws:elasticache/replicationGroup:ReplicationGroup": [
        // A global datastore member inherits the encryption flags but needs its own region's key.
        { when: { kind: "set", path: ["globalReplicationGroupId"], set: true }, keys: [["kmsKeyId"]] },
        {
            when: { kind: "set", path: ["globalReplicationGroupId"], set: false },
            flags: [
                { path: ["atRestEncryptionEnabled"], expected: true },
                { path: ["transitEncryptionEnabled"], expected: true },
            ],
            keys: [["kmsKeyId"]],
        },
    ],
    "aws:eks/cluster:Cluster": [{ flags: [{ path: ["encryptionConfig", "resources", 0], expected: "secrets" }], keys: [["encryptionConfig", "provider", "keyArn"]] }],
    "aws:ec2/launchTemplate:LaunchTemplate": [
        {
            forEach: { list: ["blockDeviceMappings"], otherwise: 0 },
            flags: [{ path: ["blockDeviceMappings", ELEMENT, "ebs", "encrypted"], expected: "true" }],
            keys: [["blockDeviceMappings", ELEMENT, "ebs", "kmsKeyId"]],
        },
    ],
    "aws:cloudwatch/logGroup:LogGroup": [{ keys: [["kmsKeyId"]] }],
    "aws:secretsmanager/secret:Secret": [{ keys: [["kmsKeyId"]] }],
    // SNS server-side encryption: alert messages at rest under the region's key.
    "aws:sns/topic:Topic": [{ keys: [["kmsMasterKeyId"]] }],
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketEncryption,
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": bucketEncryption,
    "kubernetes:storage.k8s.io/v1:StorageClass": [
        {
            when: { kind: "equals", path: ["provisioner"], value: "ebs.csi.aws.com" },
            flags: [{ path: ["parameters", "encrypted"], expected: "true" }],
            keys: [["parameters", "kmsKeyId"]],
        },
    ],
};

/** The requirements of a resource type; none for a type the table does not list. */
export function requirementsOf(type: string): readonly Requirement[] {
    return Object.hasOwn(KMS_REQUIREMENTS, type) ? KMS_REQUIREMENTS[type] : [];
}
