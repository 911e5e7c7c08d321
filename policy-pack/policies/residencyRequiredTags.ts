import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TAGGABLE_TYPES } from "../lib/catalog";
import { RESIDENCY_TAG_KEYS } from "../contracts/residency";
import { subjectOf, violationMessage } from "../lib/message";
import { isUnknown } from "../lib/read";
import { effectiveTags } from "../lib/resources";

const REMEDIATION =
    "Create the resource with the stack's regional provider (stacks/providers.ts), whose defaultTags carry the residency tags, or set the tag on the resource";

export const residencyRequiredTags: ResourceValidationPolicy = {
    name: "intelgraph-residency-required-tags",
    description:
        "Residency: every taggable AWS resource carries the residency tags (residency-zone, residency-region, owner, environment, cost-centre) through its provider's defaultTags or its own tags, so auditors can attribute every resource to a zone, a region and an owner.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { requiredTags: { type: "array", items: { type: "string" }, default: Object.values(RESIDENCY_TAG_KEYS) } } },
    validateResource: (args, reportViolation) => {
        if (!TAGGABLE_TYPES.has(args.type)) args.notApplicable("not a taggable AWS type this platform uses");
        const { requiredTags } = args.getConfig<{ requiredTags: readonly string[] }>();
        const tags = effectiveTags(args);
        const subject = subjectOf(args);
        for (const key of requiredTags) {
            const value = isUnknown(tags) ? tags : tags?.[key];
            if (typeof value === "string" && value !== "") continue;
            reportViolation(violationMessage(subject, `tags["${key}"]`, value, "a non-empty value from the provider's defaultTags or the resource's tags", REMEDIATION));
        }
    },
};
