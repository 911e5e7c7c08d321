/**
 * The Service Quotas a stack needs at its planned maxima, against the AWS defaults of
 * policy-pack/data/aws-quotas.json: EC2 vCPUs per quota bucket with every EKS node group at maxSize
 * (vCPUs per instance type from policy-pack/data/ec2-instance-types.json), Elastic IPs, NAT gateways per AZ,
 * VPCs, internet gateways, EKS clusters, node groups and nodes, ALBs, RDS clusters and instances.
 * Missing data is an error that names what is missing (QuotaDataError), never a guess.
 */
import quotaTable from "../../policy-pack/data/aws-quotas.json";
import instanceTable from "../../policy-pack/data/ec2-instance-types.json";

export const QUOTA_DATA_FILE = "policy-pack/data/aws-quotas.json";
export const INSTANCE_DATA_FILE = "policy-pack/data/ec2-instance-types.json";

/** A planned resource with plain (unwrapped) inputs, as the report holds it. */
export interface QuotaInput {
    readonly urn: string;
    readonly type: string;
    readonly id?: string;
    readonly inputs: Record<string, unknown>;
    /** `<provider urn>::<provider id>`, as in a `pulumi stack export`. */
    readonly provider?: string;
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export type QuotaScope = "region" | "availability zone" | "cluster" | "node group" | "account";

interface QuotaSpec {
    readonly service: string;
    readonly code: string;
    readonly name: string;
    readonly short: string;
    readonly unit: string;
    readonly scope: QuotaScope;
    readonly default: number;
    readonly source: string;
    readonly checked: string;
}

/** One quota a stack consumes: what it needs at its maxima against the AWS default. */
export interface QuotaNeed {
    readonly code: string;
    readonly name: string;
    /** Short label for the summary. */
    readonly short: string;
    readonly service: string;
    /** What the quota counts per: the region, one AZ, one cluster, one node group. */
    readonly scope: QuotaScope;
    readonly region: string;
    readonly needed: number;
    readonly default: number;
    readonly unit: string;
    /** needed > default: request an increase before deploying. */
    readonly overDefault: boolean;
    /** How `needed` adds up from the planned resources. */
    readonly basis: string;
    readonly source: string;
    readonly checked: string;
}

/** The quota or instance data lacks what a planned resource needs; the message names it and the file to fix. */
export class QuotaDataError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "QuotaDataError";
    }
}

const SPECS = quotaTable.quotas as Record<string, QuotaSpec>;
const VCPUS = instanceTable.vcpus as Record<string, number>;
const FAMILIES = quotaTable.instanceFamilies as {
    onDemand: Record<string, string[]>;
    spot: Record<string, string[]>;
    unverified: Record<string, string[]>;
};

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const nameOf = (r: QuotaInput) => r.urn.split("::").pop() ?? r.urn;
const describe = (r: QuotaInput) => `${r.type} '${nameOf(r)}'`;

function spec(key: string): QuotaSpec {
    const s = SPECS[key];
    if (!s) throw new QuotaDataError(`${QUOTA_DATA_FILE}: no quota "${key}"`);
    return s;
}

/** The letters before an instance family's generation digit: m6i -> m, im4gn -> im, inf2 -> inf, u-6tb1 -> u. */
export function familyLetters(instanceType: string): string {
    return /^[a-z]+/.exec(instanceType)?.[0] ?? "";
}

/** vCPUs of one instance of the type, from the dated table; a type missing from it is an error naming it. */
export function vcpusOf(instanceType: string, where = ""): number {
    const n = VCPUS[instanceType];
    if (n === undefined) {
        throw new QuotaDataError(
            `${INSTANCE_DATA_FILE}: instance type "${instanceType}"${where ? ` (${where})` : ""} has no vCPU count; ` +
                `add it from the EC2 instance type specifications (${instanceTable.urls[0]}) so the quota section can count it`,
        );
    }
    return n;
}

/** The vCPU quota an instance type counts against, for on-demand or spot capacity. */
export function vcpuQuotaOf(instanceType: string, capacity: "ON_DEMAND" | "SPOT", where = ""): string {
    const letters = familyLetters(instanceType);
    const buckets = capacity === "SPOT" ? FAMILIES.spot : FAMILIES.onDemand;
    for (const [key, prefixes] of Object.entries(buckets)) if (prefixes.includes(letters)) return key;
    const at = where ? ` (${where})` : "";
    const unverified = Object.entries(FAMILIES.unverified).find(([, prefixes]) => prefixes.includes(letters));
    if (unverified) {
        const bucket = capacity === "SPOT" ? `the Spot bucket of "${unverified[0]}"` : `"${unverified[0]}"`;
        throw new QuotaDataError(
            `${QUOTA_DATA_FILE}: instance type "${instanceType}"${at} counts against ${bucket}, whose code and AWS default are not verified; ` +
                `add that quota to "quotas" and its family to "instanceFamilies" with a source`,
        );
    }
    throw new QuotaDataError(`${QUOTA_DATA_FILE}: instance family "${letters}" of "${instanceType}"${at} is in no vCPU quota bucket; add it to "instanceFamilies"`);
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/** Counts per (quota, region or sub-scope), each with the words that explain it. */
class Tally {
    private readonly rows = new Map<string, { key: string; region: string; needed: number; basis: string }>();
    set(key: string, region: string, needed: number, basis: string): void {
        if (needed > 0) this.rows.set(`${key}@${region}`, { key, region, needed, basis });
    }
    needs(): QuotaNeed[] {
        const order = Object.keys(SPECS);
        return [...this.rows.values()]
            .sort((a, b) => order.indexOf(a.key) - order.indexOf(b.key) || a.region.localeCompare(b.region))
            .map(({ key, region, needed, basis }) => {
                const s = spec(key);
                return {
                    code: s.code,
                    name: s.name,
                    short: s.short,
                    service: s.service,
                    scope: s.scope,
                    region,
                    needed,
                    default: s.default,
                    unit: s.unit,
                    overDefault: needed > s.default,
                    basis,
                    source: s.source,
                    checked: s.checked,
                };
            });
    }
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
    const m = new Map<string, T[]>();
    for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
    return m;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The quotas the resources need, per region they are created in (a resource's own `region` input, else its
 * provider's region, else `stackRegion`). Throws QuotaDataError when an instance type or quota bucket is
 * missing from the data, or a node group's maxSize or instance types are not known.
 */
export function quotaNeeds(resources: readonly QuotaInput[], stackRegion: string): QuotaNeed[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const regionOf = (r: QuotaInput): string => {
        if (typeof r.inputs.region === "string" && r.inputs.region) return r.inputs.region;
        const providerUrn = r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : "";
        const region = byUrn.get(providerUrn)?.inputs.region;
        return typeof region === "string" && region ? region : stackRegion;
    };
    const ofType = (...types: string[]) => resources.filter((r) => types.includes(r.type));
    const perRegion = (rs: readonly QuotaInput[]) => groupBy(rs, regionOf);
    const tally = new Tally();

    // EC2 vCPUs: every node group at maxSize, each instance at its largest type's vCPUs, summed per quota bucket.
    const nodeGroups = ofType(NODE_GROUP).map((r) => {
        const max = (r.inputs.scalingConfig as { maxSize?: unknown } | undefined)?.maxSize;
        if (!isNum(max)) throw new QuotaDataError(`${describe(r)}: scalingConfig.maxSize is ${JSON.stringify(max)}; the quota section needs a known maxSize`);
        const types = r.inputs.instanceTypes;
        if (!Array.isArray(types) || types.length === 0 || !types.every((t): t is string => typeof t === "string")) {
            throw new QuotaDataError(`${describe(r)}: instanceTypes is ${JSON.stringify(types)}; the quota section needs the node group's instance types`);
        }
        const capacity = r.inputs.capacityType === "SPOT" ? "SPOT" : "ON_DEMAND";
        const where = `${describe(r)} instanceTypes`;
        // Each bucket the types span is charged the group's maxSize at that bucket's largest type.
        const largest = new Map<string, { type: string; vcpus: number }>();
        for (const t of types) {
            const vcpus = vcpusOf(t, where);
            const bucket = vcpuQuotaOf(t, capacity, where);
            if ((largest.get(bucket)?.vcpus ?? -1) < vcpus) largest.set(bucket, { type: t, vcpus });
        }
        return { r, max, largest, region: regionOf(r) };
    });
    for (const [region, groups] of groupBy(nodeGroups, (g) => g.region)) {
        const buckets = new Map<string, { vcpus: number; byType: Map<string, { nodes: number; vcpus: number }>; groups: number }>();
        for (const g of groups) {
            for (const [bucket, { type, vcpus }] of g.largest) {
                const b = buckets.get(bucket) ?? { vcpus: 0, byType: new Map(), groups: 0 };
                b.vcpus += g.max * vcpus;
                b.groups += 1;
                const t = b.byType.get(type) ?? { nodes: 0, vcpus };
                t.nodes += g.max;
                b.byType.set(type, t);
                buckets.set(bucket, b);
            }
        }
        for (const [bucket, b] of buckets) {
            const terms = [...b.byType.entries()]
                .sort(([a], [c]) => a.localeCompare(c))
                .map(([type, t]) => `${t.nodes} x ${type} (${t.vcpus} vCPUs)`)
                .join(" + ");
            tally.set(bucket, region, b.vcpus, `${terms} = ${b.vcpus} vCPUs, ${plural(b.groups, "node group")} at maxSize`);
        }
    }

    for (const [region, eips] of perRegion(ofType("aws:ec2/eip:Eip"))) tally.set("vpc-elastic-ips", region, eips.length, `${plural(eips.length, "Elastic IP")} (aws:ec2/eip)`);

    // NAT gateways count per AZ: the AZ of the subnet each one is placed in.
    const azOf = (nat: QuotaInput): string | undefined => {
        const dep = nat.propertyDependencies?.subnetId?.[0];
        const subnet = (dep ? byUrn.get(dep) : undefined) ?? resources.find((s) => s.type === "aws:ec2/subnet:Subnet" && s.id !== undefined && s.id === nat.inputs.subnetId);
        const az = subnet?.inputs.availabilityZone ?? subnet?.inputs.availabilityZoneId;
        return typeof az === "string" ? az : undefined;
    };
    for (const [region, nats] of perRegion(ofType("aws:ec2/natGateway:NatGateway"))) {
        const byAz = groupBy(nats, (n) => azOf(n) ?? "?");
        if (byAz.has("?")) tally.set("vpc-nat-gateways-per-az", region, nats.length, `${plural(nats.length, "NAT gateway")}, AZ of some not known: all counted in one AZ`);
        else {
            const most = Math.max(...[...byAz.values()].map((n) => n.length));
            tally.set("vpc-nat-gateways-per-az", region, most, `${plural(nats.length, "NAT gateway")} over ${plural(byAz.size, "AZ")} (${[...byAz.keys()].sort().join(", ")}): at most ${most} in one`);
        }
    }

    for (const [region, vpcs] of perRegion(ofType("aws:ec2/vpc:Vpc"))) tally.set("vpc-vpcs", region, vpcs.length, `${plural(vpcs.length, "VPC")} (plus the region's default VPC if the account keeps it)`);
    for (const [region, igws] of perRegion(ofType("aws:ec2/internetGateway:InternetGateway"))) tally.set("vpc-internet-gateways", region, igws.length, `${plural(igws.length, "internet gateway")}`);
    for (const [region, clusters] of perRegion(ofType("aws:eks/cluster:Cluster"))) tally.set("eks-clusters", region, clusters.length, `${plural(clusters.length, "EKS cluster")}`);

    for (const [region, groups] of groupBy(nodeGroups, (g) => g.region)) {
        const clusterOf = (r: QuotaInput) => r.propertyDependencies?.clusterName?.[0] ?? String(r.inputs.clusterName);
        const perCluster = groupBy(groups, (g) => clusterOf(g.r));
        const most = Math.max(...[...perCluster.values()].map((g) => g.length));
        tally.set("eks-managed-node-groups-per-cluster", region, most, `${plural(groups.length, "managed node group")} in ${plural(perCluster.size, "cluster")}: at most ${most} in one`);
        const biggest = groups.reduce((a, b) => (b.max > a.max ? b : a));
        tally.set("eks-nodes-per-managed-node-group", region, biggest.max, `largest maxSize: ${nameOf(biggest.r)} ${biggest.max}`);
    }

    const albs = ofType("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer").filter((r) => (r.inputs.loadBalancerType ?? "application") === "application");
    for (const [region, lbs] of perRegion(albs)) tally.set("elb-application-load-balancers", region, lbs.length, `${plural(lbs.length, "Application Load Balancer")}`);

    for (const [region, clusters] of perRegion(ofType("aws:rds/cluster:Cluster"))) tally.set("rds-db-clusters", region, clusters.length, `${plural(clusters.length, "Aurora cluster")}`);
    for (const [region, instances] of perRegion(ofType("aws:rds/clusterInstance:ClusterInstance", "aws:rds/instance:Instance"))) {
        tally.set("rds-db-instances", region, instances.length, `${plural(instances.length, "DB instance")} (Aurora cluster instances count)`);
    }
    return tally.needs();
}
