/** AWS as the failover CLI sees it, faked with aws-sdk-client-mock: a small state machine per service. */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch";
import { DescribeNodegroupCommand, EKSClient, UpdateNodegroupConfigCommand } from "@aws-sdk/client-eks";
import {
    DescribeGlobalReplicationGroupsCommand,
    DescribeReplicationGroupsCommand,
    DisassociateGlobalReplicationGroupCommand,
    ElastiCacheClient,
    FailoverGlobalReplicationGroupCommand,
} from "@aws-sdk/client-elasticache";
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, RDSClient, SwitchoverGlobalClusterCommand } from "@aws-sdk/client-rds";
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";

type Stub = ReturnType<typeof mockClient>;
import type { StackView } from "../../../tools/failover/inputs";

export interface FakeState {
    auroraWriter: string;
    /** Once a switchover/failover is accepted, whether AWS ever finishes it. */
    auroraCompletes: boolean;
    lagMs: number | undefined;
    healthyHosts: number;
    redisPrimary: string;
    redisMember: boolean;
    desired: Record<string, number>;
    objects: Set<string>;
    /** Bodies of the objects put (string bodies only). */
    bodies: Map<string, string>;
}

export interface Recorded {
    readonly service: string;
    readonly operation: string;
    readonly region: string;
    readonly input: Record<string, unknown>;
}

const MUTATING = /^(Switchover|Failover|Disassociate|Update|Put|Create|Delete|Modify|Set)/;

export function fakeAws(from: StackView, to: StackView) {
    const state: FakeState = {
        auroraWriter: from.auroraClusterArn,
        auroraCompletes: true,
        lagMs: 800,
        healthyHosts: 3,
        redisPrimary: from.redisReplicationGroupId,
        redisMember: true,
        desired: {},
        objects: new Set(),
        bodies: new Map(),
    };
    const maxOf = (ng: string) => (ng.includes("graph") ? 2 : 8);
    const stubs: [string, Stub][] = [];
    const make = <C>(service: string, client: C) => {
        const m = mockClient(client as never) as unknown as Stub;
        stubs.push([service, m]);
        return m;
    };
    const rds = make("rds", RDSClient);
    rds.on(DescribeGlobalClustersCommand).callsFake(() => ({
        GlobalClusters: [{ GlobalClusterIdentifier: to.auroraGlobalClusterId, GlobalClusterMembers: [from, to].map((s) => ({ DBClusterArn: s.auroraClusterArn, IsWriter: state.auroraWriter === s.auroraClusterArn })) }],
    }));
    const promote = (input: { TargetDbClusterIdentifier?: string }) => {
        if (state.auroraCompletes) state.auroraWriter = String(input.TargetDbClusterIdentifier);
        return {};
    };
    rds.on(SwitchoverGlobalClusterCommand).callsFake(promote);
    rds.on(FailoverGlobalClusterCommand).callsFake(promote);

    const cw = make("cloudwatch", CloudWatchClient);
    cw.on(GetMetricStatisticsCommand).callsFake((input: { MetricName?: string }) => {
        if (input.MetricName === "AuroraGlobalDBReplicationLag") return { Datapoints: state.lagMs === undefined ? [] : [{ Timestamp: new Date(0), Maximum: state.lagMs }] };
        return { Datapoints: [{ Timestamp: new Date(0), Minimum: state.healthyHosts }] };
    });

    const ec = make("elasticache", ElastiCacheClient);
    ec.on(DescribeReplicationGroupsCommand).callsFake(() => ({
        ReplicationGroups: [{ ReplicationGroupId: to.redisReplicationGroupId, Status: "available", GlobalReplicationGroupInfo: state.redisMember ? { GlobalReplicationGroupId: to.redisGlobalReplicationGroupId, GlobalReplicationGroupMemberRole: "SECONDARY" } : undefined }],
    }));
    ec.on(DescribeGlobalReplicationGroupsCommand).callsFake(() => ({
        GlobalReplicationGroups: [{ Members: [from, to].map((s) => ({ ReplicationGroupId: s.redisReplicationGroupId, ReplicationGroupRegion: s.region, Role: state.redisPrimary === s.redisReplicationGroupId ? "PRIMARY" : "SECONDARY" })) }],
    }));
    ec.on(FailoverGlobalReplicationGroupCommand).callsFake((input: { PrimaryReplicationGroupId?: string }) => ((state.redisPrimary = String(input.PrimaryReplicationGroupId)), {}));
    ec.on(DisassociateGlobalReplicationGroupCommand).callsFake(() => ((state.redisMember = false), {}));

    const eks = make("eks", EKSClient);
    eks.on(DescribeNodegroupCommand).callsFake((input: { nodegroupName?: string }) => {
        const ng = String(input.nodegroupName);
        const max = maxOf(ng);
        return { nodegroup: { nodegroupName: ng, status: "ACTIVE", scalingConfig: { minSize: 1, maxSize: max, desiredSize: state.desired[ng] ?? 1 }, resources: { autoScalingGroups: [{ name: `asg-${ng}` }] } } };
    });
    eks.on(UpdateNodegroupConfigCommand).callsFake((input: { nodegroupName?: string; scalingConfig?: { desiredSize?: number } }) => {
        state.desired[String(input.nodegroupName)] = Number(input.scalingConfig?.desiredSize);
        return { update: { id: "u-1", status: "InProgress" } };
    });
    const asg = make("autoscaling", AutoScalingClient);
    asg.on(DescribeAutoScalingGroupsCommand).callsFake((input: { AutoScalingGroupNames?: string[] }) => ({
        AutoScalingGroups: (input.AutoScalingGroupNames ?? []).map((n) => ({
            AutoScalingGroupName: n,
            Instances: Array.from({ length: state.desired[n.replace(/^asg-/, "")] ?? 1 }, (_, i) => ({ InstanceId: `i-${i}`, LifecycleState: "InService", HealthStatus: "Healthy" })),
        })),
    }));

    const s3 = make("s3", S3Client);
    s3.on(HeadObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
        if (state.objects.has(`${input.Bucket}/${input.Key}`)) return {};
        throw Object.assign(new Error("Not Found"), { name: "NotFound", $metadata: { httpStatusCode: 404 } });
    });
    s3.on(PutObjectCommand).callsFake((input: { Bucket?: string; Key?: string; Body?: unknown }) => {
        state.objects.add(`${input.Bucket}/${input.Key}`);
        if (typeof input.Body === "string") state.bodies.set(`${input.Bucket}/${input.Key}`, input.Body);
        return {};
    });
    s3.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
        const body = state.bodies.get(`${input.Bucket}/${input.Key}`);
        if (body === undefined) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
        return { Body: { transformToString: async () => body } };
    });

    const sts = make("sts", STSClient);
    sts.on(GetCallerIdentityCommand).resolves({ Arn: "arn:aws:sts::123456789012:assumed-role/intelgraph-break-glass/oncall" });

    /** Every call made, with the region of the client that sent it. */
    async function calls(): Promise<Recorded[]> {
        const out: (Recorded & { order: number })[] = [];
        for (const [service, m] of stubs) {
            for (const c of m.calls()) {
                const client = c.thisValue as { config: { region: () => Promise<string> } };
                const cmd = c.args[0] as { constructor: { name: string }; input: Record<string, unknown> };
                out.push({ service, operation: cmd.constructor.name.replace(/Command$/, ""), region: await client.config.region(), input: cmd.input, order: (c as unknown as { callId: number }).callId });
            }
        }
        return out.sort((a, b) => a.order - b.order).map(({ order: _o, ...r }) => r);
    }
    /** The run's evidence records (PutObject under evidence/), apart from the steps' own changes. */
    const isUpload = (c: Recorded) => c.operation === "PutObject" && String(c.input.Key).startsWith("evidence/");
    const mutating = async () => (await calls()).filter((c) => MUTATING.test(c.operation) && !isUpload(c));
    const uploads = async () => (await calls()).filter(isUpload);
    const restore = () => stubs.forEach(([, m]) => m.restore());
    return { state, calls, mutating, uploads, restore, stubs };
}
