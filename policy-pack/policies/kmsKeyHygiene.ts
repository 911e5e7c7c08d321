import type { ResourceValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { read } from "../lib/read";

const KEY = "aws:kms/key:Key";

export const kmsKeyHygiene: ResourceValidationPolicy = {
    name: "intelgraph-kms-key-hygiene",
    description:
        "KMS per region: customer-managed keys rotate automatically, are single-region (multi-region keys and replica keys would carry key material across regions and residency zones) and keep a long deletion window.",
    enforcementLevel: "mandatory",
    remediationSteps: "Create keys with RegionalKms (components/kms): enableKeyRotation true, multiRegion false, deletionWindowInDays 30; never create aws.kms.ReplicaKey.",
    configSchema: { properties: { minDeletionWindowDays: { type: "integer", minimum: 7, maximum: 30, default: 30 } } },
    validateResource: (args, reportViolation) => {
        const subject = subjectOf(args);
        if (args.type === "aws:kms/replicaKey:ReplicaKey") {
            reportViolation(violationMessage(subject, "type", args.type, "no replica keys (every region has its own key)", "Remove the replica key and use the region's RegionalKms key"));
            return;
        }
        if (args.type !== KEY) args.notApplicable("not a KMS key");
        const { minDeletionWindowDays } = args.getConfig<{ minDeletionWindowDays: number }>();
        const rotation = read(() => args.props.enableKeyRotation);
        if (rotation !== true) reportViolation(violationMessage(subject, "enableKeyRotation", rotation, "true", "Turn on automatic key rotation"));
        const multiRegion = read(() => args.props.multiRegion);
        if (multiRegion === true) reportViolation(violationMessage(subject, "multiRegion", multiRegion, "false or unset", "Use a single-region key per region"));
        // AWS applies 30 days when unset.
        const window = read(() => args.props.deletionWindowInDays) ?? 30;
        if (typeof window !== "number" || window < minDeletionWindowDays) {
            reportViolation(violationMessage(subject, "deletionWindowInDays", window, `at least ${minDeletionWindowDays}`, "Set deletionWindowInDays so a scheduled deletion can be cancelled in time"));
        }
    },
};
