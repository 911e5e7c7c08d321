/**
 * Monthly cost estimate of a stack from its planned resources and the price table kept as data
 * (data/aws-prices.json, with its source and date) of the stack's region: a region without a dated, sourced
 * table of its own (or a statement that its list prices equal the base table's) cannot be estimated, and an
 * item its table lacks is listed as unpriced, never priced at another region's rate.
 * Steady state: node groups at their desired size.
 * Shared by the plan report and the budget rules, over plain {type, props} so both can feed it.
 */
import { GRAPH_LAG_EXPORTER_COMPONENT, NEO4J_LABELS } from "../contracts/neo4jLabels";
import prices from "../data/aws-prices.json";

export interface Priced {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    /** The resource's own region, when the stack spans two (an interconnect); else the stack's. */
    readonly region?: string;
}

export interface CostLine {
    readonly resource: string;
    readonly item: string;
    readonly quantity: number;
    readonly unit: "hour" | "month" | "GB-month" | "run" | "action-minute";
    readonly unitUsd: number;
    readonly monthlyUsd: number;
}

export interface CostEstimate {
    readonly monthlyUsd: number;
    readonly lines: CostLine[];
    /** Items the table has no price for: estimated at 0 and listed so nobody mistakes the total for complete. */
    readonly unpriced: string[];
    readonly priceTable: { readonly region: string; readonly source: string; readonly date: string; readonly excluded: string };
    /** Why nothing could be estimated (no price table for the region). */
    readonly error?: string;
}

const H = prices.hoursPerMonth;
type Table = Record<string, number>;
interface RegionPrices {
    readonly source: string;
    readonly date: string;
    readonly sameAsBase?: boolean;
    readonly hourly?: Table;
    readonly monthly?: Table;
}
const REGIONS = (prices as { regions: Record<string, RegionPrices> }).regions;
export const PRICED_REGIONS: readonly string[] = Object.keys(REGIONS);

function tablesOf(region: string | undefined): { hourly: Table; monthly: Table; source: string; date: string } | string {
    const r = region === undefined ? undefined : REGIONS[region];
    if (!r) return `no price table for region ${region ?? "(unknown)"} in policy-pack/data/aws-prices.json (priced: ${PRICED_REGIONS.join(", ")}); add its dated, sourced list prices`;
    if (r.sameAsBase) return { hourly: prices.hourly as Table, monthly: prices.monthly as Table, source: r.source, date: r.date };
    return { hourly: r.hourly ?? {}, monthly: r.monthly ?? {}, source: r.source, date: r.date };
}

const get = (o: unknown, path: (string | number)[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string | number, unknown>)[k] : undefined), o);
const num = (v: unknown, fallback = 0) => (typeof v === "number" && Number.isFinite(v) ? v : fallback);
const gi = (v: unknown) => (typeof v === "string" && /^\d+Gi$/.test(v) ? Number(v.slice(0, -2)) : 0);

/** `region` picks the price table; `redisNodeType` fills what a global-datastore member does not set (its node type comes from the primary). */
export function estimateCost(resources: readonly Priced[], context: { readonly region: string | undefined; readonly redisNodeType?: string }): CostEstimate {
    const inherited = context;
    const lines: CostLine[] = [];
    const unpriced: string[] = [];
    const found = tablesOf(context.region);
    // A stack with nothing to price in its region needs no table: only a lookup against a missing one is an error.
    const empty = { hourly: {} as Table, monthly: {} as Table, source: "", date: "" };
    const tables = typeof found === "string" ? empty : found;
    const errors = new Set<string>();
    let current = tables;
    let hourly = tables.hourly;
    let monthly = tables.monthly;
    const use = (region: string | undefined) => {
        const t = region === undefined || region === context.region ? found : tablesOf(region);
        if (typeof t === "string") errors.add(t);
        current = typeof t === "string" ? empty : t;
        hourly = current.hourly;
        monthly = current.monthly;
    };
    const perHour = (resource: string, key: string, quantity: number) => {
        const unitUsd = hourly[key];
        if (unitUsd === undefined) {
            unpriced.push(`${resource}: ${key}`);
            return;
        }
        lines.push({ resource, item: key, quantity, unit: "hour", unitUsd, monthlyUsd: unitUsd * H * quantity });
    };
    const perMonth = (resource: string, key: string, quantity: number, unit: "month" | "GB-month" | "run" | "action-minute") => {
        const unitUsd = monthly[key];
        if (unitUsd === undefined) {
            unpriced.push(`${resource}: ${key}`);
            return;
        }
        lines.push({ resource, item: key, quantity, unit, unitUsd, monthlyUsd: unitUsd * quantity });
    };
    const rootGb = resources
        .filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")
        .map((r) => num(get(r.props, ["blockDeviceMappings", 0, "ebs", "volumeSize"])))[0] ?? 0;
    let graphGb = 0;
    // Container Insights is billed by what the agents on the nodes send: per node of the stack's node groups.
    const nodes = resources
        .filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")
        .reduce((n, r) => n + num(get(r.props, ["scalingConfig", "desiredSize"])), 0);
    let graphVolumes = 0;
    let vaults = 0;
    let hasAurora = false;
    const restoreTests = { aurora: 0, ebs: 0 };
    const protect = prices.protectionAssumptions;

    for (const r of resources) {
        const p = r.props;
        use(r.region);
        switch (r.type) {
            case "aws:eks/cluster:Cluster":
                perHour(r.name, "eks-cluster", 1);
                break;
            case "aws:eks/nodeGroup:NodeGroup": {
                const nodes = num(get(p, ["scalingConfig", "desiredSize"]));
                perHour(r.name, `ec2:${String(get(p, ["instanceTypes", 0]))}`, nodes);
                if (rootGb) perMonth(r.name, "ebs-gp3-gb", nodes * rootGb, "GB-month");
                break;
            }
            case "aws:rds/clusterInstance:ClusterInstance":
                perHour(r.name, `rds:${String(p.instanceClass)}`, 1);
                break;
            case "aws:rds/cluster:Cluster":
                hasAurora = true;
                perMonth(r.name, "aurora-storage-gb", prices.assumptions.auroraStorageGb, "GB-month");
                break;
            case "aws:wafv2/webAcl:WebAcl": {
                // Per web ACL, per rule (a managed rule group is one rule), per million requests inspected.
                const rules = Array.isArray(p.rules) ? p.rules.length : 0;
                perMonth(r.name, "waf-web-acl", 1, "month");
                if (rules) perMonth(r.name, "waf-rule", rules, "month");
                perMonth(r.name, "waf-requests-million", protect.wafRequestsMillionPerAclMonth, "month");
                break;
            }
            case "aws:backup/vault:Vault":
                vaults++;
                break;
            case "aws:backup/restoreTestingSelection:RestoreTestingSelection":
                if (p.protectedResourceType === "Aurora") restoreTests.aurora += Array.isArray(p.protectedResourceArns) ? p.protectedResourceArns.length : 1;
                if (p.protectedResourceType === "EBS") restoreTests.ebs++;
                break;
            case "aws:ecr/repository:Repository":
                perMonth(r.name, "ecr-storage-gb", protect.ecrGbPerRepository, "GB-month");
                break;
            case "aws:elasticache/replicationGroup:ReplicationGroup": {
                const nodeType = typeof p.nodeType === "string" ? p.nodeType : inherited.redisNodeType;
                perHour(r.name, `elasticache:${String(nodeType)}`, num(p.numCacheClusters, 1));
                break;
            }
            case "aws:ec2/natGateway:NatGateway":
                perHour(r.name, "nat-gateway", 1);
                break;
            case "aws:lb/loadBalancer:LoadBalancer":
                perHour(r.name, "alb", 1);
                perHour(r.name, "alb-lcu", 1);
                break;
            case "kubernetes:apps/v1:StatefulSet": {
                const replicas = num(get(p, ["spec", "replicas"]), 1);
                const gb = gi(get(p, ["spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"])) * replicas;
                graphGb += gb;
                if (gb) graphVolumes += replicas;
                if (gb) perMonth(r.name, "ebs-gp3-gb", gb, "GB-month");
                break;
            }
            case "aws:kms/key:Key":
                perMonth(r.name, "kms-key", 1, "month");
                break;
            case "aws:route53/healthCheck:HealthCheck":
                perMonth(r.name, "route53-health-check-https", 1, "month");
                break;
            case "aws:cloudwatch/metricAlarm:MetricAlarm": {
                // Billed per metric the alarm reads: one, or each metric of its metric-math queries.
                const queries = Array.isArray(p.metricQueries) ? (p.metricQueries as unknown[]) : [];
                const metrics = queries.length ? queries.filter((q) => !!get(q, ["metric"])).length : 1;
                perMonth(r.name, "cloudwatch-alarm-metric", metrics, "month");
                break;
            }
            case "kubernetes:batch/v1:CronJob":
                // The graph's lag exporter publishes one custom metric (one dimension combination: its cluster), billed
                // per metric-month whatever the number of points (Amazon CloudWatch pricing, metrics).
                if (get(p, ["spec", "jobTemplate", "spec", "template", "metadata", "labels", NEO4J_LABELS.component]) === GRAPH_LAG_EXPORTER_COMPONENT) perMonth(r.name, "cloudwatch-custom-metric", 1, "month");
                break;
            case "aws:cloudwatch/compositeAlarm:CompositeAlarm":
                perMonth(r.name, "cloudwatch-composite-alarm", 1, "month");
                break;
            case "aws:cloudwatch/dashboard:Dashboard":
                perMonth(r.name, "cloudwatch-dashboard", 1, "month");
                break;
            case "aws:synthetics/canary:Canary": {
                // Billed per run: rate(N minutes) runs 60 x hoursPerMonth / N times a month.
                const m = /^rate\((\d+) minutes?\)$/.exec(String(get(p, ["schedule", "expression"])));
                if (m) perMonth(r.name, "synthetics-canary-run", Math.round((60 * H) / Number(m[1])), "run");
                else unpriced.push(`${r.name}: synthetics-canary-run (schedule not rate(N minutes))`);
                break;
            }
            case "aws:eks/addon:Addon":
                if (p.addonName === "amazon-cloudwatch-observability") perMonth(r.name, "container-insights-node", nodes, "month");
                break;
            case "aws:fis/experimentTemplate:ExperimentTemplate":
                // Billed per action-minute while an action runs (AWS FIS pricing), at the runs per month the table assumes.
                perMonth(r.name, "fis-action-minute", experimentActionMinutes(p) * prices.assumptions.fisRunsPerDrillPerMonth, "action-minute");
                break;
        }
    }
    use(context.region);
    if (graphGb) perMonth("neo4j backups", "s3-standard-gb", graphGb * prices.assumptions.backupBucketShareOfGraphStorage, "GB-month");
    if (vaults) {
        // Recovery points of this region's resources plus the copies the zone's other region sends (data/aws-prices.json protectionAssumptions).
        const copies = 1 + protect.backupCopiesReceivedPerOwnPoint;
        if (graphGb) perMonth("backup recovery points", "backup-ebs-snapshot-gb", graphGb * protect.backupEbsShareOfVolume * copies, "GB-month");
        if (hasAurora) perMonth("backup recovery points", "backup-aurora-gb", prices.assumptions.auroraStorageGb * copies, "GB-month");
        if (graphGb) perMonth("backup recovery points", "backup-s3-gb", graphGb * prices.assumptions.backupBucketShareOfGraphStorage * copies, "GB-month");
    }
    const restores = restoreTests.aurora + (restoreTests.ebs ? graphVolumes : 0);
    if (restores) perMonth("restore tests", "backup-restore-test", restores, "month");
    const monthlyUsd = Math.round(lines.reduce((n, l) => n + l.monthlyUsd, 0) * 100) / 100;
    const error = unpriced.length && errors.size ? [...errors].join("; ") : undefined;
    return { monthlyUsd, lines, unpriced, priceTable: { region: context.region ?? "", source: tables.source, date: tables.date, excluded: prices.excluded }, ...(error ? { error } : {}) };
}

/**
 * Action-minutes of one run of an experiment template: each action's duration (its `duration`, or the
 * `startInstancesAfterDuration` of aws:ec2:stop-instances), ISO 8601 PTnHnMnS rounded up to the minute; an
 * action without one (a failover, a termination) counts as one minute.
 */
export function experimentActionMinutes(props: Record<string, unknown>): number {
    const actions = Array.isArray(props.actions) ? (props.actions as unknown[]) : [];
    return actions.reduce<number>((n, a) => {
        const params = get(a, ["parameters"]);
        const list = Array.isArray(params) ? (params as { key?: unknown; value?: unknown }[]) : [];
        const iso = list.find((x) => x.key === "duration" || x.key === "startInstancesAfterDuration")?.value;
        const m = typeof iso === "string" ? /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso) : null;
        const minutes = m ? Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0) + Math.ceil(Number(m[3] ?? 0) / 60) : 0;
        return n + Math.max(1, minutes);
    }, 0);
}
