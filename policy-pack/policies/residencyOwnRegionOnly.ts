import type { StackValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { regionOf } from "../lib/resources";
import { ofType } from "../lib/stack";

const VPC = "aws:ec2/vpc:Vpc";

/**
 * Static stability (AWS, "AWS Fault Isolation Boundaries"): a region's stack must stay deployable while any
 * other region is down, so it has no resource in another region; what spans two regions belongs to the zone's
 * interconnect stack, which no failover needs. A stack is regional when it has a VPC: its region is the VPC's.
 */
export const residencyOwnRegionOnly: StackValidationPolicy = {
    name: "intelgraph-residency-own-region-only",
    description:
        "Residency: a regional stack (one with a VPC) stays statically stable: it creates every AWS resource in its own region, so a `pulumi up`, refresh or preview of it never needs another region; cross-region links belong to the zone's interconnect stack.",
    enforcementLevel: "mandatory",
    remediationSteps: "Give the resource the stack's own regional provider, or move it (peering, peer routes and rules, replication) to the zone's interconnect stack (stacks/interconnectStack.ts).",
    validateStack: (args, reportViolation) => {
        const vpcs = ofType(args.resources, VPC);
        if (!vpcs.length) args.notApplicable("no VPC: not a regional stack (an interconnect may span its zone's regions)");
        const regions = vpcs.map((v) => regionOf(v));
        if (regions.some((r) => typeof r !== "string")) return; // a VPC's region unknown at preview: nothing to compare against
        // The stack's region is its first VPC's: a second VPC in another region is itself reported below.
        const home = regions[0] as string;
        for (const r of args.resources) {
            if (!r.type.startsWith("aws:")) continue;
            const region = regionOf(r);
            if (typeof region !== "string" || region === home) continue;
            reportViolation(
                violationMessage(subjectOf(r, region), "region", region, `${home}, the region of this stack's VPC (a regional stack stays deployable while another region is down)`, "Create it with the stack's own regional provider, or move it to the zone's interconnect stack"),
                r.urn,
            );
        }
    },
};
