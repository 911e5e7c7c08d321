import * as pulumi from "@pulumi/pulumi";
import { ChaosExperiments } from "../components/chaos/ChaosExperiments";
import { actionMinutes, drillSpecs } from "../components/chaos/drills";
import type { DrillOutput, DrillOutputs, ProgramOutputs } from "./outputs";
import type { RegionalBase } from "./regional";

/**
 * The region's drills, whatever its role: the FIS experiment templates of the drills its stack file enables,
 * stopped by this region's alarms (stacks/monitoring.ts), and where their evidence lasts (the region's Object
 * Lock bucket, built with the regional base so the region's backup plan covers it too).
 */
export function drillTier(base: RegionalBase, stopAlarmArns: readonly pulumi.Output<string>[]): ProgramOutputs<DrillOutputs> {
    const { config, prefix, kms, vpc, evidence, onRegion, account, partition } = base;
    const drills = drillSpecs(
        {
            stack: config.stack,
            region: config.region,
            accountId: account,
            partition,
            availabilityZones: config.network.availabilityZones,
            eksClusterName: prefix,
            peeredSubnetCidrs: [...vpc.subnetCidrs.private, ...vpc.subnetCidrs.isolated],
        },
        config.chaos,
    );
    const chaos = new ChaosExperiments(
        "chaos",
        {
            namePrefix: prefix,
            region: config.region,
            accountId: account,
            partition,
            kmsKeyArn: kms.keyArn,
            logRetentionDays: config.chaos.logRetentionDays,
            vpcId: vpc.vpcId,
            stopConditionAlarmArns: stopAlarmArns,
            drills,
        },
        onRegion,
    );
    const ids: Record<string, pulumi.Output<string>> = {};
    const described: Record<string, pulumi.Output<DrillOutput>> = {};
    for (const d of drills) {
        const templateId = chaos.templateIds[d.id];
        if (!templateId) throw new Error(`internal: no template for drill ${d.id}`);
        ids[d.id] = templateId;
        described[d.id] = pulumi.output({ templateId, title: d.title, disrupts: d.disrupts, expectedRecovery: d.expectedRecovery, fightsDeploys: d.fightsDeploys, actionMinutes: actionMinutes(d) });
    }
    return {
        evidenceBucketName: evidence.bucketName,
        evidenceAuditRetentionDays: config.evidence.auditDays,
        evidenceLockMode: config.evidence.mode.toUpperCase(),
        chaosExperimentTemplateIds: pulumi.output(ids),
        chaosDrills: pulumi.output(described),
        chaosStopAlarmArns: [...stopAlarmArns],
        chaosLogGroupName: chaos.logGroupName,
    };
}
