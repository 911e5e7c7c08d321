/**
 * The one config schema every region's stack is parsed with. Each key has a zod schema whose message says
 * what is allowed; cross-key rules (region vs stack name, AZs vs region, zone vs region, role vs peer) run on
 * the keys that parsed. Every problem is reported at once, naming the stack file, the key and the bad value,
 * and the program throws before registering any resource.
 */
import { closest, distance } from "fastest-levenshtein";
import { z } from "zod";
import { MAX_VPC_PREFIX, MIN_VPC_PREFIX, cidrsOverlap, parseCidr } from "../../components/network/cidr";
import { globalName } from "../../policy-pack/contracts/globalNames";
import { type AlertsConfig, alertsSchema } from "./alerts";
import { ENVIRONMENTS, RESIDENCY_ZONES, type Residency, regionalStackNames, zoneAllowsRegion } from "./residency";
import {
    type DnsConfig,
    type EksConfig,
    type MemberAuroraConfig,
    type MemberRedisConfig,
    type Neo4jConfig,
    OWNED_BY_PRIMARY,
    OWNED_BY_PRIMARY_ALLOWED,
    type PrimaryAuroraConfig,
    type PrimaryRedisConfig,
    auroraSchema,
    dnsSchema,
    eksSchema,
    memberTiers,
    neo4jSchema,
    primaryTiers,
    redisSchema,
} from "./tiers";
import { regionalVaultName } from "../../components/storage/backupRules";
import { backupLifecycleDays } from "../../components/graph/backup";
import { type BackupConfig, type RegistryConfig, VAULT_ARN_PATTERN, type WafConfig, backupSchema, registrySchema, wafSchema } from "./protect";
import { type ChaosConfig, type EvidenceConfig, chaosSchema, evidenceSchema } from "./chaos";

/**
 * The stack's ownership role (`intelgraph:role`), fixed when the stack is created: the primary owns the global
 * cluster, the global datastore and the shared credentials; a secondary is a member of them. Which region takes
 * writes is operational state a failover changes, and is not this.
 */
export const ROLES = ["primary", "secondary"] as const;
export type Role = (typeof ROLES)[number];

/** What every regional stack has, whatever its ownership role. */
export interface RegionalStackConfig {
    readonly stack: string;
    /** The stack file the values came from, for messages. */
    readonly file: string;
    /** The environment's AWS account: every provider refuses credentials of another (allowedAccountIds). */
    readonly accountId: string;
    readonly region: string;
    readonly residency: Residency;
    readonly network: {
        readonly cidr: string;
        readonly availabilityZones: readonly [string, string, string];
    };
    readonly eks: EksConfig;
    readonly neo4j: Neo4jConfig;
    readonly dns: DnsConfig;
    readonly alerts: AlertsConfig;
    readonly waf: WafConfig;
    readonly backup: BackupConfig;
    readonly registry: RegistryConfig;
    readonly chaos: ChaosConfig;
    readonly evidence: EvidenceConfig;
}

/** The stack that owns the global cluster, the global datastore and the credentials. */
export interface PrimaryStackConfig extends RegionalStackConfig {
    readonly role: "primary";
    readonly aurora: PrimaryAuroraConfig;
    readonly redis: PrimaryRedisConfig;
}

/** A member of the primary's global cluster and datastore, linked to it through a StackReference. */
export interface SecondaryStackConfig extends RegionalStackConfig {
    readonly role: "secondary";
    /** The primary stack's reference name (stack, or org/project/stack). */
    readonly primaryStack: string;
    /** A secondary's graph servers know whether they were promoted (intelgraph:neo4j.promoted, set by the failover runbook). */
    readonly neo4j: Neo4jConfig & { readonly promoted: boolean };
    readonly aurora: MemberAuroraConfig;
    readonly redis: MemberRedisConfig;
}

export type StackConfig = PrimaryStackConfig | SecondaryStackConfig;

export interface ConfigProblem {
    readonly file: string;
    readonly key: string;
    /** The value as written, or undefined when the key is missing. */
    readonly value: unknown;
    readonly allowed: string;
}

export class ConfigError extends Error {
    constructor(readonly problems: readonly ConfigProblem[]) {
        super(formatProblems(problems));
        this.name = "ConfigError";
    }
}

export function formatProblem(p: ConfigProblem): string {
    const shown = p.value === undefined ? "missing" : `${JSON.stringify(p.value)}`;
    return `${p.file}: ${p.key} is ${shown}; allowed: ${p.allowed}`;
}

function formatProblems(problems: readonly ConfigProblem[]): string {
    const files = [...new Set(problems.map((p) => p.file))].join(", ");
    const n = problems.length;
    return [`invalid stack configuration in ${files} (${n} problem${n === 1 ? "" : "s"}):`, ...problems.map((p) => `  - ${formatProblem(p)}`)].join("\n");
}

const ZONE_NAMES = Object.keys(RESIDENCY_ZONES);
const describeZones = () => ZONE_NAMES.map((z) => `${z} (${RESIDENCY_ZONES[z].join(", ")})`).join("; ");

const DISABLE_DEFAULTS = '["*"]: every resource names its explicit provider (stacks/providers.ts)';

/** Per-key schemas; the message of each is the "allowed" half of the problem. */
export const keySchemas = {
    "aws:region": z.string({ error: "an AWS region name the stack is named after" }).regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, {
        error: "an AWS region name such as us-west-2, the stack's name (prod) or its name after the environment (staging-us-west-2)",
    }),
    "intelgraph:role": z.enum(ROLES, { error: `one of ${ROLES.join(", ")} (a regional stack), interconnect (the zone's cross-region links) or billing (the environment's budgets)` }),
    "intelgraph:primaryStack": z
        .string({ error: "a stack name or org/project/stack" })
        .regex(/^$|^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)?$/, { error: "a stack name or org/project/stack" }),
    "intelgraph:residencyZone": z.enum(ZONE_NAMES as [string, ...string[]], { error: `a known residency zone: ${describeZones()}` }),
    "intelgraph:owner": z.string({ error: "a non-empty team name" }).regex(/^[a-z0-9][a-z0-9-]{1,62}$/, {
        error: "a team name of 2-63 lowercase letters, digits and dashes",
    }),
    "intelgraph:environment": z.enum(ENVIRONMENTS, { error: `one of ${ENVIRONMENTS.join(", ")}` }),
    "intelgraph:costCentre": z.string({ error: "a cost centre code such as cc-4100" }).regex(/^cc-\d{3,6}$/, {
        error: "a cost centre code such as cc-4100",
    }),
    // Environments live in accounts of their own by default: the account id pins every provider to it.
    "intelgraph:accountId": z.string({ error: "the environment's 12-digit AWS account id" }).regex(/^\d{12}$/, { error: "the environment's 12-digit AWS account id" }),
    "intelgraph:vpcCidr": z
        .string({ error: `an IPv4 CIDR from /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX}` })
        .refine((s) => {
            const c = parseCidr(s);
            return typeof c !== "string" && c.prefix >= MIN_VPC_PREFIX && c.prefix <= MAX_VPC_PREFIX;
        }, { error: `a canonical IPv4 CIDR from /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX} (e.g. 10.10.0.0/16)` }),
    "intelgraph:availabilityZones": z
        .array(z.string(), { error: "a list of three distinct availability zones of aws:region" })
        .refine((a) => a.length === 3 && new Set(a).size === 3, { error: "exactly three distinct availability zones of aws:region" }),
    "intelgraph:eks": eksSchema,
    "intelgraph:aurora": auroraSchema,
    "intelgraph:redis": redisSchema,
    "intelgraph:neo4j": neo4jSchema,
    "intelgraph:dns": dnsSchema,
    "intelgraph:alerts": alertsSchema,
    "intelgraph:waf": wafSchema,
    "intelgraph:backup": backupSchema,
    "intelgraph:registry": registrySchema,
    "intelgraph:chaos": chaosSchema,
    "intelgraph:evidence": evidenceSchema,
    // A resource without an explicit provider would deploy with the ambient AWS region and credentials or the
    // ambient kubeconfig; with "*" the engine refuses any default provider (Pulumi docs, "Disable default
    // providers"), so a forgotten `provider` fails the deploy instead of landing in the wrong region or cluster.
    "pulumi:disable-default-providers": z
        .array(z.string(), { error: DISABLE_DEFAULTS })
        .refine((a) => a.includes("*"), { error: DISABLE_DEFAULTS }),
} as const;

export type ConfigKey = keyof typeof keySchemas;
export const CONFIG_KEYS = Object.keys(keySchemas) as ConfigKey[];
/** Keys whose raw string is JSON (Pulumi hands structured config to the program JSON-encoded). */
const JSON_KEYS: readonly ConfigKey[] = [
    "intelgraph:availabilityZones",
    "intelgraph:eks",
    "intelgraph:aurora",
    "intelgraph:redis",
    "intelgraph:neo4j",
    "intelgraph:dns",
    "intelgraph:alerts",
    "intelgraph:waf",
    "intelgraph:backup",
    "intelgraph:registry",
    "intelgraph:chaos",
    "intelgraph:evidence",
    "pulumi:disable-default-providers",
];

/** The closest known name, when it is close enough to be a typo: at most a third of its name (after `ns:`), at least 2 edits. */
export function suggest(name: string, known: readonly string[]): string | undefined {
    if (!known.length) return undefined;
    const best = closest(name, [...known]);
    const own = best.slice(best.lastIndexOf(":") + 1);
    return distance(name, best) <= Math.max(2, Math.floor(own.length / 3)) ? best : undefined;
}
const didYouMean = (name: string, known: readonly string[]) => {
    const s = suggest(name, known);
    return s ? ` (did you mean ${s}?)` : "";
};

/**
 * Keys the schema does not know. With explicit providers every `aws:*` key but aws:region is silently ignored
 * (credentials, profile and endpoints come from the deploy identity's environment), and a misspelt key would
 * silently fall back to a default: both are errors.
 */
export function unknownKeyProblems(file: string, config: Readonly<Record<string, string | undefined>>, known: readonly string[] = CONFIG_KEYS): ConfigProblem[] {
    return Object.keys(config)
        .filter((k) => config[k] !== undefined && !known.includes(k))
        .sort()
        .map((key) => ({
            file,
            key,
            value: config[key],
            allowed: key.startsWith("aws:")
                ? "no aws:* key but aws:region: the stack's explicit providers (stacks/providers.ts) ignore them; AWS credentials and profiles come from the deploy identity's environment"
                : `no such key; the keys a stack file may set are ${known.join(", ")}${didYouMean(key, known)}`,
        }));
}

/** The object schema at `path` inside a key's schema, to name the fields an unknown nested key could have meant. */
export function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
    let at: z.ZodType | undefined = schema;
    for (const step of [...path, undefined]) {
        while (at instanceof z.ZodOptional || at instanceof z.ZodDefault) at = at.unwrap() as z.ZodType;
        if (at instanceof z.ZodArray && typeof step === "number") {
            at = at.element as z.ZodType;
            continue;
        }
        if (!(at instanceof z.ZodObject)) return [];
        if (step === undefined) return Object.keys(at.shape);
        at = (at.shape as Record<string, z.ZodType>)[String(step)];
    }
    return [];
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined), value);
}

type Parsed = { -readonly [K in ConfigKey]?: z.infer<(typeof keySchemas)[K]> };

/**
 * Parses the stack's whole config map (`ns:key` -> the raw string the language host hands the program, as
 * `pulumi.runtime.allConfig()` returns it) for `stack`. Throws ConfigError listing every problem, unknown keys
 * included; never returns a partially valid config.
 */
export function parseStackConfig(stack: string, config: Readonly<Record<string, string | undefined>>): StackConfig {
    const file = `Pulumi.${stack}.yaml`;
    const problems: ConfigProblem[] = unknownKeyProblems(file, config);
    const values: Record<string, unknown> = {};
    const parsed: Parsed = {};

    for (const key of CONFIG_KEYS) {
        const text = config[key];
        let value: unknown = text;
        if (text !== undefined && JSON_KEYS.includes(key)) {
            try {
                value = JSON.parse(text);
            } catch {
                value = text;
            }
        }
        values[key] = value;
        const result = keySchemas[key].safeParse(value);
        if (result.success) {
            (parsed as Record<string, unknown>)[key] = result.data;
            continue;
        }
        // Structured keys report each nested field on its own: intelgraph:eks.general.minSize.
        const seen = new Set<string>();
        for (const issue of result.error.issues) {
            if (issue.code === "unrecognized_keys") {
                const fields = objectKeysAt(keySchemas[key], issue.path);
                const parent = [key, ...issue.path.map(String)].join(".");
                for (const k of issue.keys) {
                    problems.push({ file, key: `${parent}.${k}`, value: valueAt(value, [...issue.path, k]), allowed: `no such key in ${parent}; its keys are ${fields.join(", ")}${didYouMean(k, fields)}` });
                }
                continue;
            }
            const where = issue.path.length ? `${key}.${issue.path.map(String).join(".")}` : key;
            if (seen.has(where)) continue;
            seen.add(where);
            problems.push({ file, key: where, value: valueAt(value, issue.path), allowed: issue.message });
        }
    }

    const problem = (key: ConfigKey, allowed: string) => problems.push({ file, key, value: values[key], allowed });
    const region = parsed["aws:region"];
    const environment = parsed["intelgraph:environment"];
    if (region !== undefined && environment !== undefined && !regionalStackNames(environment, region).includes(stack)) {
        const names = regionalStackNames(environment, region).join(" or ");
        problem("aws:region", `the region the stack "${stack}" is named after: a ${environment} stack of ${region} is named ${names} (one stack per region and environment)`);
    }
    const accountId = parsed["intelgraph:accountId"];
    const access = parsed["intelgraph:eks"]?.access;
    if (accountId !== undefined && access) {
        for (const [kind, arns] of Object.entries(access)) {
            (arns as readonly string[]).forEach((arn, i) => {
                const owner = /^arn:[^:]+:iam::(\d{12}):/.exec(arn)?.[1];
                if (owner !== undefined && owner !== accountId) {
                    problems.push({ file, key: `intelgraph:eks.access.${kind}.${i}`, value: arn, allowed: `a role of the environment's account ${accountId} (intelgraph:accountId): environments are isolated by account, and a STANDARD access entry would admit another account's role (EKS User Guide, "Create access entries")` });
                }
            });
        }
    }
    const azs = parsed["intelgraph:availabilityZones"];
    const regionForAzs = region ?? stack;
    if (azs) {
        const foreign = azs.filter((az) => !new RegExp(`^${regionForAzs}[a-z]$`).test(az));
        if (foreign.length) problem("intelgraph:availabilityZones", `zones of ${regionForAzs} such as ${regionForAzs}a, ${regionForAzs}b, ${regionForAzs}c (not ${foreign.join(", ")})`);
    }
    const zone = parsed["intelgraph:residencyZone"];
    if (zone !== undefined && region !== undefined && !zoneAllowsRegion(zone, region)) {
        problem("intelgraph:residencyZone", `a zone that allows ${region}: ${ZONE_NAMES.filter((z) => zoneAllowsRegion(z, region)).join(", ") || "none is defined"}`);
    }
    const backup = parsed["intelgraph:backup"];
    const copy = backup ? VAULT_ARN_PATTERN.exec(backup.copyToVaultArn) : null;
    if (backup && copy && region !== undefined && zone !== undefined) {
        const [, copyRegion, copyAccount, vaultName] = copy;
        // The vault is named after its stack (stacks/protectTier.ts): a stack of this environment in the copy's region.
        const env = parsed["intelgraph:environment"] ?? "prod";
        const vaults = regionalStackNames(env, copyRegion).map(regionalVaultName);
        const account = parsed["intelgraph:accountId"];
        if (copyRegion === region || !zoneAllowsRegion(zone, copyRegion) || !vaults.includes(vaultName) || (account !== undefined && copyAccount !== account)) {
            problems.push({
                file,
                key: "intelgraph:backup.copyToVaultArn",
                value: backup.copyToVaultArn,
                allowed: `the vault ${regionalVaultName(regionalStackNames(env, "<region>")[0])} of this environment's account in another region of zone ${zone} (${RESIDENCY_ZONES[zone].filter((r) => r !== region).join(", ")}): copies never leave the zone`,
            });
        }
    }
    const neo4j = parsed["intelgraph:neo4j"];
    if (backup && neo4j) {
        const lifecycle = backupLifecycleDays(neo4j.backupRetentionDays, neo4j.fullBackupEveryDays);
        if (backup.neo4jBucketLock.days > lifecycle) {
            problems.push({
                file,
                key: "intelgraph:backup.neo4jBucketLock.days",
                value: backup.neo4jBucketLock.days,
                allowed: `at most ${lifecycle} (intelgraph:neo4j.backupRetentionDays + fullBackupEveryDays, the backup bucket's lifecycle): a version locked past its expiration is kept and billed until the lock ends`,
            });
        }
    }
    const registry = parsed["intelgraph:registry"];
    const secret = registry ? /^arn:[^:]+:secretsmanager:([^:]+):(\d{12}):/.exec(registry.dockerHubCredentialArn) : null;
    if (registry && secret && ((region !== undefined && secret[1] !== region) || (accountId !== undefined && secret[2] !== accountId))) {
        problems.push({
            file,
            key: "intelgraph:registry.dockerHubCredentialArn",
            value: registry.dockerHubCredentialArn,
            allowed: `a secret in ${region ?? "aws:region"} of account ${accountId ?? "intelgraph:accountId"}: ECR reads a pull-through cache rule's credentials only from its own account and region`,
        });
    }
    if (backup && parsed["intelgraph:environment"] === "prod" && backup.lock.mode !== "compliance") {
        problems.push({ file, key: "intelgraph:backup.lock.mode", value: backup.lock.mode, allowed: "compliance in prod (a governance lock can be removed; compliance is permanent after changeableForDays)" });
    }
    const chaos = parsed["intelgraph:chaos"];
    if (chaos && azs && !azs.includes(chaos.availabilityZone)) {
        problems.push({ file, key: "intelgraph:chaos.availabilityZone", value: chaos.availabilityZone, allowed: `one of intelgraph:availabilityZones (${azs.join(", ")}): the AZ drills take out one of the stack's own zones` });
    }
    if (chaos && region !== undefined && zone !== undefined) {
        const peer = chaos.crossRegionPartition.region;
        if (peer === region || !zoneAllowsRegion(zone, peer)) {
            problems.push({
                file,
                key: "intelgraph:chaos.crossRegionPartition.region",
                value: peer,
                allowed: `another region of zone ${zone} (${RESIDENCY_ZONES[zone].filter((r) => r !== region).join(", ")}): the region this stack's peering routes lead to`,
            });
        }
    }
    const evidence = parsed["intelgraph:evidence"];
    if (evidence && parsed["intelgraph:environment"] === "prod" && evidence.mode !== "compliance") {
        problems.push({ file, key: "intelgraph:evidence.mode", value: evidence.mode, allowed: "compliance in prod (a governance lock can be bypassed; audit evidence must not be deletable before its retention ends)" });
    }
    const role = parsed["intelgraph:role"];
    if (neo4j && role === "primary" && neo4j.servers < 3) {
        problems.push({ file, key: "intelgraph:neo4j.servers", value: neo4j.servers, allowed: "at least 3 on the primary: its servers are the cluster's primaries (a Raft majority survives losing one)" });
    }
    if (neo4j && role === "secondary" && neo4j.promoted === undefined) {
        problems.push({ file, key: "intelgraph:neo4j.promoted", value: undefined, allowed: "true or false on a secondary stack: false while its servers are secondaries, true once the failover runbook promoted them" });
    }
    if (neo4j && role === "primary" && neo4j.promoted !== undefined) {
        problems.push({ file, key: "intelgraph:neo4j.promoted", value: neo4j.promoted, allowed: "unset on the primary stack: its servers are the cluster's primaries" });
    }
    const primaryStack = parsed["intelgraph:primaryStack"] ?? "";
    if (role === "secondary" && primaryStack === "") {
        problem("intelgraph:primaryStack", "the primary stack this secondary reads (e.g. us-west-2); a secondary must name its primary");
    }
    if (role === "primary" && primaryStack !== "") {
        problem("intelgraph:primaryStack", "empty for a primary stack (only a secondary references a primary)");
    }
    if (role === "secondary" && primaryStack !== "" && primaryStack.split("/").pop() === stack) {
        problem("intelgraph:primaryStack", "another stack than this one");
    }

    for (const [key, fields] of Object.entries(OWNED_BY_PRIMARY) as [ConfigKey, readonly string[]][]) {
        const tier = parsed[key] as Record<string, unknown> | undefined;
        if (!tier || role === undefined) continue;
        for (const field of fields) {
            const special = OWNED_BY_PRIMARY_ALLOWED[`${key}.${field}`];
            if (role === "secondary" && tier[field] !== undefined) {
                problems.push({ file, key: `${key}.${field}`, value: tier[field], allowed: special?.secondary ?? "unset on a secondary: it is inherited from the primary's outputs (global cluster / global datastore)" });
            }
            if (role === "primary" && tier[field] === undefined) {
                problems.push({ file, key: `${key}.${field}`, value: undefined, allowed: special?.primary ?? "set on the primary, which owns the global cluster / global datastore" });
            }
        }
    }

    // One global cluster and datastore per zone and environment, named after both (policy-pack/contracts/globalNames.ts):
    // unique in the account, and the pack can tell a member's zone from the id it joins.
    if (role === "primary" && zone !== undefined && environment !== undefined) {
        const expected = globalName(zone, environment);
        const owned: [ConfigKey, string, unknown][] = [
            ["intelgraph:aurora", "globalClusterIdentifier", parsed["intelgraph:aurora"]?.globalClusterIdentifier],
            ["intelgraph:redis", "globalDatastoreSuffix", parsed["intelgraph:redis"]?.globalDatastoreSuffix],
        ];
        for (const [key, field, value] of owned) {
            if (value !== undefined && value !== expected) problems.push({ file, key: `${key}.${field}`, value, allowed: `"${expected}": the global resources are named after the zone and the environment` });
        }
    }

    if (problems.length) throw new ConfigError(problems);
    const p = parsed as Required<Parsed>;
    const regional: RegionalStackConfig = {
        stack,
        file,
        accountId: p["intelgraph:accountId"],
        region: p["aws:region"],
        residency: {
            zone: p["intelgraph:residencyZone"],
            owner: p["intelgraph:owner"],
            environment: p["intelgraph:environment"],
            costCentre: p["intelgraph:costCentre"],
        },
        network: {
            cidr: p["intelgraph:vpcCidr"],
            availabilityZones: p["intelgraph:availabilityZones"] as unknown as readonly [string, string, string],
        },
        eks: p["intelgraph:eks"],
        neo4j: p["intelgraph:neo4j"],
        dns: p["intelgraph:dns"],
        alerts: p["intelgraph:alerts"],
        waf: p["intelgraph:waf"],
        backup: p["intelgraph:backup"],
        registry: p["intelgraph:registry"],
        chaos: p["intelgraph:chaos"],
        evidence: p["intelgraph:evidence"],
    };
    if (p["intelgraph:role"] === "secondary") {
        return { ...regional, role: "secondary", primaryStack, neo4j: { ...regional.neo4j, promoted: regional.neo4j.promoted === true }, ...memberTiers(p["intelgraph:aurora"], p["intelgraph:redis"]) };
    }
    const owned = primaryTiers(p["intelgraph:aurora"], p["intelgraph:redis"]);
    // Unreachable: every owned key was checked present above.
    if (!owned) throw new Error(`${file}: the primary's global keys (${Object.values(OWNED_BY_PRIMARY).flat().join(", ")}) were not all set`);
    return { ...regional, role: "primary", ...owned };
}

/** What a secondary learns about its primary through the StackReference, checked before any resource exists. */
export interface PrimaryFacts {
    readonly stack: string;
    readonly region: string;
    readonly residencyZone: string;
    readonly environment: string;
    readonly accountId: string;
    readonly vpcCidr: string;
}

/** Cross-stack rules: the peer CIDR arrives only through the StackReference in a real deploy. */
export function validateAgainstPrimary(config: SecondaryStackConfig, primary: PrimaryFacts): void {
    const problems: ConfigProblem[] = [];
    const own = parseCidr(config.network.cidr);
    const peer = parseCidr(primary.vpcCidr);
    if (typeof peer === "string") {
        problems.push({ file: config.file, key: "intelgraph:primaryStack", value: config.primaryStack, allowed: `a primary whose vpcCidr output is a CIDR (${peer})` });
    } else if (typeof own !== "string" && cidrsOverlap(own, peer)) {
        problems.push({
            file: config.file,
            key: "intelgraph:vpcCidr",
            value: config.network.cidr,
            allowed: `a CIDR that does not overlap the primary ${primary.stack}'s VPC ${primary.vpcCidr} (peered VPCs need disjoint ranges)`,
        });
    }
    if (primary.residencyZone !== config.residency.zone) {
        problems.push({
            file: config.file,
            key: "intelgraph:residencyZone",
            value: config.residency.zone,
            allowed: `the primary ${primary.stack}'s zone "${primary.residencyZone}" (nothing replicates or peers across a residency zone)`,
        });
    }
    if (primary.environment !== config.residency.environment) {
        problems.push({
            file: config.file,
            key: "intelgraph:primaryStack",
            value: config.primaryStack,
            allowed: `a primary of environment "${config.residency.environment}" (${primary.stack} is "${primary.environment}"; nothing links across environments)`,
        });
    } else if (primary.accountId !== config.accountId) {
        // An Aurora global database and an ElastiCache global datastore have their members in one account.
        problems.push({
            file: config.file,
            key: "intelgraph:accountId",
            value: config.accountId,
            allowed: `the primary ${primary.stack}'s account ${primary.accountId} (a global cluster and a global datastore live in one account)`,
        });
    }
    if (primary.region === config.region) {
        problems.push({ file: config.file, key: "intelgraph:primaryStack", value: config.primaryStack, allowed: `a primary in another region than ${config.region}` });
    }
    if (problems.length) throw new ConfigError(problems);
}

