import { describe, expect, it } from "vitest";
import { BackupReplication, type BackupReplicationArgs } from "../../../components/storage/BackupReplication";
import { type TestProviders, expectRefused, planComponent } from "../../helpers/component";

describe("BackupReplication with its own args", () => {
    const source = { bucketName: "src-backups", bucketArn: "arn:aws:s3:::src-backups", kmsKeyArn: "arn:aws:kms:eu-central-1:210987654321:key/src", region: "eu-central-1" };
    const destination = { bucketName: "dst-backups", bucketArn: "arn:aws:s3:::dst-backups", kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/dst", region: "eu-west-1" };
    const build = (over: Partial<BackupReplicationArgs> = {}) =>
        planComponent(
            (p: TestProviders) => new BackupReplication("repl", { source, destination, sourceProvider: p.awsIn("eu-central-1"), nameTag: "test-backups", ...over }, p.onRegion),
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
            await build({ destination: { ...destination, region: "eu-central-1" } }),
            BackupReplication,
            "BackupReplication 'repl': source and destination are both in eu-central-1: a replica in the same region survives no regional outage",
        );
    });

    it("refuses a region that is not one", async () => {
        expectRefused(await build({ source: { ...source, region: "EU" } }), BackupReplication, 'BackupReplication \'repl\': source.region must be an AWS region such as us-west-2, got "EU"');
    });
});
