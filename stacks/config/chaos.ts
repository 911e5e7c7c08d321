/**
 * Schemas of the drill keys (intelgraph:chaos, intelgraph:evidence): which AWS FIS experiments a regional stack
 * has, for how long they disrupt, which AZ they take out, and how long the evidence of drills and failovers is
 * kept under S3 Object Lock. Limits come from the components (components/chaos/drills.ts,
 * components/storage/EvidenceBucket.ts), so the stack file and the component refuse the same values.
 */
import { z } from "zod";
import { DRILL_IDS, MAX_ACTION_MINUTES } from "../../components/chaos/drills";
import { OBJECT_LOCK_MODES } from "../../components/storage/EvidenceBucket";

const minutes = (what: string) =>
    z
        .number({ error: `a whole number of minutes (${what}) from 1 to ${MAX_ACTION_MINUTES}` })
        .int({ error: `a whole number of minutes (${what}) from 1 to ${MAX_ACTION_MINUTES}` })
        .min(1, { error: `at least 1 minute (${what})` })
        // AWS FIS User Guide, "Actions reference": action durations run from one minute to 12 hours.
        .max(MAX_ACTION_MINUTES, { error: `at most ${MAX_ACTION_MINUTES} minutes (${what}; FIS actions last 1 minute to 12 hours)` });

const enabled = z.boolean({ error: "true or false" });

export const chaosSchema = z
    .object(
        {
            /** The one AZ the AZ-wide drills take out (AZ power interruption, ElastiCache AZ power): one of intelgraph:availabilityZones. */
            availabilityZone: z.string({ error: "one of intelgraph:availabilityZones" }),
            /** CloudWatch Logs retention of the experiments' log group. */
            logRetentionDays: z
                .number({ error: "a CloudWatch Logs retention such as 90, 365 or 400 days" })
                .refine((v) => [30, 60, 90, 120, 150, 180, 365, 400, 545, 731].includes(v), { error: "one of 30, 60, 90, 120, 150, 180, 365, 400, 545, 731 days (CloudWatch Logs retention values)" }),
            azPowerInterruption: z.object({ enabled, durationMinutes: minutes("instances stopped and the AZ's subnets cut off") }, { error: "an object { enabled, durationMinutes }" }).strict(),
            auroraFailover: z.object({ enabled }, { error: "an object { enabled }" }).strict(),
            redisAzPower: z.object({ enabled, durationMinutes: minutes("the AZ's cache nodes without power") }, { error: "an object { enabled, durationMinutes }" }).strict(),
            eksNodeTermination: z
                .object(
                    {
                        enabled,
                        // FIS terminates this percentage of the general node group's instances (instanceTerminationPercentage, 1-100).
                        instanceTerminationPercentage: z
                            .number({ error: "a whole percentage from 1 to 100" })
                            .int({ error: "a whole percentage from 1 to 100" })
                            .min(1, { error: "a whole percentage from 1 to 100" })
                            .max(100, { error: "a whole percentage from 1 to 100" }),
                    },
                    { error: "an object { enabled, instanceTerminationPercentage }" },
                )
                .strict(),
            crossRegionPartition: z
                .object(
                    {
                        enabled,
                        durationMinutes: minutes("this region's subnets cut off from the other region"),
                        /** The region cut off: the zone's other region (the peer of this stack's peering routes). */
                        region: z.string({ error: "the residency zone's other region, e.g. us-east-1" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { error: "the residency zone's other region, e.g. us-east-1" }),
                    },
                    { error: "an object { enabled, durationMinutes, region }" },
                )
                .strict(),
        },
        { error: `an object { availabilityZone, logRetentionDays, ${DRILL_IDS.join(", ")} }` },
    )
    .strict();

export type ChaosConfig = z.infer<typeof chaosSchema>;

const days = (what: string) =>
    z
        .number({ error: `a whole number of days (${what}) from 1 to 36500` })
        .int({ error: `a whole number of days (${what}) from 1 to 36500` })
        .min(1, { error: `at least 1 day (${what})` })
        .max(36500, { error: `at most 36500 days (${what}; S3 Object Lock retention is at most 100 years)` });

export const evidenceSchema = z
    .object(
        {
            /** compliance: nobody, root included, can shorten or remove a lock; governance: s3:BypassGovernanceRetention can. */
            mode: z.enum(OBJECT_LOCK_MODES, { error: `one of ${OBJECT_LOCK_MODES.join(", ")} (compliance in prod: no one can delete a record before its retention ends)` }),
            /** The bucket's default retention: every object, whoever writes it (seed: 1 year operational). */
            operationalDays: days("the bucket's default Object Lock retention"),
            /** Drill and failover records are written with this retention of their own (seed: 3 years audit). */
            auditDays: days("drill and failover records"),
        },
        { error: "an object { mode, operationalDays, auditDays }" },
    )
    .strict()
    .refine((e) => e.auditDays >= e.operationalDays, { error: "auditDays >= operationalDays (audit records are kept at least as long as anything else)" });

export type EvidenceConfig = z.infer<typeof evidenceSchema>;
