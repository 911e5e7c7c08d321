/**
 * Traffic. Unplanned: no Route 53 call (its control plane is in us-east-1, AWS "AWS Fault Isolation Boundaries");
 * the health checks already answer with the healthy region, and the API's /healthz contract (README: 200 only
 * where the region's Aurora cluster is the global writer) pins traffic to the new writer, so a recovered old
 * primary does not take it back; failback is the only way back. Planned: the weights are stack config
 * (`intelgraph:dns.weight`), changed in a reviewed commit and applied with `pulumi up` of both stacks; the CLI
 * checks the result in the target's outputs file (re-exported after that up) and never writes records itself,
 * so the next `pulumi up` has nothing to revert. Either way, traffic moves only to healthy targets.
 */
import { GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import type { FailoverInputs } from "../inputs";
import type { Step, StepContext } from "../types";

/** `arn:...:loadbalancer/app/<name>/<id>` -> `app/<name>/<id>`; `...:targetgroup/<name>/<id>` -> `targetgroup/<name>/<id>` (CloudWatch dimensions, ELB User Guide "CloudWatch metrics for your Application Load Balancer"). */
export const albDimension = (arn: string, kind: "loadbalancer" | "targetgroup"): string => (kind === "loadbalancer" ? arn.split(":loadbalancer/")[1] : `targetgroup/${arn.split(":targetgroup/")[1]}`);

async function healthyHosts(ctx: StepContext): Promise<number | undefined> {
    const { to } = ctx.inputs;
    const end = new Date(ctx.now());
    const res = await ctx.clients.in(to.region).cloudwatch.send(
        new GetMetricStatisticsCommand({
            Namespace: "AWS/ApplicationELB",
            MetricName: "HealthyHostCount",
            Dimensions: [
                { Name: "TargetGroup", Value: albDimension(to.apiTargetGroupArn, "targetgroup") },
                { Name: "LoadBalancer", Value: albDimension(to.apiLoadBalancerArn, "loadbalancer") },
            ],
            StartTime: new Date(end.getTime() - 3 * 60_000),
            EndTime: end,
            Period: 60,
            Statistics: ["Minimum"],
        }),
    );
    const points = [...(res.Datapoints ?? [])].sort((a, b) => (b.Timestamp?.getTime() ?? 0) - (a.Timestamp?.getTime() ?? 0));
    return points[0]?.Minimum;
}

export function dnsStep(inputs: FailoverInputs): Step {
    const { to, from, mode } = inputs;
    const planned = mode === "planned";
    return {
        id: "dns",
        title: planned ? `DNS: weights to ${to.stack} (stack config, pulumi up)` : "DNS: no call; the health checks and the writer-aware /healthz moved traffic",
        calls: [],
        precondition: `HealthyHostCount of ${to.stack}'s API target group >= 1 (AWS/ApplicationELB, last 3 minutes)`,
        check: planned ? `${to.stack}'s outputs file shows dnsWeight > 0 (re-exported after pulumi up)` : "none beyond the precondition: Route 53 answers with the healthy region",
        expectedSeconds: planned ? 120 : 0,
        durationSource: planned ? "pulumi up of the two record changes (Route 53 propagates changes within 60 s: Route 53 API Reference, GetChange INSYNC)" : "no call",
        timeoutSeconds: 60,
        manual: planned
            ? `set intelgraph:dns.weight to 100 in Pulumi.${to.stack}.yaml and 0 in Pulumi.${from.stack}.yaml (reviewed change), pulumi up -s ${to.stack} and -s ${from.stack}, then re-export ${to.stack}'s outputs and re-run`
            : "none",
        async done(ctx) {
            if (planned) return to.dnsWeight > 0;
            return ((await healthyHosts(ctx)) ?? 0) >= 1;
        },
        async refuse(ctx) {
            const n = await healthyHosts(ctx);
            if (n === undefined || n < 1) return `the API target group of ${to.stack} has ${n ?? "no reported"} healthy targets: traffic must not move there (check the API Deployment and the load balancer controller, region-failover.md step 3)`;
            return undefined;
        },
        async perform() {
            if (planned) throw new Error(`apply the weights by config: ${this.manual}`);
        },
    };
}
