import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ACCESS_LOGS_PURPOSE, BACKUP_TAG, PURPOSE_TAG, SCRATCH_PURPOSE, SYNTHETICS_ARTIFACTS_PURPOSE } from "../contracts/labels";
import { backupResources, planOf, rulesOf } from "../lib/backup";
import { subjectOf, violationMessage } from "../lib/message";
import { isUnknown, read, readPath } from "../lib/read";
import { homeRegion, locate } from "../lib/resources";

const CLUSTER = "aws:rds/cluster:Cluster";
const BUCKETS = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);
const STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass";
const TAG_TEXT = `${BACKUP_TAG.key}=${BACKUP_TAG.value}`;

const REQUIRED = "selected by an AWS Backup plan of this stack whose rule copies each recovery point to another vault (the zone's other region)";
const REMEDIATION = "Add it to the region's BackupPlan (stacks/protectTier.ts: resourceArns, or the Neo4j StorageClass's backup tag)";

/** Diagnostics, not data: ELB access logs and canary run artifacts are never restored. */
const DIAGNOSTICS = new Set<unknown>([ACCESS_LOGS_PURPOSE, SYNTHETICS_ARTIFACTS_PURPOSE]);

/** Buckets that hold data to restore: every bucket but the diagnostics buckets. */
function holdsData(bucket: PolicyResource): boolean {
    const tags = read(() => bucket.props.tags);
    return !(tags && typeof tags === "object" && !isUnknown(tags) && DIAGNOSTICS.has((tags as Record<string, unknown>)[PURPOSE_TAG]));
}

/** A StorageClass of EBS volumes (the graph's data), and whether it tags them for the tag selection. */
const isEbsClass = (sc: PolicyResource) => readPath(sc.props, ["provisioner"]) === "ebs.csi.aws.com";
/** Scratch volumes: deleted with their pod (reclaimPolicy Delete) and labelled so; nothing on them to restore. */
const isScratchClass = (sc: PolicyResource) => readPath(sc.props, ["reclaimPolicy"]) === "Delete" && readPath(sc.props, ["metadata", "labels", PURPOSE_TAG]) === SCRATCH_PURPOSE;
function tagsForBackup(sc: PolicyResource): boolean {
    const params = readPath(sc.props, ["parameters"]);
    if (!params || typeof params !== "object" || isUnknown(params)) return false;
    // Key by key: other parameters (the key ARN) are unknown in a first preview and must not be read.
    const bag = params as Record<string, unknown>;
    return Object.keys(bag).some((k) => k.startsWith("tagSpecification") && read(() => bag[k]) === TAG_TEXT);
}

export const dataBackupCoverage: StackValidationPolicy = {
    name: "intelgraph-data-backup-coverage",
    description:
        "Data protection: every stateful resource AWS Backup can protect (Aurora clusters, buckets that hold data, the Neo4j EBS volumes through their StorageClass's backup tag) is selected by a backup plan that copies its recovery points to the zone's other vault.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const { plans, selections } = backupResources(args.resources);
        const subjects = args.resources.filter((r) => r.type === CLUSTER || (BUCKETS.has(r.type) && holdsData(r)) || (r.type === STORAGE_CLASS && isEbsClass(r) && !isScratchClass(r)));
        if (!subjects.length) {
            args.notApplicable("no Aurora cluster, data bucket or EBS StorageClass in this stack");
            return;
        }
        const copying = (selection: PolicyResource) => {
            const plan = planOf(selection, plans);
            return plan !== undefined && rulesOf(plan).some((rule) => Array.isArray(rule.copyActions) && rule.copyActions.length > 0);
        };
        const selectsByArn = (selection: PolicyResource, r: PolicyResource) => {
            const listed = readPath(selection.props, ["resources"]);
            const arn = read(() => r.props.arn);
            if (Array.isArray(listed) && typeof arn === "string" && !isUnknown(arn) && listed.includes(arn)) return true;
            return (selection.propertyDependencies.resources ?? []).includes(r);
        };
        const selectsByTag = (selection: PolicyResource) => {
            const tags = readPath(selection.props, ["selectionTags"]);
            return Array.isArray(tags) && (tags as Record<string, unknown>[]).some((t) => t?.type === "STRINGEQUALS" && t?.key === BACKUP_TAG.key && t?.value === BACKUP_TAG.value);
        };
        const home = homeRegion(args.resources);
        for (const r of subjects) {
            const mine = r.type === STORAGE_CLASS ? (tagsForBackup(r) ? selections.filter(selectsByTag) : []) : selections.filter((s) => selectsByArn(s, r));
            if (mine.some(copying)) continue;
            const observed = mine.length ? "a plan without a copy to another vault" : r.type === STORAGE_CLASS && !tagsForBackup(r) ? `no ${TAG_TEXT} tagSpecification parameter` : "none";
            reportViolation(violationMessage(subjectOf(r, locate(r, home)), "backup plan", observed, REQUIRED, REMEDIATION), r.urn);
        }
    },
};
