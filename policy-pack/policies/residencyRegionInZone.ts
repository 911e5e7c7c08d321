import type { ResourceValidationPolicy } from "@pulumi/policy";
import { TAGGABLE_TYPES } from "../lib/catalog";
import { REGION_TAG, ZONE_TAG, type Zones, zonesSchema } from "../lib/config";
import { subjectOf, violationMessage } from "../lib/message";
import { isUnknown } from "../lib/read";
import { effectiveTags, regionOf } from "../lib/resources";

export const residencyRegionInZone: ResourceValidationPolicy = {
    name: "intelgraph-residency-region-in-zone",
    description:
        "Residency: a resource's residency zone is a known zone, the region it is actually created in (its own region input, else its provider's region) is allowed in that zone, and its residency-region tag tells that region truthfully.",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Deploy the resource through the provider of a region its zone allows; fix the stack's intelgraph:residencyZone or aws:region; never override the residency tags per resource.",
    configSchema: { properties: { zones: zonesSchema } },
    validateResource: (args, reportViolation) => {
        if (!TAGGABLE_TYPES.has(args.type)) args.notApplicable("not a taggable AWS type this platform uses");
        const { zones } = args.getConfig<{ zones: Zones }>();
        const tags = effectiveTags(args);
        const region = regionOf(args);
        if (isUnknown(tags) || tags === undefined) return; // residency-required-tags reports what is missing
        const subject = subjectOf(args, region);
        const zone = tags[ZONE_TAG];
        if (zone !== undefined && !(zone in zones)) {
            reportViolation(violationMessage(subject, `tags["${ZONE_TAG}"]`, zone, `a known zone (${Object.keys(zones).join(", ")})`, "Use a zone defined in the policy config and stacks/config/residency.ts"));
            return;
        }
        if (typeof region !== "string") {
            reportViolation(violationMessage(subject, "region", region, "a region known before deploy (provider region or the resource's region input)", "Give the resource's provider an explicit region"));
            return;
        }
        if (zone !== undefined && !zones[zone].includes(region)) {
            reportViolation(violationMessage(subject, "region", region, `a region of zone ${zone} (${zones[zone].join(", ")})`, "Create the resource with a provider of a region its zone allows"));
        }
        const regionTag = tags[REGION_TAG];
        if (regionTag !== undefined && regionTag !== region) {
            reportViolation(violationMessage(subject, `tags["${REGION_TAG}"]`, regionTag, `the region the resource is created in, "${region}"`, "Remove the per-resource override so the provider's defaultTags state the true region"));
        }
    },
};
