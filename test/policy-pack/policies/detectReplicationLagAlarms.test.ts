import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-detect-replication-lag-alarms";
const FIX =
    "Declare the tier's lag alarm with the region's DataTierAlarms (stacks/monitoring.ts), for the graph its GraphLagAlarm (with the LagExporter of stacks/graphTier.ts), or, for backup replication, the interconnect's BackupReplicationAlarms, notifying the region's NotificationTopic.";
const AURORA = "aws:rds/cluster:Cluster 'aurora-cluster'";
const REDIS = "aws:elasticache/replicationGroup:ReplicationGroup 'redis-group'";
const required = (metric: string, dimension: string, region: string) =>
    `required: a CloudWatch alarm on ${metric} (${dimension}) notifying an SNS topic of ${region} encrypted with a key of that region. ${FIX}`;

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-east-1", false],
        ["us-west-2", true],
        ["us-east-1", true],
        ["interconnect-us", false],
        ["interconnect-us", true],
    ] as const)("passes the compliant %s stack (preview %s): every member of the global cluster and datastore has its alarm", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it.each([false, true])("flags the Aurora member whose lag alarm was removed (preview %s)", async (preview) => {
        const resources = (await stackResources("us-east-1", preview)).filter((r) => !r.urn.endsWith("::data-alarms-aurora-replication-lag"));
        expect(await messages(resources, "us-east-1", RULE)).toEqual([`${AURORA} (us-east-1): lag alarm is not set; ${required("AuroraGlobalDBReplicationLag", "DBClusterIdentifier", "us-east-1")}`]);
    });

    it.each([false, true])("flags the Redis member whose lag alarm was removed, in the primary too (preview %s)", async (preview) => {
        const resources = (await stackResources("us-west-2", preview)).filter((r) => !r.urn.endsWith("::data-alarms-redis-replication-lag"));
        expect(await messages(resources, "us-west-2", RULE)).toEqual([`${REDIS} (us-west-2): lag alarm is not set; ${required("GlobalDatastoreReplicationLag", "CacheClusterId", "us-west-2")}`]);
    });

    it.each([false, true])("flags the backup replication rule whose latency alarm was removed, in the interconnect (preview %s)", async (preview) => {
        const resources = (await stackResources("interconnect-us", preview)).filter((r) => !r.urn.endsWith("::neo4j-backup-replication-alarms-latency-us-east-1"));
        expect(await messages(resources, "interconnect-us", RULE)).toEqual([
            `aws:s3/bucketReplicationConfig:BucketReplicationConfig 'neo4j-backup-replication-config' (us-west-2): lag alarm of rule backups-to-us-east-1 is not set; ${required("ReplicationLatency", "RuleId", "us-west-2")}`,
        ]);
    });

    it.each([
        ["us-west-2", false],
        ["us-east-1", true],
    ] as const)("flags the Neo4j cluster whose lag alarm was removed (%s, preview %s)", async (stack, preview) => {
        const resources = (await stackResources(stack, preview)).filter((r) => !r.urn.endsWith("::graph-lag-alarm-alarm"));
        expect(await messages(resources, stack, RULE)).toEqual([
            `kubernetes:apps/v1:StatefulSet 'neo4j-server-0' (${stack}): lag alarm of Neo4j cluster intelgraph-graph is not set; ${required("SecondaryReplicationLagTransactions", "Cluster", stack)}`,
        ]);
    });

    it("flags a graph lag alarm that watches another cluster", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "graph-lag-alarm-alarm"), "dimensions", { Cluster: "someone-else" });
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `kubernetes:apps/v1:StatefulSet 'neo4j-server-0' (us-east-1): lag alarm of Neo4j cluster intelgraph-graph is not set; ${required("SecondaryReplicationLagTransactions", "Cluster", "us-east-1")}`,
        ]);
    });

    it("flags a lag alarm that watches another cluster", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "data-alarms-aurora-replication-lag"), "dimensions", { DBClusterIdentifier: "someone-else" });
        expect(await messages(resources, "us-east-1", RULE)).toEqual([`${AURORA} (us-east-1): lag alarm is not set; ${required("AuroraGlobalDBReplicationLag", "DBClusterIdentifier", "us-east-1")}`]);
    });

    it("flags a lag alarm without its action", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "data-alarms-redis-replication-lag"), "alarmActions", []);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `${REDIS} (us-east-1): alarmActions of lag alarm 'data-alarms-redis-replication-lag' is "not set"; ${required("GlobalDatastoreReplicationLag", "CacheClusterId", "us-east-1")}`,
        ]);
    });

    it("flags a lag alarm whose topic is not encrypted with the region's key", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "alerts-topic"), "kmsMasterKeyId", "alias/aws/sns");
        const found = await messages(resources, "us-east-1", RULE);
        expect(found).toHaveLength(3);
        expect(found[0]).toBe(
            `${AURORA} (us-east-1): alarmActions of lag alarm 'data-alarms-aurora-replication-lag' is "1 action(s), none an SNS topic of us-east-1 under its key"; ${required("AuroraGlobalDBReplicationLag", "DBClusterIdentifier", "us-east-1")}`,
        );
    });
});
