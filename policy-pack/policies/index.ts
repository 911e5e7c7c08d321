/** Every rule of the pack, in report order: residency, KMS per region, N+1 capacity, data protection and exposure. */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { capacityAurora } from "./capacityAurora";
import { resilienceChaosStopConditions } from "./resilienceChaosStopConditions";
import { capacityNatPerAz } from "./capacityNatPerAz";
import { capacityNeo4j } from "./capacityNeo4j";
import { capacityNodeGroups } from "./capacityNodeGroups";
import { capacityRedis } from "./capacityRedis";
import { costBudget } from "./costBudget";
import { costBudgetWarning } from "./costBudgetWarning";
import { dataBackupCopyInZone } from "./dataBackupCopyInZone";
import { dataBackupCoverage } from "./dataBackupCoverage";
import { dataBackupRetentionInLock } from "./dataBackupRetentionInLock";
import { dataBackupsAndDeletionProtection } from "./dataBackupsAndDeletionProtection";
import { dataNoPublicDataTier } from "./dataNoPublicDataTier";
import { dataStatefulProtected } from "./dataStatefulProtected";
import { detectAlarmActions } from "./detectAlarmActions";
import { detectBudgetNotifications } from "./detectBudgetNotifications";
import { detectEntrypointAlarms } from "./detectEntrypointAlarms";
import { detectNodeAndProbeAlarms } from "./detectNodeAndProbeAlarms";
import { detectReplicationLagAlarms } from "./detectReplicationLagAlarms";
import { dataVaultLockInProd } from "./dataVaultLockInProd";
import { edgeWebAclOnPublicLoadBalancers } from "./edgeWebAclOnPublicLoadBalancers";
import { kmsKeyHygiene } from "./kmsKeyHygiene";
import { kmsRegionalCmk } from "./kmsRegionalCmk";
import { networkNoOpenIngress } from "./networkNoOpenIngress";
import { networkPublicEntryGuard } from "./networkPublicEntryGuard";
import { residencyNoCrossZone } from "./residencyNoCrossZone";
import { residencyOwnRegionOnly } from "./residencyOwnRegionOnly";
import { resilienceObjectives } from "./resilienceObjectives";
import { residencyRegionInZone } from "./residencyRegionInZone";
import { residencyRequiredTags } from "./residencyRequiredTags";

export type IntelGraphPolicy = ResourceValidationPolicy | StackValidationPolicy;

/** Controls an auditor reads the report by; each rule's name starts with intelgraph-<control>-. */
export const CONTROLS = {
    residency: "Residency",
    kms: "KMS per region",
    capacity: "N+1 capacity",
    data: "Data protection",
    network: "Exposure",
    edge: "Edge",
    resilience: "Resilience (RTO/RPO)",
    detect: "Detection",
    cost: "Cost",
} as const;

export const policies: IntelGraphPolicy[] = [
    residencyRequiredTags,
    residencyRegionInZone,
    residencyNoCrossZone,
    residencyOwnRegionOnly,
    kmsRegionalCmk,
    kmsKeyHygiene,
    capacityNodeGroups,
    capacityAurora,
    capacityRedis,
    capacityNatPerAz,
    capacityNeo4j,
    dataStatefulProtected,
    dataBackupsAndDeletionProtection,
    dataNoPublicDataTier,
    dataBackupCoverage,
    dataBackupCopyInZone,
    dataVaultLockInProd,
    dataBackupRetentionInLock,
    networkNoOpenIngress,
    networkPublicEntryGuard,
    edgeWebAclOnPublicLoadBalancers,
    resilienceObjectives,
    resilienceChaosStopConditions,
    detectReplicationLagAlarms,
    detectEntrypointAlarms,
    detectNodeAndProbeAlarms,
    detectAlarmActions,
    detectBudgetNotifications,
    costBudget,
    costBudgetWarning,
];
