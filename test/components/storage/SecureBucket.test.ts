import { describe, expect, it } from "vitest";
import { SecureBucket, type SecureBucketArgs, bucketNameProblem } from "../../../components/storage/SecureBucket";
import { expectRefused, planComponent } from "../../helpers/component";

describe("SecureBucket with its own args", () => {
    const args: SecureBucketArgs = { bucketName: "test-reports-eu-west-1", encryption: { kind: "kms", kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/test" }, retentionDays: 45, purpose: "reports" };
    const build = (over: Partial<SecureBucketArgs> = {}) => planComponent(({ onRegion }) => new SecureBucket("reports", { ...args, ...over }, onRegion), { region: "eu-west-1" });

    it("a protected, versioned, KMS-encrypted, non-public bucket whose lifecycle expires objects and old versions after retentionDays", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const bucket = p.one("aws:s3/bucket:Bucket");
        expect(bucket.protect).toBe(true);
        expect(p.regionOf(bucket)).toBe("eu-west-1");
        expect(p.inputs(bucket.type)).toMatchObject({ bucket: "test-reports-eu-west-1", forceDestroy: false, tags: { Name: "test-reports-eu-west-1", "intelgraph.io/purpose": "reports" } });
        expect(p.inputs("aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration).toEqual({ status: "Enabled" });
        expect(p.inputs("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules).toEqual([
            { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.encryption.kind === "kms" ? args.encryption.kmsKeyArn : "" }, bucketKeyEnabled: true },
        ]);
        expect(p.inputs("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        expect(p.inputs("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
        const lifecycle = p.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        expect(p.inputs(lifecycle.type).rules).toMatchObject([{ status: "Enabled", expiration: { days: 45 }, noncurrentVersionExpiration: { noncurrentDays: 45 } }]);
        // A lifecycle on noncurrent versions before versioning is on fails on a fresh bucket.
        expect(lifecycle.dependencies).toContain(p.one("aws:s3/bucketVersioning:BucketVersioning").urn);
    });

    it("with objectLock: S3 Object Lock in the given mode and days, through its own resource after versioning, the bucket's ForceNew flag left unset", async () => {
        const p = await build({ objectLock: { mode: "COMPLIANCE", days: 45 } });
        const lock = p.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
        expect(p.inputs(lock.type)).toEqual({ bucket: "test-reports-eu-west-1", objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 45 } } });
        expect(lock.dependencies).toContain(p.one("aws:s3/bucketVersioning:BucketVersioning").urn);
        // Setting it on the bucket would replace a bucket full of backups when the lock is turned on.
        expect(p.inputs("aws:s3/bucket:Bucket")).not.toHaveProperty("objectLockEnabled");
        // The lifecycle still expires every version: locked versions go once their days have passed.
        expect(p.inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules).toMatchObject([{ expiration: { days: 45 }, noncurrentVersionExpiration: { noncurrentDays: 45 } }]);
    });

    it("has no Object Lock unless asked", async () => {
        expect((await build()).ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration")).toEqual([]);
    });

    it("uses S3-managed keys only when told so", async () => {
        const p = await build({ encryption: { kind: "s3-managed", reason: "ELB access logs" } });
        expect(p.inputs("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    });

    it.each<[string, Partial<SecureBucketArgs>, string]>([
        ["a retention under a day", { retentionDays: 0 }, "retentionDays must be a whole number of at least 1 (S3 lifecycle expiration), got 0"],
        ["a fractional retention", { retentionDays: 1.5 }, "retentionDays must be a whole number of at least 1 (S3 lifecycle expiration), got 1.5"],
        [
            "a name S3 refuses",
            { bucketName: "Test_Reports" },
            'bucketName must be a valid S3 bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit), got "Test_Reports"',
        ],
        [
            "a lock longer than the lifecycle",
            { objectLock: { mode: "GOVERNANCE", days: 46 } },
            "objectLock.days must be a whole number from 1 to retentionDays (45): a version locked past the lifecycle's expiration is kept (and billed) until its lock ends, got 46",
        ],
        ["S3-managed keys without a reason", { encryption: { kind: "s3-managed", reason: "" } }, "encryption.reason must say why S3-managed keys are used instead of the region's key"],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), SecureBucket, `SecureBucket 'reports': ${problem}`);
    });
});

describe("bucketNameProblem", () => {
    it.each(["ab", "a".repeat(64), "-reports", "reports-", "re..ports", "192.168.1.10", "xn--reports", "reports-s3alias"])("refuses %s", (name) => {
        expect(bucketNameProblem(name)).toContain("bucketName must be a valid S3 bucket name");
    });
    it.each(["abc", "intelgraph-neo4j-backups-123456789012-us-west-2", "logs.example.com"])("accepts %s", (name) => {
        expect(bucketNameProblem(name)).toBeUndefined();
    });
});
