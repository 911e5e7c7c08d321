/**
 * The stack set checked as a whole: what no single stack can see, because each `pulumi up` reads only the
 * stacks it references. Run by `npm run plan` over every stack file of the project (also with --stack), on the
 * raw config, so a conflict between two stacks is reported before either is planned or deployed:
 * - VPC CIDRs pairwise disjoint within a zone and environment (every pair may be peered by the interconnect);
 * - one primary per zone and environment (the global names intelgraph-<zone>-<env> are unique per account);
 * - at most two secondaries per primary (an ElastiCache global datastore replicates to up to two other
 *   Regions, ElastiCache User Guide "Global datastores: prerequisites and limitations"; an Aurora global database
 *   allows up to 10, Aurora User Guide "Configuration requirements of an Amazon Aurora global database", so the
 *   datastore is the bound);
 * - per DNS name, one primary and one failover target: Route 53 spreads a name's traffic over its healthy
 *   zero-weight records when every non-zero one is unhealthy (Route 53 Developer Guide, "Weighted routing"),
 *   and only one secondary gets the Aurora writer — a read-only secondary needs a name of its own;
 * - a DNS name belongs to one zone and environment;
 * - no link across zones or environments (a secondary's primary, an interconnect's stacks).
 * Physical names shared by two stacks in one account are found after planning (duplicatePhysicalNames).
 */
import type { StackFile } from "./project";
import type { StackReport } from "./report";
import { unwrapWire } from "./wire";

export interface StackSetProblem {
    /** The stacks in conflict (their files are Pulumi.<stack>.yaml). */
    readonly stacks: readonly string[];
    readonly key: string;
    readonly message: string;
}

interface Regional {
    readonly stack: string;
    readonly role: string;
    readonly zone: string;
    readonly environment: string;
    readonly account: string;
    readonly cidr: string;
    readonly primaryStack: string;
    readonly apiDomain: string;
}

const short = (name: string) => name.split("/").pop() ?? name;
const file = (stack: string) => `Pulumi.${stack}.yaml`;

function json(text: string | undefined): unknown {
    try {
        return text === undefined ? undefined : (JSON.parse(text) as unknown);
    } catch {
        return undefined;
    }
}

// components/network/cidr.ts has the program's CIDR parser; the engine imports nothing from the program (test/tools/offline/engine.test.ts "a tool of its own").
function ipv4Range(cidr: string): [number, number] | undefined {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) return undefined;
    const ip = m.slice(1, 5).reduce((n, o) => n * 256 + Number(o), 0);
    const size = 2 ** (32 - Number(m[5]));
    const start = ip - (ip % size);
    return [start, start + size - 1];
}

function overlaps(a: string, b: string): boolean {
    const [ra, rb] = [ipv4Range(a), ipv4Range(b)];
    return !!ra && !!rb && ra[0] <= rb[1] && rb[0] <= ra[1];
}

function regionalOf(f: StackFile): Regional | undefined {
    const c = f.config;
    const role = c["intelgraph:role"] ?? "";
    if (role !== "primary" && role !== "secondary") return undefined;
    const dns = json(c["intelgraph:dns"]) as { apiDomain?: unknown } | undefined;
    return {
        stack: f.stack,
        role,
        zone: c["intelgraph:residencyZone"] ?? "",
        environment: c["intelgraph:environment"] ?? "",
        account: c["intelgraph:accountId"] ?? "",
        cidr: c["intelgraph:vpcCidr"] ?? "",
        primaryStack: short(c["intelgraph:primaryStack"] ?? ""),
        apiDomain: typeof dns?.apiDomain === "string" ? dns.apiDomain.toLowerCase().replace(/\.$/, "") : "",
    };
}

const pairs = <T>(xs: readonly T[]): [T, T][] => xs.flatMap((a, i) => xs.slice(i + 1).map((b): [T, T] => [a, b]));
const groupBy = <T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
    return m;
};

/**
 * Every conflict between the stack files, each naming the stacks, the key to change and what is allowed.
 * `caps` (environment -> monthly cap, policy-pack/config/environments.json) adds the budgets' checks: every
 * environment with regional stacks has one billing stack, and its infrastructure budget is that cap.
 */
export function checkStackSet(files: readonly StackFile[], caps?: Readonly<Record<string, number>>): StackSetProblem[] {
    const problems: StackSetProblem[] = [];
    const regional = files.flatMap((f) => regionalOf(f) ?? []);
    const byName = new Map(regional.map((r) => [r.stack, r]));
    const scope = (r: { zone: string; environment: string }) => `zone "${r.zone}", environment "${r.environment}"`;

    for (const [, set] of groupBy(regional, (r) => `${r.zone}/${r.environment}`)) {
        for (const [a, b] of pairs(set)) {
            if (overlaps(a.cidr, b.cidr)) {
                problems.push({
                    stacks: [a.stack, b.stack],
                    key: "intelgraph:vpcCidr",
                    message: `${file(b.stack)}: intelgraph:vpcCidr ${b.cidr} overlaps ${a.stack}'s ${a.cidr}; allowed: pairwise disjoint VPC CIDRs within ${scope(a)} (the interconnect peers them)`,
                });
            }
        }
        const primaries = set.filter((r) => r.role === "primary");
        if (primaries.length > 1) {
            problems.push({
                stacks: primaries.map((p) => p.stack),
                key: "intelgraph:role",
                message: `${primaries.map((p) => file(p.stack)).join(", ")}: intelgraph:role is primary in each; allowed: one primary per ${scope(primaries[0])} (its global cluster and datastore are named intelgraph-${primaries[0].zone}-${primaries[0].environment}, unique per account)`,
            });
        }
    }

    for (const s of regional.filter((r) => r.role === "secondary")) {
        const p = byName.get(s.primaryStack);
        if (!p) continue; // the program reports a missing primary when it reads it
        if (p.zone !== s.zone || p.environment !== s.environment) {
            problems.push({
                stacks: [s.stack, p.stack],
                key: "intelgraph:primaryStack",
                message: `${file(s.stack)}: intelgraph:primaryStack is ${p.stack}, of ${scope(p)}; allowed: a primary of ${scope(s)} (nothing links across zones or environments)`,
            });
        }
    }
    for (const [primary, secondaries] of groupBy(regional.filter((r) => r.role === "secondary"), (r) => r.primaryStack)) {
        if (secondaries.length > 2) {
            problems.push({
                stacks: [primary, ...secondaries.map((s) => s.stack)],
                key: "intelgraph:primaryStack",
                message: `${secondaries.map((s) => file(s.stack)).join(", ")}: ${secondaries.length} secondaries name ${primary} as intelgraph:primaryStack; allowed: at most 2 (an ElastiCache global datastore has at most two secondary Regions)`,
            });
        }
    }

    for (const [domain, set] of groupBy(regional.filter((r) => r.apiDomain), (r) => r.apiDomain)) {
        const scopes = [...new Set(set.map(scope))];
        if (scopes.length > 1) {
            problems.push({
                stacks: set.map((r) => r.stack),
                key: "intelgraph:dns.apiDomain",
                message: `${set.map((r) => file(r.stack)).join(", ")}: intelgraph:dns.apiDomain is ${domain} in ${scopes.join(" and ")}; allowed: a DNS name of one zone and environment (one name's weighted records would mix their traffic)`,
            });
            continue;
        }
        const targets = set.filter((r) => r.role === "secondary");
        if (targets.length > 1) {
            problems.push({
                stacks: targets.map((r) => r.stack),
                key: "intelgraph:dns.apiDomain",
                message: `${targets.map((r) => file(r.stack)).join(", ")}: intelgraph:dns.apiDomain is ${domain} in each; allowed: one failover target per DNS name (Route 53 would spread the failed-over traffic across every healthy zero-weight record, and one secondary gets the writer): give the read-only secondaries a name of their own`,
            });
        }
    }

    if (caps) {
        const billing = files.filter((x) => x.config["intelgraph:role"] === "billing");
        for (const env of [...new Set(regional.map((r) => r.environment))]) {
            const mine = billing.filter((b) => b.config["intelgraph:environment"] === env);
            const stacks = regional.filter((r) => r.environment === env).map((r) => r.stack);
            if (mine.length !== 1) {
                problems.push({
                    stacks: [...stacks, ...mine.map((b) => b.stack)],
                    key: "intelgraph:role",
                    message: `environment "${env}" (${stacks.join(", ")}) has ${mine.length} billing stacks (${mine.map((b) => file(b.stack)).join(", ") || "none"}); allowed: exactly one, Pulumi.${env === "prod" ? "billing" : `${env}-billing`}.yaml with intelgraph:role billing (its AWS Budgets)`,
                });
                continue;
            }
            const budget = (json(mine[0].config["intelgraph:budgets"]) as { infraMonthlyUsd?: unknown } | undefined)?.infraMonthlyUsd;
            if (caps[env] !== undefined && budget !== caps[env]) {
                problems.push({
                    stacks: [mine[0].stack],
                    key: "intelgraph:budgets.infraMonthlyUsd",
                    message: `${file(mine[0].stack)}: intelgraph:budgets.infraMonthlyUsd is ${JSON.stringify(budget)}; allowed: ${caps[env]}, the ${env} cap of policy-pack/config/environments.json (the plan's estimate and AWS Budgets hold the environment to one number)`,
                });
            }
        }
    }

    for (const f of files.filter((x) => x.config["intelgraph:role"] === "interconnect")) {
        const c = f.config;
        const linked = [c["intelgraph:primaryStack"] ?? "", ...((json(c["intelgraph:secondaryStacks"]) as unknown[] | undefined) ?? []).map(String)].map(short);
        for (const l of linked.flatMap((n) => byName.get(n) ?? [])) {
            if (l.zone !== c["intelgraph:residencyZone"] || l.environment !== c["intelgraph:environment"]) {
                problems.push({
                    stacks: [f.stack, l.stack],
                    key: l.role === "primary" ? "intelgraph:primaryStack" : "intelgraph:secondaryStacks",
                    message: `${file(f.stack)}: links ${l.stack}, of ${scope(l)}; allowed: stacks of zone "${c["intelgraph:residencyZone"] ?? ""}", environment "${c["intelgraph:environment"] ?? ""}" (nothing links across zones or environments)`,
                });
            }
        }
    }
    return problems;
}

/** Inputs that are a resource's physical name (what AWS refuses twice in one account, or one account and region). */
const NAME_INPUTS: Readonly<Record<string, string>> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:eks/cluster:Cluster": "name",
    "aws:rds/cluster:Cluster": "clusterIdentifier",
    "aws:rds/clusterInstance:ClusterInstance": "identifier",
    "aws:rds/globalCluster:GlobalCluster": "globalClusterIdentifier",
    "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": "globalReplicationGroupIdSuffix",
    "aws:kms/alias:Alias": "name",
    "aws:secretsmanager/secret:Secret": "name",
    "aws:cloudwatch/logGroup:LogGroup": "name",
    "aws:iam/role:Role": "name",
    "aws:iam/policy:Policy": "name",
    "aws:lb/loadBalancer:LoadBalancer": "name",
    "aws:lb/targetGroup:TargetGroup": "name",
    "aws:backup/vault:Vault": "name",
    "aws:backup/plan:Plan": "name",
    "aws:wafv2/webAcl:WebAcl": "name",
};
/** Names unique in the whole account (IAM, global resources) or, for buckets, in the whole partition. */
// Aurora DB cluster names "must be unique across all AWS Regions" (Aurora User Guide, global database configuration requirements).
const ACCOUNT_WIDE = /^aws:(iam|s3|rds\/globalCluster|rds\/cluster:|elasticache\/globalReplicationGroup)/;

/** Physical names two stacks of one account would both create: the second `pulumi up` would fail. */
export function duplicatePhysicalNames(stacks: readonly StackReport[]): StackSetProblem[] {
    const seen = new Map<string, { stack: string; urn: string }>();
    const problems: StackSetProblem[] = [];
    for (const s of stacks) {
        const providers = new Map(
            s.deployment.resources.filter((r) => r.type.startsWith("pulumi:providers:aws")).map((r) => {
                const i = unwrapWire(r.inputs) as { region?: unknown; allowedAccountIds?: unknown };
                const ids = typeof i.allowedAccountIds === "string" ? (JSON.parse(i.allowedAccountIds) as unknown) : i.allowedAccountIds;
                return [r.urn, { region: String(i.region ?? ""), account: Array.isArray(ids) ? String(ids[0]) : "" }] as const;
            }),
        );
        for (const r of s.deployment.resources) {
            const input = NAME_INPUTS[r.type];
            const name = input ? (unwrapWire(r.inputs) as Record<string, unknown>)[input] : undefined;
            if (typeof name !== "string") continue;
            const p = providers.get((r.provider ?? "").split("::").slice(0, -1).join("::"));
            const where = ACCOUNT_WIDE.test(r.type) ? `${p?.account ?? "?"}` : `${p?.account ?? "?"}/${p?.region ?? "?"}`;
            const key = `${r.type} ${where} ${name}`;
            const first = seen.get(key);
            if (first && first.stack !== s.stack) {
                problems.push({
                    stacks: [first.stack, s.stack],
                    key: input,
                    message: `${first.stack} and ${s.stack} both create ${r.type.split(":")[1]} "${name}" in account ${where}; allowed: physical names unique per account (stacks/regional.ts names them after the stack)`,
                });
            } else if (!first) seen.set(key, { stack: s.stack, urn: r.urn });
        }
    }
    return problems;
}
