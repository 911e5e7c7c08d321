import type { ResourceValidationPolicy } from "@pulumi/policy";
import { STATEFUL_TYPES } from "../lib/catalog";
import { subjectOf, violationMessage } from "../lib/message";

export const dataStatefulProtected: ResourceValidationPolicy = {
    name: "intelgraph-data-stateful-protected",
    description:
        "Data protection: resources whose loss loses data or keys (KMS keys, Aurora global cluster, clusters and instances, ElastiCache groups and the global datastore, EKS clusters, backup buckets) are created with `protect`, so no `pulumi up` or `destroy` deletes them without an explicit, reviewed unprotect.",
    enforcementLevel: "mandatory",
    remediationSteps: "Create the resource with { protect: true } (the components do); to retire it, unprotect it in a reviewed change first.",
    validateResource: (args, reportViolation) => {
        if (!STATEFUL_TYPES.has(args.type)) args.notApplicable("not a stateful type");
        if (args.opts.protect) return;
        reportViolation(violationMessage(subjectOf(args), "protect", args.opts.protect, "true", "Create the resource with { protect: true }"));
    },
};
