import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn } from "../boundary";
import { PURPOSE_TAG } from "../labels";

/** SSE-KMS with the region's key, unless AWS allows only S3-managed keys for the writer (ELB access logs). */
export type BucketEncryption = { readonly kind: "kms"; readonly kmsKeyArn: pulumi.Input<string> } | { readonly kind: "s3-managed"; readonly reason: string };


export interface SecureBucketArgs {
    /** Globally unique bucket name. */
    readonly bucketName: string;
    readonly encryption: BucketEncryption;
    /** Days an object (current or noncurrent version) is kept before expiring. */
    readonly retentionDays: number;
    readonly purpose: string;
    /**
     * S3 server access logs of this bucket (who read, wrote or deleted which object), delivered to a log bucket
     * whose policy admits logging.s3.amazonaws.com (RegionalEntrypoint's access-log bucket does, under `s3/`).
     */
    readonly accessLogs?: { readonly targetBucket: pulumi.Input<string>; readonly targetPrefix: string };
    /**
     * S3 Object Lock with a default retention: every new object version is write-once for `days` (COMPLIANCE:
     * nobody, the root user included, deletes or overwrites that version early; GOVERNANCE: only with
     * s3:BypassGovernanceRetention). At most `retentionDays`, so the lifecycle can still expire every version.
     */
    readonly objectLock?: ObjectLockRetention;
}

/** S3 Object Lock retention modes (S3 API Reference, DefaultRetention: Mode COMPLIANCE | GOVERNANCE). */
export const OBJECT_LOCK_MODES = ["COMPLIANCE", "GOVERNANCE"] as const;
export interface ObjectLockRetention {
    readonly mode: (typeof OBJECT_LOCK_MODES)[number];
    readonly days: number;
}

/**
 * A bucket for backups or logs: versioned (a deleted or overwritten object stays recoverable), encrypted,
 * every kind of public access blocked, bucket-owner-enforced ownership, and a lifecycle that expires old
 * versions. Protected: deleting it loses what it keeps.
 */
export class SecureBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;
    /** Resolves once versioning is on (replication requires it on both sides). */
    readonly versioning: aws.s3.BucketVersioning;

    constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:storage:SecureBucket", name, {}, opts);
        validateArgs(args).throwIfAny(this, "SecureBucket", name);
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            { bucket: args.bucketName, forceDestroy: false, tags: { Name: args.bucketName, [PURPOSE_TAG]: args.purpose } },
            { parent: this, protect: true },
        );
        this.versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, { parent: this });
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: bucket.id,
                rules: [
                    args.encryption.kind === "kms"
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.encryption.kmsKeyArn }, bucketKeyEnabled: true }
                        : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
                ],
            },
            { parent: this },
        );
        new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            { parent: this },
        );
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, { parent: this });
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "expire-old-objects",
                        status: "Enabled",
                        filter: { prefix: "" },
                        expiration: { days: args.retentionDays },
                        noncurrentVersionExpiration: { noncurrentDays: args.retentionDays },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this, dependsOn: [this.versioning] },
        );
        if (args.objectLock) {
            // Object Lock on an existing, versioned bucket is a PutObjectLockConfiguration call, no token since 2023
            // (AWS What's New 2023-11, "Amazon S3 enables S3 Object Lock for existing buckets"). The bucket's own
            // objectLockEnabled input is ForceNew in the provider (terraform-aws-modules/terraform-aws-s3-bucket#403):
            // left unset there, so turning the lock on never replaces a bucket full of backups.
            // What the lock leaves possible, on purpose: a DELETE without a version id only adds a delete marker
            // (S3 User Guide, "Managing delete markers with Object Lock"), so small control objects such as the
            // deploy-freeze marker are cleared as usual, and the lifecycle still places delete markers and expires
            // noncurrent versions once their retention has passed ("Managing S3 Lifecycle policies with Object Lock").
            new aws.s3.BucketObjectLockConfiguration(
                `${name}-object-lock`,
                { bucket: bucket.id, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.days } } },
                // Object Lock needs versioning on first (S3 User Guide, "Configuring S3 Object Lock").
                { parent: this, dependsOn: [this.versioning] },
            );
        }
        if (args.accessLogs) {
            new aws.s3.BucketLogging(`${name}-access-logging`, { bucket: bucket.id, targetBucket: args.accessLogs.targetBucket, targetPrefix: args.accessLogs.targetPrefix }, { parent: this });
        }
        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}

/** Why S3 would refuse the bucket name (general purpose bucket naming rules), or undefined. */
export function bucketNameProblem(bucketName: string): string | undefined {
    const ok =
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucketName) &&
        !bucketName.includes("..") &&
        !/^\d+\.\d+\.\d+\.\d+$/.test(bucketName) &&
        !/^(xn--|sthree-|amzn-s3-demo-)/.test(bucketName) &&
        !/(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(bucketName);
    return ok ? undefined : `bucketName must be a valid S3 bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit), got ${JSON.stringify(bucketName)}`;
}

function validateArgs(args: SecureBucketArgs): Problems {
    const p = new Problems();
    const name = bucketNameProblem(args.bucketName);
    if (name) p.add(name);
    p.check(isIntIn(args.retentionDays, 1), `retentionDays must be a whole number of at least 1 (S3 lifecycle expiration), got ${args.retentionDays}`);
    p.check(args.purpose.length > 0, "purpose must not be empty (the policy pack reads it)");
    if (args.objectLock) {
        const { mode, days } = args.objectLock;
        p.check((OBJECT_LOCK_MODES as readonly string[]).includes(mode), `objectLock.mode must be one of ${OBJECT_LOCK_MODES.join(", ")}, got ${JSON.stringify(mode)}`);
        p.check(
            isIntIn(days, 1, args.retentionDays),
            `objectLock.days must be a whole number from 1 to retentionDays (${args.retentionDays}): a version locked past the lifecycle's expiration is kept (and billed) until its lock ends, got ${days}`,
        );
    }
    if (args.encryption.kind === "s3-managed") p.check(args.encryption.reason.length > 0, "encryption.reason must say why S3-managed keys are used instead of the region's key");
    return p;
}
