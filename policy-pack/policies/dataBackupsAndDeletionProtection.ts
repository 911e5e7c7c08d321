import type { ResourceValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { read } from "../lib/read";

interface Check {
    readonly property: string;
    readonly ok: (v: unknown) => boolean;
    readonly required: string;
}

function checks(type: string, minBackupDays: number): Check[] {
    const isTrue = { ok: (v: unknown) => v === true, required: "true" };
    const named = { ok: (v: unknown) => typeof v === "string" && v !== "", required: "a final snapshot name" };
    switch (type) {
        case "aws:rds/globalCluster:GlobalCluster":
            return [{ property: "deletionProtection", ...isTrue }];
        case "aws:rds/cluster:Cluster":
            return [
                { property: "deletionProtection", ...isTrue },
                { property: "skipFinalSnapshot", ok: (v) => v === false, required: "false" },
                { property: "finalSnapshotIdentifier", ...named },
                { property: "backupRetentionPeriod", ok: (v) => typeof v === "number" && v >= minBackupDays, required: `at least ${minBackupDays} days` },
            ];
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return [
                { property: "snapshotRetentionLimit", ok: (v) => typeof v === "number" && v >= 1, required: "at least 1 day" },
                { property: "finalSnapshotIdentifier", ...named },
            ];
        case "aws:eks/cluster:Cluster":
            return [{ property: "deletionProtection", ...isTrue }];
        default:
            return [];
    }
}

export const dataBackupsAndDeletionProtection: ResourceValidationPolicy = {
    name: "intelgraph-data-backups-and-deletion-protection",
    description:
        "Data protection: databases and caches keep backups (Aurora at least minBackupRetentionDays days, ElastiCache daily snapshots), take a final snapshot when deleted, and have deletion protection on where AWS offers it (Aurora global and regional clusters, EKS clusters).",
    enforcementLevel: "mandatory",
    remediationSteps: "Keep the AuroraGlobal/RedisGlobal/EksCluster defaults: deletionProtection true, skipFinalSnapshot false with a finalSnapshotIdentifier, backup retention from the stack file of at least 7 days.",
    configSchema: { properties: { minBackupRetentionDays: { type: "integer", minimum: 1, maximum: 35, default: 7 } } },
    validateResource: (args, reportViolation) => {
        const list = checks(args.type, args.getConfig<{ minBackupRetentionDays: number }>().minBackupRetentionDays);
        if (!list.length) args.notApplicable("no backup or deletion-protection settings for this type");
        const subject = subjectOf(args);
        for (const c of list) {
            const v = read(() => args.props[c.property]);
            if (!c.ok(v)) reportViolation(violationMessage(subject, c.property, v, c.required, "Restore the component's data-protection defaults"));
        }
    },
};
