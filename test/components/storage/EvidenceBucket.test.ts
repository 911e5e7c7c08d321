import { describe, expect, it } from "vitest";
import { EvidenceBucket, type EvidenceBucketArgs } from "../../../components/storage/EvidenceBucket";
import { expectRefused, planComponent } from "../../helpers/component";

describe("EvidenceBucket with its own args", () => {
    const args: EvidenceBucketArgs = { bucketName: "test-evidence-eu-west-1", kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/test", mode: "governance", operationalDays: 30, auditDays: 90 };
    const build = (over: Partial<EvidenceBucketArgs> = {}) => planComponent(({ onRegion }) => new EvidenceBucket("evidence", { ...args, ...over }, onRegion), { region: "eu-west-1" });

    it("Object Lock at creation with the given default retention, set after versioning; protected", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const bucket = p.one("aws:s3/bucket:Bucket");
        expect(bucket.protect).toBe(true);
        expect(p.inputs(bucket.type)).toMatchObject({ bucket: "test-evidence-eu-west-1", objectLockEnabled: true, tags: { "intelgraph.io/purpose": "dr-evidence" } });
        const lock = p.one("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration");
        expect(p.inputs(lock.type)).toMatchObject({ objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "GOVERNANCE", days: 30 } } });
        expect(lock.dependencies).toContain(p.one("aws:s3/bucketVersioning:BucketVersioning").urn);
        expect(p.inputs("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules).toMatchObject([{ expiration: { days: 90 } }]);
        expect(() => p.one("aws:s3/bucketLogging:BucketLogging")).toThrow();
    });

    it.each<[string, Partial<EvidenceBucketArgs>, string]>([
        ["an audit retention shorter than the default", { auditDays: 10 }, "EvidenceBucket 'evidence': auditDays must be a whole number of days from operationalDays (30) to 36500, got 10"],
        ["a default retention of zero days", { operationalDays: 0 }, "EvidenceBucket 'evidence': operationalDays must be a whole number of days from 1 to 36500, got 0"],
    ])("refuses %s", async (_what, over, message) => {
        expectRefused(await build(over), EvidenceBucket, message);
    });
});
