/**
 * Capacity in the target region. No cluster autoscaler is deployed, so the CLI sets each node group's
 * desiredSize to its maxSize (the size the stack file sized for a failover; the plan's quota report checks the
 * account can hold it) and waits for the instances to be InService in the node group's Auto Scaling group.
 * desiredSize is ignored by the program (EksCluster), so the next `pulumi up` keeps it; min and max stay config.
 * UpdateNodegroupConfig is regional (EKS API Reference) and idempotent for equal sizes: retried.
 */
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeNodegroupCommand, UpdateNodegroupConfigCommand } from "@aws-sdk/client-eks";
import { STEP_BUDGETS } from "../budgets";
import { withRetries } from "../retry";
import type { FailoverInputs } from "../inputs";
import type { Step, StepContext } from "../types";

async function nodegroup(ctx: StepContext, name: string) {
    const { to } = ctx.inputs;
    const res = await ctx.clients.in(to.region).eks.send(new DescribeNodegroupCommand({ clusterName: to.eksClusterName, nodegroupName: name }));
    const ng = res.nodegroup;
    if (!ng?.scalingConfig) throw new Error(`node group ${name} of ${to.eksClusterName} not found in ${to.region}`);
    return ng;
}

async function inService(ctx: StepContext, asgNames: string[]): Promise<number> {
    if (!asgNames.length) return 0;
    const res = await ctx.clients.in(ctx.inputs.to.region).autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: asgNames }));
    return (res.AutoScalingGroups ?? []).flatMap((g) => g.Instances ?? []).filter((i) => i.LifecycleState === "InService" && i.HealthStatus === "Healthy").length;
}

export function capacityStep(inputs: FailoverInputs): Step {
    const { to } = inputs;
    // eksNodeGroupNames lists every group, the graph ones included.
    const groups = [...new Set([...to.eksNodeGroupNames, ...to.eksGraphNodeGroupNames])];
    return {
        id: "capacity",
        title: `EKS: scale ${to.eksClusterName}'s node groups to their maxSize and wait for the nodes`,
        calls: groups.map((g) => ({ service: "eks", region: to.region, operation: "UpdateNodegroupConfig", params: { clusterName: to.eksClusterName, nodegroupName: g, scalingConfig: { desiredSize: "<maxSize>" } } })),
        precondition: "each node group ACTIVE (DescribeNodegroup)",
        check: "desiredSize = maxSize and that many InService, Healthy instances in each node group's Auto Scaling group",
        expectedSeconds: STEP_BUDGETS.capacity.seconds,
        durationSource: STEP_BUDGETS.capacity.source,
        timeoutSeconds: 1200,
        manual: `aws eks update-nodegroup-config --region ${to.region} --cluster-name ${to.eksClusterName} --nodegroup-name <each of ${groups.join(", ")}> --scaling-config desiredSize=<its maxSize>`,
        async done(ctx) {
            for (const g of groups) {
                const ng = await nodegroup(ctx, g);
                const sc = ng.scalingConfig!;
                if (sc.desiredSize !== sc.maxSize) return false;
                const asgs = (ng.resources?.autoScalingGroups ?? []).map((a) => a.name).filter((n): n is string => !!n);
                if ((await inService(ctx, asgs)) < (sc.maxSize ?? 0)) return false;
            }
            return true;
        },
        async refuse(ctx) {
            for (const g of groups) {
                const ng = await nodegroup(ctx, g);
                if (ng.status !== "ACTIVE") return `node group ${g} is ${ng.status}, not ACTIVE: wait for its update to finish, then re-run`;
            }
            return undefined;
        },
        async perform(ctx) {
            const eks = ctx.clients.in(to.region).eks;
            for (const g of groups) {
                const sc = (await nodegroup(ctx, g)).scalingConfig!;
                if (sc.desiredSize === sc.maxSize) continue;
                await withRetries(ctx, () => eks.send(new UpdateNodegroupConfigCommand({ clusterName: to.eksClusterName, nodegroupName: g, scalingConfig: { minSize: sc.minSize, maxSize: sc.maxSize, desiredSize: sc.maxSize } })));
            }
        },
    };
}
