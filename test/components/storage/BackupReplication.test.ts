import { describe, expect, it } from "vitest";
import { BackupReplication, type BackupReplicationArgs } from "../../../components/storage/BackupReplication";
import { type TestProviders, expectRefused, planComponent } from "../../helpers/component";

describe("BackupReplication with its own args", () => {
    const source = { bucketName: "src-backups", bucketArn: "arn:aws:s3:::src-backups", kmsKeyArn: "arn:aws:kms:eu-central-1:210987654321:key/src", region: "eu-central-1" };
    const destination = { bucketName: "dst-backups", bucketArn: "arn:aws:s3:::dst-backups", kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/dst", region: "eu-west-1" };
    const build = (over: Partial<BackupReplicationArgs> = {}) =>
        planComponent(
            (p: TestProviders) => new BackupReplication("repl", { source, destinations: [destination], sourceProvider: p.awsIn("eu-central-1"), nameTag: "test-backups", ...over }, p.onRegion),
            { region: "eu-west-1" },
        );

    it("configures replication on the source bucket in the source's region, re-encrypting with the destination's key under a 15-minute RTC", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const config = p.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig");
        expect(p.regionOf(config)).toBe("eu-central-1");
        expect(p.inputs(config.type)).toMatchObject({
            bucket: "src-backups",
            role: p.outputs("aws:iam/role:Role").arn,
            rules: [
                {
                    id: "backups-to-eu-west-1",
                    priority: 1,
                    status: "Enabled",
                    deleteMarkerReplication: { status: "Disabled" },
                    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
                    destination: {
                        bucket: "arn:aws:s3:::dst-backups",
                        encryptionConfiguration: { replicaKmsKeyId: destination.kmsKeyArn },
                        replicationTime: { status: "Enabled", time: { minutes: 15 } },
                        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
                    },
                },
            ],
        });
        // The role (IAM is global) lives with this stack's provider; its policy may only decrypt at the source and encrypt at the destination.
        expect(p.regionOf(p.one("aws:iam/role:Role"))).toBe("eu-west-1");
        const policy = JSON.parse(p.inputs("aws:iam/rolePolicy:RolePolicy").policy as string) as { Statement: { Action: string[]; Resource: string; Condition?: unknown }[] };
        expect(policy.Statement.filter((s) => s.Action.some((a) => a.startsWith("kms:"))).map((s) => [s.Resource, s.Condition])).toEqual([
            [source.kmsKeyArn, { StringLike: { "kms:ViaService": "s3.eu-central-1.amazonaws.com" } }],
            [destination.kmsKeyArn, { StringLike: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } }],
        ]);
        expect(config.dependencies).toContain(p.one("aws:iam/role:Role").urn);
    });

    it("refuses a source and destination in one region", async () => {
        expectRefused(
            await build({ destinations: [{ ...destination, region: "eu-central-1" }] }),
            BackupReplication,
            "BackupReplication 'repl': source and destination are both in eu-central-1: a replica in the same region survives no regional outage",
        );
    });

    it("replicates to several destinations with one configuration on the source bucket (S3 keeps one per bucket), a rule each", async () => {
        const second = { bucketName: "dst2-backups", bucketArn: "arn:aws:s3:::dst2-backups", kmsKeyArn: "arn:aws:kms:eu-north-1:210987654321:key/dst2", region: "eu-north-1" };
        const p = await build({ destinations: [destination, second] });
        expect(p.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig")).toHaveLength(1);
        const rules = p.inputs("aws:s3/bucketReplicationConfig:BucketReplicationConfig").rules as { id: string; priority: number; destination: { bucket: string; encryptionConfiguration: { replicaKmsKeyId: string } } }[];
        expect(rules.map((r) => [r.id, r.priority, r.destination.bucket, r.destination.encryptionConfiguration.replicaKmsKeyId])).toEqual([
            ["backups-to-eu-west-1", 1, destination.bucketArn, destination.kmsKeyArn],
            ["backups-to-eu-north-1", 2, second.bucketArn, second.kmsKeyArn],
        ]);
        const policy = JSON.parse(p.inputs("aws:iam/rolePolicy:RolePolicy").policy as string) as { Statement: { Action: string[]; Resource: string | string[] }[] };
        expect(policy.Statement.find((s) => s.Action.includes("s3:ReplicateObject"))?.Resource).toEqual(["arn:aws:s3:::dst-backups/*", "arn:aws:s3:::dst2-backups/*"]);
        expect(policy.Statement.filter((s) => s.Action.includes("kms:Encrypt")).map((s) => s.Resource)).toEqual([destination.kmsKeyArn, second.kmsKeyArn]);
    });

    it("refuses no destination, and two in one region", async () => {
        expectRefused(await build({ destinations: [] }), BackupReplication, "BackupReplication 'repl': destinations must list at least one bucket");
        expectRefused(await build({ destinations: [destination, destination] }), BackupReplication, "BackupReplication 'repl': destinations in distinct regions, got eu-west-1, eu-west-1");
    });

    it("refuses a region that is not one", async () => {
        expectRefused(await build({ source: { ...source, region: "EU" } }), BackupReplication, 'BackupReplication \'repl\': source.region must be an AWS region such as us-west-2, got "EU"');
    });
});
