/**
 * Aurora global database: a switchover when planned, a managed failover allowing data loss when not. Both are
 * sent to the target (surviving) region's RDS endpoint: a failover is designed to run while the primary Region
 * is unreachable (Aurora User Guide, "Recovering an Amazon Aurora global database from an unplanned outage";
 * FailoverGlobalCluster, RDS API Reference: AllowDataLoss for a failover, omitted for a switchover).
 */
import { GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, SwitchoverGlobalClusterCommand } from "@aws-sdk/client-rds";
import { STEP_BUDGETS } from "../budgets";
import type { FailoverInputs } from "../inputs";
import type { Step, StepContext } from "../types";

async function globalState(ctx: StepContext) {
    const { to } = ctx.inputs;
    const res = await ctx.clients.in(to.region).rds.send(new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: to.auroraGlobalClusterId }));
    const g = res.GlobalClusters?.[0];
    const target = g?.GlobalClusterMembers?.find((m) => m.DBClusterArn === to.auroraClusterArn);
    return { global: g, targetIsWriter: target?.IsWriter === true, member: target !== undefined, inProgress: g?.FailoverState?.Status !== undefined && g.FailoverState.Status !== "cancelling" };
}

/**
 * The newest AuroraGlobalDBReplicationLag (ms) of the target cluster: emitted by the secondary's region for
 * the secondary cluster (Aurora User Guide, "Monitoring Aurora global databases": AWS/RDS, DBClusterIdentifier).
 */
async function replicationLagMs(ctx: StepContext): Promise<number | undefined> {
    const { to } = ctx.inputs;
    const end = new Date(ctx.now());
    const res = await ctx.clients.in(to.region).cloudwatch.send(
        new GetMetricStatisticsCommand({
            Namespace: "AWS/RDS",
            MetricName: "AuroraGlobalDBReplicationLag",
            Dimensions: [{ Name: "DBClusterIdentifier", Value: to.auroraClusterId }],
            StartTime: new Date(end.getTime() - 5 * 60_000),
            EndTime: end,
            Period: 60,
            Statistics: ["Maximum"],
        }),
    );
    const points = [...(res.Datapoints ?? [])].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0));
    return points[0]?.Maximum;
}

export function auroraStep(inputs: FailoverInputs): Step {
    const { to, mode } = inputs;
    const params = { GlobalClusterIdentifier: to.auroraGlobalClusterId, TargetDbClusterIdentifier: to.auroraClusterArn, ...(mode === "unplanned" ? { AllowDataLoss: true } : {}) };
    return {
        id: "aurora",
        title: mode === "planned" ? `Aurora: switch the global database over to ${to.stack}` : `Aurora: fail the global database over to ${to.stack}, accepting the replication lag as data loss`,
        calls: [{ service: "rds", region: to.region, operation: mode === "planned" ? "SwitchoverGlobalCluster" : "FailoverGlobalCluster", params }],
        precondition:
            mode === "planned"
                ? `${to.auroraClusterId} is a member, not the writer; no failover in progress; AuroraGlobalDBReplicationLag <= ${inputs.maxLagMs} ms`
                : `${to.auroraClusterId} is a member, not the writer; no failover in progress (lag is recorded as the RPO, not a condition)`,
        check: `DescribeGlobalClusters: ${to.auroraClusterArn} IsWriter and no FailoverState`,
        expectedSeconds: STEP_BUDGETS.aurora.seconds,
        durationSource: STEP_BUDGETS.aurora.source,
        timeoutSeconds: 900,
        manual: `aws rds ${mode === "planned" ? "switchover-global-cluster" : "failover-global-cluster --allow-data-loss"} --region ${to.region} --global-cluster-identifier ${to.auroraGlobalClusterId} --target-db-cluster-identifier ${to.auroraClusterArn}`,
        async done(ctx) {
            const s = await globalState(ctx);
            return s.targetIsWriter && !s.inProgress;
        },
        async refuse(ctx) {
            const s = await globalState(ctx);
            if (!s.global) return `global cluster ${to.auroraGlobalClusterId} not found in ${to.region}`;
            if (!s.member) return `${to.auroraClusterArn} is not a member of ${to.auroraGlobalClusterId}: check --to and the outputs file`;
            if (s.inProgress) return `a ${s.global.FailoverState?.Status} failover is already in progress on ${to.auroraGlobalClusterId}: wait for it, then re-run`;
            const lag = await replicationLagMs(ctx);
            if (lag !== undefined) ctx.record("auroraReplicationLagMsAtCut", lag);
            if (mode === "planned") {
                if (lag === undefined) return `no AuroraGlobalDBReplicationLag for ${to.auroraClusterId} in the last 5 minutes: replication may be broken; a planned switchover needs a healthy secondary (use --unplanned if the primary is lost)`;
                if (lag > inputs.maxLagMs) return `Aurora replication lag of ${to.auroraClusterId} is ${lag} ms, above the planned-switchover limit of ${inputs.maxLagMs} ms (--max-lag-ms): wait for it to drop`;
            }
            return undefined;
        },
        async perform(ctx) {
            const rds = ctx.clients.in(to.region).rds;
            // Not retried: a second call while the first runs is refused; a re-run reads the state instead.
            if (mode === "planned") await rds.send(new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier: params.GlobalClusterIdentifier, TargetDbClusterIdentifier: params.TargetDbClusterIdentifier }));
            else await rds.send(new FailoverGlobalClusterCommand({ GlobalClusterIdentifier: params.GlobalClusterIdentifier, TargetDbClusterIdentifier: params.TargetDbClusterIdentifier, AllowDataLoss: true }));
        },
    };
}
