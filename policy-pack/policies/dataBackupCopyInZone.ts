import type { ResourceValidationPolicy } from "@pulumi/policy";
import { type Zones, zoneOfRegion, zonesSchema } from "../lib/config";
import { PLAN, rulesOf } from "../lib/backup";
import { subjectOf, violationMessage } from "../lib/message";
import { isUnknown } from "../lib/read";
import { arnRegion, regionOf } from "../lib/resources";

const REMEDIATION = "Copy only to the vault of another region of the same residency zone (intelgraph:backup.copyToVaultArn)";

export const dataBackupCopyInZone: ResourceValidationPolicy = {
    name: "intelgraph-data-backup-copy-in-zone",
    description: "Data protection: an AWS Backup plan copies (residency) recovery points only to vaults of regions in its own residency zone.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { zones: zonesSchema } },
    validateResource: (args, reportViolation) => {
        if (args.type !== PLAN) {
            args.notApplicable("not an AWS Backup plan");
            return;
        }
        const { zones } = args.getConfig<{ zones: Zones }>();
        const region = regionOf(args);
        const zone = typeof region === "string" ? zoneOfRegion(zones, region) : undefined;
        rulesOf(args).forEach((rule, i) => {
            (rule.copyActions ?? []).forEach((copy, j) => {
                const arn = copy?.destinationVaultArn;
                if (typeof arn !== "string" || isUnknown(arn)) return;
                const destination = arnRegion(arn);
                const destinationZone = destination ? zoneOfRegion(zones, destination) : undefined;
                if (zone !== undefined && destinationZone === zone) return;
                reportViolation(
                    violationMessage(subjectOf(args), `rules[${i}].copyActions[${j}].destinationVaultArn`, arn, `a vault in zone ${zone ?? "(unknown)"} (${(zone && zones[zone]?.join(", ")) || "no region"}); this one is in ${destination ?? "an unknown region"} (zone ${destinationZone ?? "unknown"})`, REMEDIATION),
                );
            });
        });
    },
};
