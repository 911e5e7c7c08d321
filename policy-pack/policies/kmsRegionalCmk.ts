import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ACCESS_LOGS_PURPOSE, PURPOSE_TAG } from "../../components/labels";
import { violationMessage } from "../lib/message";
import { type Known, isUnknown, pathText, readPath } from "../lib/read";
import { arnRegion, effectiveTags, homeRegion, locate, regionOf } from "../lib/resources";
import { ofType, referencedResource } from "../lib/stack";


type Path = readonly (string | number)[];
interface Requirement {
    /** A flag that must hold for encryption to be on. */
    readonly flags?: readonly { path: Path; expected: unknown }[];
    /** Key properties that must name a customer-managed key of the resource's region. */
    readonly keys: readonly Path[];
}

/** Buckets that may use S3-managed keys: ELB access-log delivery supports only SSE-S3 (AWS: "Enable access logs for your ALB"). */
export const SSE_S3_ONLY_PURPOSES: ReadonlySet<string> = new Set([ACCESS_LOGS_PURPOSE]);

function bucketOf(r: PolicyResource, resources: readonly PolicyResource[]): PolicyResource | undefined {
    const buckets = resources.filter((b) => b.type === "aws:s3/bucket:Bucket" || b.type === "aws:s3/bucketV2:BucketV2");
    return referencedResource(r, "bucket", readPath(r.props, ["bucket"]), buckets, ["bucket", "id"]);
}

/** What "encrypted with a customer-managed key" means per resource type this platform creates. */
function requirements(r: PolicyResource, resources: readonly PolicyResource[]): Requirement[] {
    const p = (path: Path) => readPath(r.props, path);
    switch (r.type) {
        case "aws:rds/globalCluster:GlobalCluster":
            return [{ flags: [{ path: ["storageEncrypted"], expected: true }], keys: [] }];
        case "aws:rds/cluster:Cluster":
            return [
                { flags: [{ path: ["storageEncrypted"], expected: true }], keys: [["kmsKeyId"]] },
                ...(p(["performanceInsightsEnabled"]) === true ? [{ keys: [["performanceInsightsKmsKeyId"]] }] : []),
            ];
        case "aws:rds/clusterInstance:ClusterInstance":
            return p(["performanceInsightsEnabled"]) === true ? [{ keys: [["performanceInsightsKmsKeyId"]] }] : [];
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            // A global datastore member inherits the encryption flags but needs its own region's key.
            return p(["globalReplicationGroupId"]) !== undefined
                ? [{ keys: [["kmsKeyId"]] }]
                : [{ flags: [{ path: ["atRestEncryptionEnabled"], expected: true }, { path: ["transitEncryptionEnabled"], expected: true }], keys: [["kmsKeyId"]] }];
        case "aws:eks/cluster:Cluster":
            return [{ flags: [{ path: ["encryptionConfig", "resources", 0], expected: "secrets" }], keys: [["encryptionConfig", "provider", "keyArn"]] }];
        case "aws:ec2/launchTemplate:LaunchTemplate": {
            const mappings = p(["blockDeviceMappings"]);
            const n = Array.isArray(mappings) ? mappings.length : 0;
            return Array.from({ length: n }, (_, i) => ({
                flags: [{ path: ["blockDeviceMappings", i, "ebs", "encrypted"], expected: "true" }],
                keys: [["blockDeviceMappings", i, "ebs", "kmsKeyId"]],
            }));
        }
        case "aws:cloudwatch/logGroup:LogGroup":
        case "aws:secretsmanager/secret:Secret":
            return [{ keys: [["kmsKeyId"]] }];
        case "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
        case "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2": {
            const rules = p(["rules"]);
            const n = Array.isArray(rules) ? rules.length : 1;
            const bucket = bucketOf(r, resources);
            const purpose = bucket ? effectiveTags(bucket) : undefined;
            if (purpose && !isUnknown(purpose) && SSE_S3_ONLY_PURPOSES.has(purpose[PURPOSE_TAG])) {
                return Array.from({ length: n }, (_, i) => ({ flags: [{ path: ["rules", i, "applyServerSideEncryptionByDefault", "sseAlgorithm"], expected: "AES256" }], keys: [] }));
            }
            return Array.from({ length: n }, (_, i) => ({
                flags: [{ path: ["rules", i, "applyServerSideEncryptionByDefault", "sseAlgorithm"], expected: "aws:kms" }],
                keys: [["rules", i, "applyServerSideEncryptionByDefault", "kmsMasterKeyId"]],
            }));
        }
        case "kubernetes:storage.k8s.io/v1:StorageClass":
            return p(["provisioner"]) === "ebs.csi.aws.com" ? [{ flags: [{ path: ["parameters", "encrypted"], expected: "true" }], keys: [["parameters", "kmsKeyId"]] }] : [];
        default:
            return [];
    }
}

interface KeyFacts {
    readonly region?: string;
    readonly customerManaged: boolean;
    readonly how: string;
}

/** Which key a property names: by its ARN when known, else by its dependency on a key resource of the stack. */
function resolveKey(r: PolicyResource, path: Path, value: Known<unknown>, keys: readonly PolicyResource[]): KeyFacts | undefined {
    if (typeof value === "string") {
        if (/^alias\/aws\//.test(value) || /:alias\/aws\//.test(value)) return { customerManaged: false, how: "an AWS-managed alias" };
        const byArn = keys.find((k) => readPath(k.props, ["arn"]) === value || readPath(k.props, ["keyId"]) === value);
        if (byArn) return { region: regionOf(byArn) as string | undefined, customerManaged: true, how: "a key of this stack" };
        const region = value.startsWith("arn:") ? arnRegion(value) : undefined;
        // A key ARN from outside the stack (another stack, or typed in): its region is in the ARN.
        if (region !== undefined && /:key\//.test(value)) return { region, customerManaged: true, how: "a key ARN" };
        return undefined;
    }
    if (isUnknown(value)) {
        const top = String(path[0]);
        const dep = (r.propertyDependencies[top] ?? []).find((d) => d.type === "aws:kms/key:Key");
        if (dep) return { region: regionOf(dep) as string | undefined, customerManaged: true, how: "its dependency on a key of this stack" };
    }
    return undefined;
}

const REMEDIATION = "Encrypt with the stack's own RegionalKms key (kms.keyArn), never an AWS-managed key or another region's key";

export const kmsRegionalCmk: StackValidationPolicy = {
    name: "intelgraph-kms-regional-cmk",
    description:
        "KMS per region: every resource that encrypts at rest (Aurora and Performance Insights, ElastiCache, EKS secrets, launch-template EBS, S3 SSE-KMS, CloudWatch Logs, Secrets Manager, the EBS StorageClass) has encryption on with a customer-managed key of its own region. Decided from the key ARN when known and from the dependency on the key resource when the ARN is unknown (first preview). One AWS-imposed exception: ALB access-log buckets (tagged intelgraph.io/purpose=alb-access-logs) must use SSE-S3, the only encryption ELB log delivery supports.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const home = homeRegion(args.resources);
        const keys = ofType(args.resources, "aws:kms/key:Key");
        for (const r of args.resources) {
            const region = locate(r, home);
            const subject = { type: r.type, name: r.name, region };
            for (const req of requirements(r, args.resources)) {
                for (const flag of req.flags ?? []) {
                    const v = readPath(r.props, flag.path);
                    if (v !== flag.expected) reportViolation(violationMessage(subject, pathText(flag.path), v, JSON.stringify(flag.expected), REMEDIATION), r.urn);
                }
                for (const path of req.keys) {
                    const value = readPath(r.props, path);
                    const key = resolveKey(r, path, value, keys);
                    if (!key || !key.customerManaged) {
                        reportViolation(violationMessage(subject, pathText(path), value, `a customer-managed KMS key of ${region ?? "the resource's region"}`, REMEDIATION), r.urn);
                    } else if (key.region !== region) {
                        reportViolation(violationMessage(subject, pathText(path), value, `a key of ${region} (this one, found through ${key.how}, is in ${key.region ?? "an unknown region"})`, REMEDIATION), r.urn);
                    }
                }
            }
        }
    },
};
