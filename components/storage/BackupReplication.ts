import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isRegion } from "../boundary";

export interface ReplicationEnd {
    readonly bucketName: pulumi.Input<string>;
    readonly bucketArn: pulumi.Input<string>;
    /** The key objects are encrypted with at this end (its own region's key). */
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly region: string;
}

export interface BackupReplicationArgs {
    /** The primary's backup bucket; the configuration is created in its region with `sourceProvider`. */
    readonly source: ReplicationEnd;
    /** Every secondary's bucket: one rule each, in one configuration. */
    readonly destinations: readonly ReplicationEnd[];
    readonly sourceProvider: aws.Provider;
    readonly nameTag: string;
}

/**
 * Replicates the primary's backups into every secondary's bucket of the same residency zone (owned by the zone's
 * interconnect stack: the destinations exist only once the secondaries are deployed). A bucket has one replication
 * configuration, and writing another replaces it (S3 API, PutBucketReplication), so every destination is a rule of
 * the same configuration (S3 User Guide, "Replicating objects to multiple destination buckets"). Objects are
 * re-encrypted with each destination region's key; Replication Time Control bounds the lag (15 minutes). Both ends
 * have S3 Object Lock (SecureBucket objectLock): a locked source replicates only into a locked destination
 * (S3 replication failure reason DstBucketObjectLockConfigMissing).
 */
export class BackupReplication extends pulumi.ComponentResource {
    constructor(name: string, args: BackupReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:storage:BackupReplication", name, {}, opts);
        validateArgs(args).throwIfAny(this, "BackupReplication", name);
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                description: `S3 replication ${args.source.region} -> ${args.destinations.map((d) => d.region).join(", ")} for ${args.nameTag}`,
                assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }] }),
                tags: { Name: `${args.nameTag}-replication` },
            },
            { parent: this },
        );
        new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.id,
                policy: pulumi
                    .all([args.source.bucketArn, args.source.kmsKeyArn, pulumi.all(args.destinations.map((d) => pulumi.all([d.bucketArn, d.kmsKeyArn])))])
                    .apply(([src, srcKey, dsts]) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [
                                { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: src },
                                // Retention and legal hold are read to replicate a locked object with its lock (S3 User Guide, "Object
                                // Lock considerations", Using Object Lock with S3 Replication).
                                {
                                    Effect: "Allow",
                                    Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold"],
                                    Resource: `${src}/*`,
                                },
                                { Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: dsts.map(([dst]) => `${dst}/*`) },
                                { Effect: "Allow", Action: ["kms:Decrypt"], Resource: srcKey, Condition: { StringLike: { "kms:ViaService": `s3.${args.source.region}.amazonaws.com` } } },
                                ...dsts.map(([, dstKey], i) => ({
                                    Effect: "Allow",
                                    Action: ["kms:Encrypt", "kms:GenerateDataKey"],
                                    Resource: dstKey,
                                    Condition: { StringLike: { "kms:ViaService": `s3.${args.destinations[i].region}.amazonaws.com` } },
                                })),
                            ],
                        }),
                    ),
            },
            { parent: this },
        );
        new aws.s3.BucketReplicationConfig(
            `${name}-config`,
            {
                bucket: args.source.bucketName,
                role: role.arn,
                rules: args.destinations.map((d, i) => ({
                    id: replicationRuleId(d.region),
                    status: "Enabled",
                    priority: i + 1,
                    filter: { prefix: "" },
                    deleteMarkerReplication: { status: "Disabled" },
                    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                    destination: {
                        bucket: d.bucketArn,
                        storageClass: "STANDARD",
                        encryptionConfiguration: { replicaKmsKeyId: d.kmsKeyArn },
                        replicationTime: { status: "Enabled", time: { minutes: REPLICATION_TIME_MINUTES } },
                        metrics: { status: "Enabled", eventThreshold: { minutes: REPLICATION_TIME_MINUTES } },
                    },
                })),
            },
            { parent: this, provider: args.sourceProvider },
        );
        this.registerOutputs({});
    }
}

/** The rule of a destination, named after its region (its replication metrics carry it as RuleId). */
export const replicationRuleId = (destinationRegion: string) => `backups-to-${destinationRegion}`;

/** Replication Time Control's bound (minutes): the rule's replicationTime and its metrics' event threshold. */
export const REPLICATION_TIME_MINUTES = 15;

function validateArgs(args: BackupReplicationArgs): Problems {
    const p = new Problems();
    p.check(isRegion(args.source.region), `source.region must be an AWS region such as us-west-2, got ${JSON.stringify(args.source.region)}`);
    p.check(args.destinations.length > 0, "destinations must list at least one bucket");
    for (const d of args.destinations) {
        p.check(isRegion(d.region), `destination.region must be an AWS region such as us-east-1, got ${JSON.stringify(d.region)}`);
        p.check(args.source.region !== d.region, `source and destination are both in ${args.source.region}: a replica in the same region survives no regional outage`);
    }
    const regions = args.destinations.map((d) => d.region);
    p.check(new Set(regions).size === regions.length, `destinations in distinct regions, got ${regions.join(", ")}`);
    p.check(args.nameTag.length > 0, "nameTag must not be empty");
    return p;
}
