import type { StackValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { read, readPath } from "../lib/read";
import { ofType, referencedResource } from "../lib/stack";

const REMEDIATION = "Set intelgraph:aurora.instances to at least 2; AuroraGlobal spreads instances over the stack's AZs";

export const capacityAurora: StackValidationPolicy = {
    name: "intelgraph-capacity-aurora",
    description:
        "N+1 capacity: every Aurora regional cluster (primary or secondary) has at least minInstances instances in at least minAzs AZs, so losing an instance or an AZ leaves a writer, also after a global failover promotes the secondary.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { minInstances: { type: "integer", minimum: 2, default: 2 }, minAzs: { type: "integer", minimum: 2, default: 2 } } },
    validateStack: (args, reportViolation) => {
        const { minInstances, minAzs } = args.getConfig<{ minInstances: number; minAzs: number }>();
        const instances = ofType(args.resources, "aws:rds/clusterInstance:ClusterInstance");
        for (const cluster of ofType(args.resources, "aws:rds/cluster:Cluster")) {
            const members = instances.filter((i) => referencedResource(i, "clusterIdentifier", readPath(i.props, ["clusterIdentifier"]), [cluster], ["clusterIdentifier", "id"]) === cluster);
            const subject = subjectOf(cluster);
            if (members.length < minInstances) {
                reportViolation(violationMessage(subject, "instances", members.length, `at least ${minInstances} cluster instances`, REMEDIATION), cluster.urn);
            }
            const azs = new Set(members.map((i) => read(() => i.props.availabilityZone)).filter((az) => typeof az === "string"));
            if (members.length >= minInstances && azs.size < minAzs) {
                reportViolation(violationMessage(subject, "instances' availabilityZone", [...azs].sort(), `at least ${minAzs} distinct AZs`, REMEDIATION), cluster.urn);
            }
        }
    },
};
