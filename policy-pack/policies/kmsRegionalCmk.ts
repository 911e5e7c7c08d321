import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { PURPOSE_TAG } from "../contracts/labels";
import { type Condition, ELEMENT, type Flag, type Path, SSE_S3_ONLY_PURPOSES, requirementsOf } from "../lib/kmsRequirements";
import { subjectOf, violationMessage } from "../lib/message";
import { type Known, isUnknown, pathText, readPath } from "../lib/read";
import { arnRegion, effectiveTags, homeRegion, locate, regionOf } from "../lib/resources";
import { ofType, referencedResource } from "../lib/stack";

interface Checks {
    readonly flags: readonly Flag[];
    readonly keys: readonly Path[];
}

/** Kept exported where it was: the buckets that may use S3-managed keys (the table's bucketPurpose condition). */
export { SSE_S3_ONLY_PURPOSES };

function bucketOf(r: PolicyResource, resources: readonly PolicyResource[]): PolicyResource | undefined {
    const buckets = resources.filter((b) => b.type === "aws:s3/bucket:Bucket" || b.type === "aws:s3/bucketV2:BucketV2");
    return referencedResource(r, "bucket", readPath(r.props, ["bucket"]), buckets, ["bucket", "id"]);
}

function holds(when: Condition, r: PolicyResource, resources: readonly PolicyResource[]): boolean {
    switch (when.kind) {
        case "equals":
            return readPath(r.props, when.path) === when.value;
        case "set":
            return (readPath(r.props, when.path) !== undefined) === when.set;
        case "bucketPurpose": {
            const bucket = bucketOf(r, resources);
            const tags = bucket ? effectiveTags(bucket) : undefined;
            const sseS3Only = !!tags && !isUnknown(tags) && SSE_S3_ONLY_PURPOSES.has(tags[PURPOSE_TAG]);
            return sseS3Only === when.sseS3Only;
        }
    }
}

/** The table's requirements that apply to `r` (KMS_REQUIREMENTS), a repeated one once per element with ELEMENT replaced by its index. */
function requirements(r: PolicyResource, resources: readonly PolicyResource[]): Checks[] {
    const checks: Checks[] = [];
    for (const req of requirementsOf(r.type)) {
        if (req.when && !holds(req.when, r, resources)) continue;
        const list = req.forEach ? readPath(r.props, req.forEach.list) : undefined;
        const indexes = req.forEach ? Array.from({ length: Array.isArray(list) ? list.length : req.forEach.otherwise }, (_, i) => i) : [undefined];
        for (const i of indexes) {
            const at = (path: Path): Path => (i === undefined ? path : path.map((step) => (step === ELEMENT ? i : step)));
            checks.push({ flags: (req.flags ?? []).map((f) => ({ path: at(f.path), expected: f.expected })), keys: req.keys.map(at) });
        }
    }
    return checks;
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
        "KMS per region: every resource that encrypts at rest (Aurora and Performance Insights, ElastiCache, EKS secrets, launch-template EBS, S3 SSE-KMS, CloudWatch Logs, Secrets Manager, SNS topics, the EBS StorageClass) has encryption on with a customer-managed key of its own region. Decided from the key ARN when known and from the dependency on the key resource when the ARN is unknown (first preview). One AWS-imposed exception: ALB access-log buckets (tagged intelgraph.io/purpose=alb-access-logs) must use SSE-S3, the only encryption ELB log delivery supports.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const home = homeRegion(args.resources);
        const keys = ofType(args.resources, "aws:kms/key:Key");
        for (const r of args.resources) {
            const region = locate(r, home);
            const subject = subjectOf(r, region);
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
