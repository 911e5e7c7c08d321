import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
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
        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}
