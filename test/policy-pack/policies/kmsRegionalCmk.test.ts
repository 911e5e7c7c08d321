import { describe, expect, it } from "vitest";
import { UNKNOWN } from "../../../tools/offline/wire";
import { addProviderIn, byName, messages, type Resources, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-kms-regional-cmk";
const WEST_KEY = "arn:aws:kms:us-west-2:123456789012:key/4609428b-f7e9-46cf-a908-7dd1391b1041";

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", false],
        ["us-west-2", true],
        ["us-east-1", true],
    ] as const)("passes the compliant %s stack (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it("flags a us-east-1 resource encrypted with the us-west-2 key (known ARN)", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "aurora-cluster"), "kmsKeyId", WEST_KEY);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): kmsKeyId is "${WEST_KEY}"; required: a key of us-east-1 (this one, found through a key ARN, is in us-west-2). Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.`,
        ]);
    });

    it("flags a us-east-1 resource depending on a us-west-2 key at first preview (ARN unknown)", async () => {
        const resources: Resources = await stackResources("us-east-1", true);
        // The secondary's own key, moved to a provider of the primary's region: the dependency is all a first preview has.
        const key = byName(resources, "kms-key");
        key.provider = addProviderIn(resources, "us-east-1", "us-west-2").replace(/::provider-id$/, `::${UNKNOWN}`);
        const found = await messages(resources, "us-east-1", RULE);
        expect(found).toContain(
            "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): kmsKeyId is unknown until deploy; required: a key of us-east-1 (this one, found through its dependency on a key of this stack, is in us-west-2). Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.",
        );
        expect(found.length).toBeGreaterThanOrEqual(10);
    });

    it("flags encryption disabled on a cache", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "redis-group"), "atRestEncryptionEnabled", false);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "aws:elasticache/replicationGroup:ReplicationGroup 'redis-group' (us-west-2): atRestEncryptionEnabled is false; required: true. Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.",
        ]);
    });

    it("flags an AWS-managed key and a missing key", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "network-flow-logs"), "kmsKeyId", "alias/aws/logs");
        setProp(byName(resources, "aurora-master-secret"), "kmsKeyId", undefined);
        expect((await messages(resources, "us-west-2", RULE)).sort()).toEqual([
            "aws:cloudwatch/logGroup:LogGroup 'network-flow-logs' (us-west-2): kmsKeyId is \"alias/aws/logs\"; required: a customer-managed KMS key of us-west-2. Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.",
            "aws:secretsmanager/secret:Secret 'aurora-master-secret' (us-west-2): kmsKeyId is not set; required: a customer-managed KMS key of us-west-2. Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.",
        ]);
    });

    it("checks the EBS StorageClass and launch-template volumes too", async () => {
        const resources = await stackResources("us-west-2");
        const sc = byName(resources, "eks-gp3-encrypted");
        setProp(sc, "parameters", { type: "gp3", encrypted: "false" });
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "kubernetes:storage.k8s.io/v1:StorageClass 'eks-gp3-encrypted' (us-west-2): parameters.encrypted is \"false\"; required: \"true\". Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.",
            "kubernetes:storage.k8s.io/v1:StorageClass 'eks-gp3-encrypted' (us-west-2): parameters.kmsKeyId is not set; required: a customer-managed KMS key of us-west-2. Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.",
        ]);
    });

    it("accepts SSE-S3 only on the ALB access-log bucket (ELB log delivery supports nothing else)", async () => {
        const resources = await stackResources("us-west-2");
        const aes = { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] };
        expect(byName(resources, "api-access-logs-encryption").inputs!.rules).toEqual(aes.rules);
        setProp(byName(resources, "neo4j-backups-encryption"), "rules", aes.rules);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration 'neo4j-backups-encryption' (us-west-2): rules[0].applyServerSideEncryptionByDefault.sseAlgorithm is \"AES256\"; required: \"aws:kms\". Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration 'neo4j-backups-encryption' (us-west-2): rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId is not set; required: a customer-managed KMS key of us-west-2. Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key.",
        ]);
    });
});
