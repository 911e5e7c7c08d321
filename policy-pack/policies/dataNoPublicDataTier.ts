import type { ResourceValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { read, readPath } from "../lib/read";

const OPEN = new Set(["0.0.0.0/0", "::/0"]);
const BLOCKS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const dataNoPublicDataTier: ResourceValidationPolicy = {
    name: "intelgraph-data-no-public-data-tier",
    description:
        "Exposure: the data tier is never reachable from the internet: database instances are not publicly accessible, buckets block every kind of public access, and the EKS API is never open to 0.0.0.0/0.",
    enforcementLevel: "mandatory",
    remediationSteps: "Keep databases on the isolated subnets with publiclyAccessible false, give every bucket a public access block with all four settings true, and list only known CIDRs in intelgraph:eks.publicAccessCidrs.",
    validateResource: (args, reportViolation) => {
        const subject = subjectOf(args);
        switch (args.type) {
            case "aws:rds/clusterInstance:ClusterInstance": {
                const v = read(() => args.props.publiclyAccessible);
                if (v === true) reportViolation(violationMessage(subject, "publiclyAccessible", v, "false", "Set publiclyAccessible false; apps reach the database over the VPC"));
                break;
            }
            case "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock":
                for (const k of BLOCKS) {
                    const v = read(() => args.props[k]);
                    if (v !== true) reportViolation(violationMessage(subject, k, v, "true", "Block every kind of public access on data and backup buckets"));
                }
                break;
            case "aws:eks/cluster:Cluster": {
                const cidrs = readPath(args.props, ["vpcConfig", "publicAccessCidrs"]);
                const publicOn = readPath(args.props, ["vpcConfig", "endpointPublicAccess"]);
                if (publicOn === true && (!Array.isArray(cidrs) || cidrs.some((c) => OPEN.has(String(c))))) {
                    reportViolation(violationMessage(subject, "vpcConfig.publicAccessCidrs", cidrs, "explicit CIDRs, never 0.0.0.0/0 (or keep the endpoint private)", "List the operators' CIDRs in intelgraph:eks.publicAccessCidrs"));
                }
                break;
            }
            default:
                args.notApplicable("not a data-tier or API endpoint type");
        }
    },
};
