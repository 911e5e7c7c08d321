import type { ResourceValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { read } from "../lib/read";

const REMEDIATION = "Set intelgraph:redis.nodes to at least 2; RedisGlobal turns on Multi-AZ and automatic failover";

export const capacityRedis: ResourceValidationPolicy = {
    name: "intelgraph-capacity-redis",
    description:
        "N+1 capacity: every ElastiCache replication group has at least minNodes nodes with automatic failover and Multi-AZ, so losing the primary node or its AZ promotes a replica instead of losing the cache.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { minNodes: { type: "integer", minimum: 2, default: 2 } } },
    validateResource: (args, reportViolation) => {
        if (args.type !== "aws:elasticache/replicationGroup:ReplicationGroup") args.notApplicable("not an ElastiCache replication group");
        const { minNodes } = args.getConfig<{ minNodes: number }>();
        const subject = subjectOf(args);
        const clusters = read(() => args.props.numCacheClusters);
        const shards = read(() => args.props.numNodeGroups);
        const replicas = read(() => args.props.replicasPerNodeGroup);
        const nodes = typeof clusters === "number" ? clusters : typeof replicas === "number" ? replicas + 1 : typeof shards === "number" ? 1 : clusters;
        if (typeof nodes !== "number" || nodes < minNodes) reportViolation(violationMessage(subject, "numCacheClusters", nodes, `at least ${minNodes}`, REMEDIATION));
        const failover = read(() => args.props.automaticFailoverEnabled);
        if (failover !== true) reportViolation(violationMessage(subject, "automaticFailoverEnabled", failover, "true", REMEDIATION));
        const multiAz = read(() => args.props.multiAzEnabled);
        if (multiAz !== true) reportViolation(violationMessage(subject, "multiAzEnabled", multiAz, "true", REMEDIATION));
    },
};
