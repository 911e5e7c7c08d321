/**
 * The plan summary's protection lines per stack: whether the public entry has WAF, the data AWS Backup, the backups
 * a restore test, the graph's backups Object Lock and a verification job, and where the images come from. A reading
 * aid over the planned inputs; the pack's rules (intelgraph-edge-*, intelgraph-data-*) decide.
 */
import type { ReportResource, StackReport } from "./report";
import { UNKNOWN, unwrapWire } from "./wire";

const inputsOf = (r: ReportResource) => unwrapWire(r.inputs) as Record<string, unknown>;
const shown = (v: unknown) => (v === UNKNOWN || v === undefined ? "(known after deploy)" : String(v));

function wafLine(resources: readonly ReportResource[]): string | undefined {
    const albs = resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer" && inputsOf(r).internal !== true);
    if (!albs.length) return undefined;
    const acls = resources.filter((r) => r.type === "aws:wafv2/webAcl:WebAcl").map(inputsOf);
    const associations = resources.filter((r) => r.type === "aws:wafv2/webAclAssociation:WebAclAssociation").length;
    if (!acls.length || !associations) return `WAF: MISSING on ${albs.length} internet-facing ALB(s)`;
    const rules = acls.map((a) => `${shown(a.name)} (${Array.isArray(a.rules) ? a.rules.length : 0} rules)`).join(", ");
    return `WAF: ${Math.min(associations, albs.length)} of ${albs.length} internet-facing ALB(s) behind a web ACL: ${rules}`;
}

function backupLine(resources: readonly ReportResource[]): string | undefined {
    const vaults = resources.filter((r) => r.type === "aws:backup/vault:Vault").map(inputsOf);
    const stateful = resources.some((r) => r.type === "aws:rds/cluster:Cluster" || r.type === "kubernetes:apps/v1:StatefulSet");
    if (!vaults.length) return stateful ? "Backups: MISSING (no AWS Backup vault)" : undefined;
    const lock = resources.filter((r) => r.type === "aws:backup/vaultLockConfiguration:VaultLockConfiguration").map(inputsOf)[0];
    const lockText = lock ? `${lock.changeableForDays !== undefined ? "compliance" : "governance"} lock ${shown(lock.minRetentionDays)}-${shown(lock.maxRetentionDays)} days` : "NO vault lock";
    const plans = resources.filter((r) => r.type === "aws:backup/plan:Plan").map(inputsOf);
    const copies = [...new Set(plans.flatMap((p) => (Array.isArray(p.rules) ? (p.rules as { copyActions?: { destinationVaultArn?: unknown }[] }[]) : []).flatMap((rule) => (rule.copyActions ?? []).map((c) => shown(c.destinationVaultArn)))))];
    return `Backups: vault ${shown(vaults[0].name)} (${lockText}), ${plans.length} plan(s)${copies.length ? `, copies to ${copies.join(", ")}` : ", NO copy to another vault"}`;
}

function restoreLine(resources: readonly ReportResource[]): string | undefined {
    const plans = resources.filter((r) => r.type === "aws:backup/restoreTestingPlan:RestoreTestingPlan").map(inputsOf);
    if (!plans.length) return resources.some((r) => r.type === "aws:backup/vault:Vault") ? "Restore tests: MISSING (no restore testing plan)" : undefined;
    const selections = resources.filter((r) => r.type === "aws:backup/restoreTestingSelection:RestoreTestingSelection").map(inputsOf);
    const what = selections.map((s) => `${shown(s.protectedResourceType)} (validation ${shown(s.validationWindowHours)} h)`).join(", ");
    return `Restore tests: ${plans.map((p) => shown(p.scheduleExpression)).join(", ")} of ${what || "nothing selected"}`;
}

function graphBackupLine(resources: readonly ReportResource[]): string | undefined {
    if (!resources.some((r) => r.type === "kubernetes:apps/v1:StatefulSet")) return undefined;
    const lock = resources.filter((r) => r.type === "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").map(inputsOf)[0];
    const retention = (lock?.rule as { defaultRetention?: { mode?: unknown; days?: unknown } } | undefined)?.defaultRetention;
    const verification = resources
        .filter((r) => r.type === "kubernetes:batch/v1:CronJob")
        .map(inputsOf)
        .find((j) => (j.metadata as { labels?: Record<string, unknown> } | undefined)?.labels?.["app.kubernetes.io/component"] === "backup-verification");
    const repos = resources.filter((r) => r.type === "aws:ecr/repository:Repository").length;
    const caches = resources.filter((r) => r.type === "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").length;
    return [
        `Graph backups: ${retention ? `Object Lock ${shown(retention.mode)} ${shown(retention.days)} days` : "NO Object Lock"}`,
        `verification ${verification ? `monthly job (${shown((verification.spec as { schedule?: unknown } | undefined)?.schedule)})` : "MISSING"}`,
        `images from this region's ECR: ${repos} repositories, ${caches} pull-through caches`,
    ].join("; ");
}

/** `Protection: ...` lines, or nothing for a stack with nothing to protect (billing). */
export function protectionSection(s: StackReport): string {
    const r = s.deployment.resources;
    const lines = [wafLine(r), backupLine(r), restoreLine(r), graphBackupLine(r)].filter((l): l is string => l !== undefined);
    if (!lines.length) return "";
    const missing = lines.filter((l) => /MISSING|NO /.test(l)).length;
    return [`Protection: ${missing ? `${missing} gap(s)` : "WAF, backups and restore tests in place"}`, ...lines.map((l) => `  ${l}`)].join("\n");
}
