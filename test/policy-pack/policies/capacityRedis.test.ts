import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-capacity-redis";
const FIX = "Set intelgraph:redis.nodes to at least 2; RedisGlobal turns on Multi-AZ and automatic failover.";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-east-1"), "us-east-1", RULE)).toEqual([]);
    });

    it("flags Redis with one node", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "redis-group"), "numCacheClusters", 1);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([`aws:elasticache/replicationGroup:ReplicationGroup 'redis-group' (us-west-2): numCacheClusters is 1; required: at least 2. ${FIX}`]);
    });

    it("flags a group without automatic failover or Multi-AZ", async () => {
        const resources = await stackResources("us-east-1");
        setProp(byName(resources, "redis-group"), "automaticFailoverEnabled", false);
        setProp(byName(resources, "redis-group"), "multiAzEnabled", undefined);
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `aws:elasticache/replicationGroup:ReplicationGroup 'redis-group' (us-east-1): automaticFailoverEnabled is false; required: true. ${FIX}`,
            `aws:elasticache/replicationGroup:ReplicationGroup 'redis-group' (us-east-1): multiAzEnabled is not set; required: true. ${FIX}`,
        ]);
    });
});
