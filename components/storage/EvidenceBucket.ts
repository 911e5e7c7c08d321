import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn } from "../boundary";
import { PURPOSE_TAG } from "../labels";
import { bucketNameProblem } from "./SecureBucket";

/**
 * S3 Object Lock retention modes (Amazon S3 User Guide, "Locking objects with Object Lock",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html): in compliance mode no user, the
 * account root included, can overwrite or delete a locked version or shorten its retention; in governance mode a
 * principal with s3:BypassGovernanceRetention can.
 */
export const OBJECT_LOCK_MODES = ["compliance", "governance"] as const;
export type ObjectLockMode = (typeof OBJECT_LOCK_MODES)[number];

/** The purpose tag evidence buckets carry (what the policy pack and the report read). */
export const EVIDENCE_PURPOSE = "dr-evidence";

export interface EvidenceBucketArgs {
    /** Globally unique bucket name. */
    readonly bucketName: string;
    /** The region's key: the records are readable with this region alone, whatever happened to the other. */
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly mode: ObjectLockMode;
    /** Default retention of every object version written (seed: 1 year operational). */
    readonly operationalDays: number;
    /** Drill and failover records are written with this retention of their own (seed: 3 years audit). */
    readonly auditDays: number;
    /** S3 server access logs (who read or wrote which record), as SecureBucket's accessLogs. */
    readonly accessLogs?: { readonly targetBucket: pulumi.Input<string>; readonly targetPrefix: string };
}

/**
 * Where drill and failover evidence lasts: one bucket per region, each written by runs that reach that region
 * (the failover CLI and the drill CLI write to the surviving or target region's bucket), so the records stay
 * readable while the other region is down. Object Lock with a default retention, versioning (Object Lock
 * requires it and S3 keeps it on), SSE-KMS with the regional key, every kind of public access blocked, TLS only,
 * and a lifecycle that removes versions only after the audit retention. Protected: deleting it loses the records.
 *
 * Object Lock is set at creation (`objectLockEnabled`, replace-on-change in the provider: terraform-provider-aws
 * internal/service/s3/bucket.go marks object_lock_enabled ForceNew), hence a new bucket rather than locking the
 * Neo4j backup bucket (SecureBucket) in place.
 */
export class EvidenceBucket extends pulumi.ComponentResource {
    readonly bucketName: pulumi.Output<string>;
    readonly bucketArn: pulumi.Output<string>;

    constructor(name: string, args: EvidenceBucketArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:storage:EvidenceBucket", name, {}, opts);
        validateArgs(args).throwIfAny(this, "EvidenceBucket", name);
        const child = { parent: this };
        const bucket = new aws.s3.Bucket(
            `${name}-bucket`,
            { bucket: args.bucketName, objectLockEnabled: true, forceDestroy: false, tags: { Name: args.bucketName, [PURPOSE_TAG]: EVIDENCE_PURPOSE } },
            { parent: this, protect: true },
        );
        const versioning = new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
        new aws.s3.BucketObjectLockConfiguration(
            `${name}-object-lock`,
            { bucket: bucket.id, objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: args.mode.toUpperCase(), days: args.operationalDays } } },
            { parent: this, dependsOn: [versioning] },
        );
        new aws.s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }] },
            child,
        );
        const publicAccess = new aws.s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
            child,
        );
        new aws.s3.BucketOwnershipControls(`${name}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
        new aws.s3.BucketPolicy(
            `${name}-policy`,
            {
                bucket: bucket.id,
                policy: bucket.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
                    }),
                ),
            },
            // S3 refuses a bucket policy while the public access block is being applied (409 OperationAborted).
            { parent: this, dependsOn: [publicAccess] },
        );
        new aws.s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        // A lifecycle expiration only adds a delete marker; a locked version is removed by the
                        // noncurrent rule once its retention has passed (S3 User Guide, "Managing Object Lock":
                        // lifecycle rules respect locks). Nothing goes before the audit retention.
                        id: "expire-after-audit-retention",
                        status: "Enabled",
                        filter: { prefix: "" },
                        expiration: { days: args.auditDays },
                        noncurrentVersionExpiration: { noncurrentDays: 1 },
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );
        if (args.accessLogs) {
            new aws.s3.BucketLogging(`${name}-access-logging`, { bucket: bucket.id, targetBucket: args.accessLogs.targetBucket, targetPrefix: args.accessLogs.targetPrefix }, child);
        }
        this.bucketName = bucket.bucket;
        this.bucketArn = bucket.arn;
        this.registerOutputs({ bucketName: this.bucketName, bucketArn: this.bucketArn });
    }
}

function validateArgs(args: EvidenceBucketArgs): Problems {
    const p = new Problems();
    const name = bucketNameProblem(args.bucketName);
    if (name) p.add(name);
    p.check((OBJECT_LOCK_MODES as readonly string[]).includes(args.mode), `mode must be one of ${OBJECT_LOCK_MODES.join(", ")}, got ${JSON.stringify(args.mode)}`);
    // S3 Object Lock default retention: a positive whole number of days, at most 100 years (PutObjectLockConfiguration).
    p.check(isIntIn(args.operationalDays, 1, 36500), `operationalDays must be a whole number of days from 1 to 36500, got ${args.operationalDays}`);
    p.check(isIntIn(args.auditDays, 1, 36500) && args.auditDays >= args.operationalDays, `auditDays must be a whole number of days from operationalDays (${args.operationalDays}) to 36500, got ${args.auditDays}`);
    return p;
}
