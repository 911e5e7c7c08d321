import type { StackValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { ofType } from "../lib/stack";
import { subnetAzs } from "../lib/zones";

const REMEDIATION = "Let RegionalVpc create one NAT gateway in each AZ's public subnet";

export const capacityNatPerAz: StackValidationPolicy = {
    name: "intelgraph-capacity-nat-per-az",
    description: "N+1 capacity: every VPC has a NAT gateway in each of its azCount AZs, so losing an AZ never cuts another AZ's egress.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { azCount: { type: "integer", minimum: 1, default: 3 } } },
    validateStack: (args, reportViolation) => {
        const { azCount } = args.getConfig<{ azCount: number }>();
        for (const vpc of ofType(args.resources, "aws:ec2/vpc:Vpc")) {
            // NAT gateways of this VPC: those whose subnet belongs to it (by value or by dependency).
            const vpcSubnets = new Set(ofType(args.resources, "aws:ec2/subnet:Subnet").filter((s) => (s.propertyDependencies.vpcId ?? []).includes(vpc)));
            const nats = ofType(args.resources, "aws:ec2/natGateway:NatGateway").filter((n) => (n.propertyDependencies.subnetId ?? []).some((s) => vpcSubnets.has(s)));
            const azs = [...new Set(nats.flatMap((n) => subnetAzs(n, "subnetId", args.resources)))].sort();
            if (azs.length < azCount) {
                reportViolation(violationMessage(subjectOf(vpc), "NAT gateways' availability zones", azs, `a NAT gateway in each of ${azCount} AZs`, REMEDIATION), vpc.urn);
            }
        }
    },
};
