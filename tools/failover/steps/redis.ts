/**
 * ElastiCache global datastore. Planned: FailoverGlobalReplicationGroup to the target member. Unplanned: only
 * a secondary can leave a datastore (DisassociateGlobalReplicationGroup, ElastiCache API Reference: "Remove a
 * secondary cluster ... will remain as a standalone cluster"), so the survivor's own member is disassociated,
 * through its own region's endpoint, and serves as the primary.
 */
import { DescribeGlobalReplicationGroupsCommand, DescribeReplicationGroupsCommand, DisassociateGlobalReplicationGroupCommand, FailoverGlobalReplicationGroupCommand } from "@aws-sdk/client-elasticache";
import { STEP_BUDGETS } from "../budgets";
import type { FailoverInputs } from "../inputs";
import type { Step, StepContext } from "../types";

async function targetGroup(ctx: StepContext) {
    const { to } = ctx.inputs;
    const res = await ctx.clients.in(to.region).elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: to.redisReplicationGroupId }));
    return res.ReplicationGroups?.[0];
}

async function targetRole(ctx: StepContext): Promise<string | undefined> {
    const { to } = ctx.inputs;
    const res = await ctx.clients.in(to.region).elasticache.send(new DescribeGlobalReplicationGroupsCommand({ GlobalReplicationGroupId: to.redisGlobalReplicationGroupId, ShowMemberInfo: true }));
    return res.GlobalReplicationGroups?.[0]?.Members?.find((m) => m.ReplicationGroupId === to.redisReplicationGroupId && m.ReplicationGroupRegion === to.region)?.Role;
}

export function redisStep(inputs: FailoverInputs): Step {
    const { to, mode } = inputs;
    const planned = mode === "planned";
    const params = planned
        ? { GlobalReplicationGroupId: to.redisGlobalReplicationGroupId, PrimaryRegion: to.region, PrimaryReplicationGroupId: to.redisReplicationGroupId }
        : { GlobalReplicationGroupId: to.redisGlobalReplicationGroupId, ReplicationGroupId: to.redisReplicationGroupId, ReplicationGroupRegion: to.region };
    return {
        id: "redis",
        title: planned ? `ElastiCache: make ${to.redisReplicationGroupId} the datastore's primary` : `ElastiCache: disassociate the surviving member ${to.redisReplicationGroupId}; it serves as a standalone primary`,
        calls: [{ service: "elasticache", region: to.region, operation: planned ? "FailoverGlobalReplicationGroup" : "DisassociateGlobalReplicationGroup", params }],
        precondition: `${to.redisReplicationGroupId} is available and a secondary member of ${to.redisGlobalReplicationGroupId}`,
        check: planned ? "DescribeGlobalReplicationGroups: the target member's Role is PRIMARY" : "DescribeReplicationGroups: the target group has no GlobalReplicationGroupInfo and is available",
        expectedSeconds: STEP_BUDGETS.redis.seconds,
        durationSource: STEP_BUDGETS.redis.source,
        timeoutSeconds: 900,
        manual: planned
            ? `aws elasticache failover-global-replication-group --region ${to.region} --global-replication-group-id ${to.redisGlobalReplicationGroupId} --primary-region ${to.region} --primary-replication-group-id ${to.redisReplicationGroupId}`
            : `aws elasticache disassociate-global-replication-group --region ${to.region} --global-replication-group-id ${to.redisGlobalReplicationGroupId} --replication-group-id ${to.redisReplicationGroupId} --replication-group-region ${to.region}`,
        async done(ctx) {
            const g = await targetGroup(ctx);
            if (planned) return g?.Status === "available" && (await targetRole(ctx))?.toUpperCase() === "PRIMARY";
            return g?.Status === "available" && !g.GlobalReplicationGroupInfo?.GlobalReplicationGroupId;
        },
        async refuse(ctx) {
            const g = await targetGroup(ctx);
            if (!g) return `replication group ${to.redisReplicationGroupId} not found in ${to.region}`;
            if (g.Status !== "available") return `replication group ${to.redisReplicationGroupId} is ${g.Status}, not available: wait for it, then re-run`;
            if (g.GlobalReplicationGroupInfo?.GlobalReplicationGroupId !== to.redisGlobalReplicationGroupId) return `${to.redisReplicationGroupId} is not a member of ${to.redisGlobalReplicationGroupId}`;
            return undefined;
        },
        async perform(ctx) {
            const ec = ctx.clients.in(to.region).elasticache;
            if (planned) await ec.send(new FailoverGlobalReplicationGroupCommand({ GlobalReplicationGroupId: to.redisGlobalReplicationGroupId, PrimaryRegion: to.region, PrimaryReplicationGroupId: to.redisReplicationGroupId }));
            else await ec.send(new DisassociateGlobalReplicationGroupCommand({ GlobalReplicationGroupId: to.redisGlobalReplicationGroupId, ReplicationGroupId: to.redisReplicationGroupId, ReplicationGroupRegion: to.region }));
        },
    };
}
