import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-data-backups-and-deletion-protection";
const FIX = "Restore the component's data-protection defaults.";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-east-1"), "us-east-1", RULE)).toEqual([]);
    });

    it("flags a database without deletion protection, final snapshot or enough backups", async () => {
        const resources = await stackResources("us-west-2");
        const cluster = byName(resources, "aurora-cluster");
        setProp(cluster, "deletionProtection", false);
        setProp(cluster, "skipFinalSnapshot", true);
        setProp(cluster, "backupRetentionPeriod", 1);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `aws:rds/cluster:Cluster 'aurora-cluster' (us-west-2): deletionProtection is false; required: true. ${FIX}`,
            `aws:rds/cluster:Cluster 'aurora-cluster' (us-west-2): skipFinalSnapshot is true; required: false. ${FIX}`,
            `aws:rds/cluster:Cluster 'aurora-cluster' (us-west-2): backupRetentionPeriod is 1; required: at least 7 days. ${FIX}`,
        ]);
    });

    it("flags a cache without snapshots", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "redis-group"), "snapshotRetentionLimit", 0);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `aws:elasticache/replicationGroup:ReplicationGroup 'redis-group' (us-east-1): snapshotRetentionLimit is 0; required: at least 1 day. ${FIX}`,
        ]);
    });
});
