import { describe, expect, it } from "vitest";
import type { WireValue } from "../../../tools/offline/wire";
import { type Resources, byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-residency-no-cross-zone";

/** Moves every resource of the stack's home provider to eu-west-1 (zone eu), as an eu-west-1 stack would be. */
function asEuStack(resources: Resources): Resources {
    const provider = byName(resources, "aws-us-east-1", "pulumi:providers:aws");
    provider.inputs!.region = "eu-west-1";
    const tags = JSON.parse(provider.inputs!.defaultTags as string) as { tags: Record<string, string> };
    provider.inputs!.defaultTags = JSON.stringify({ tags: { ...tags.tags, "residency-zone": "eu", "residency-region": "eu-west-1" } });
    provider.outputs = provider.inputs;
    return resources;
}

describe(RULE, () => {
    it("passes the compliant stacks (the secondary joins the primary's global resources, the interconnect links them, within zone us)", async () => {
        for (const stack of ["us-east-1", "us-west-2", "interconnect-us"]) expect(await messages(await stackResources(stack), stack, RULE), stack).toEqual([]);
    });

    it("flags an eu-west-1 stack joining the us global cluster and global datastore", async () => {
        const found = await messages(asEuStack(await stackResources("us-east-1")), "us-east-1", RULE);
        expect(found).toEqual([
            "aws:rds/cluster:Cluster 'aurora-cluster' (eu-west-1): globalClusterIdentifier is \"intelgraph-us-prod\"; required: a target in zone eu; this one is the global resource of zone us (named for it), in zone us. Replicate, peer and share keys only between regions of the same residency zone; a region of another zone gets its own global resources.",
            "aws:elasticache/replicationGroup:ReplicationGroup 'redis-group' (eu-west-1): globalReplicationGroupId is \"ldgnf-intelgraph-us-prod\"; required: a target in zone eu; this one is the global resource of zone us (named for it), in zone us. Replicate, peer and share keys only between regions of the same residency zone; a region of another zone gets its own global resources.",
        ]);
    });

    it("flags an interconnect peering into, and replicating to, a region of another zone", async () => {
        const resources = asEuStack(await stackResources("interconnect-us"));
        const config = byName(resources, "neo4j-backup-replication-config");
        const rules = structuredClone(config.inputs!.rules) as { destination: { encryptionConfiguration: { replicaKmsKeyId: string } } }[];
        rules[0].destination.encryptionConfiguration.replicaKmsKeyId = rules[0].destination.encryptionConfiguration.replicaKmsKeyId.replace(":us-east-1:", ":eu-west-1:");
        setProp(config, "rules", rules as unknown as WireValue);
        expect(await messages(resources, "interconnect-us", RULE)).toEqual([
            "aws:ec2/vpcPeeringConnection:VpcPeeringConnection 'peering-us-east-1-request' (eu-west-1): peerRegion is \"us-west-2\"; required: a target in zone eu; this one is in zone us. Replicate, peer and share keys only between regions of the same residency zone; a region of another zone gets its own global resources.",
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig 'neo4j-backup-replication-config' (us-west-2): rules[0].destination.bucket is \"arn:aws:s3:::intelgraph-neo4j-backups-123456789012-us-east-1\"; required: a target in zone us; this one is a bucket whose replicas are encrypted with a key in eu-west-1, zone eu. Replicate, peer and share keys only between regions of the same residency zone; a region of another zone gets its own global resources.",
        ]);
    });

    it("establishes a member's zone from the global name alone, as real CrossGuard must (stack rules get no StackReference reads)", async () => {
        const registered = (await stackResources("us-east-1")).filter((r) => r.type !== "pulumi:pulumi:StackReference");
        expect(await messages(registered, "us-east-1", RULE)).toEqual([]);
        expect(await messages(asEuStack(registered), "us-east-1", RULE)).toHaveLength(2);
    });

    it("flags membership of a global cluster whose zone cannot be established", async () => {
        const resources = await stackResources("us-east-1");
        const cluster = byName(resources, "aurora-cluster");
        cluster.inputs!.globalClusterIdentifier = "someone-elses-global";
        cluster.outputs!.globalClusterIdentifier = "someone-elses-global";
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): globalClusterIdentifier is \"someone-elses-global\"; required: a target in zone us; this one is not a global resource of this stack or of a referenced stack, so its zone cannot be established. Replicate, peer and share keys only between regions of the same residency zone; a region of another zone gets its own global resources.",
        ]);
    });

    it("flags a KMS replica key of a key in another zone", async () => {
        const resources = await stackResources("us-west-2");
        const key = byName(resources, "kms-key");
        resources.push({ ...structuredClone(key), urn: key.urn.replace("aws:kms/key:Key::kms-key", "aws:kms/replicaKey:ReplicaKey::kms-replica"), type: "aws:kms/replicaKey:ReplicaKey", inputs: { primaryKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" }, outputs: { primaryKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" } });
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "aws:kms/replicaKey:ReplicaKey 'kms-replica' (us-west-2): primaryKeyArn is \"arn:aws:kms:eu-west-1:123456789012:key/abc\"; required: a target in zone us; this one is a key in eu-west-1. Replicate, peer and share keys only between regions of the same residency zone; a region of another zone gets its own global resources.",
        ]);
    });
});
