/**
 * What the next `pulumi up` would do to a stack whose resources already exist, as AWS reports them now (after
 * a refresh): the planned inputs against that state, with the program's ignoreChanges and the provider's
 * replace-on-change properties. Used to rehearse convergence after an operator action (a failover, a
 * switchover) and by dry runs that hold a `pulumi stack export` of the live stack.
 *
 * Like the provider's diff, only properties the program sets are compared: a property it leaves unset is
 * optional and computed, so whatever AWS reports for it is no change.
 */
import type { RecordedResource } from "./monitor";
import { unwrapWire } from "./wire";

/** Per resource (`<type>::<name>`), its properties as AWS reports them. */
export type PriorResources = Readonly<Record<string, Readonly<Record<string, unknown>>>>;
/** Per stack. */
export type PriorState = Readonly<Record<string, PriorResources>>;

export interface PropertyChange {
    readonly property: string;
    readonly planned: unknown;
    readonly prior: unknown;
    /** The provider replaces the resource when this property changes. */
    readonly replaces: boolean;
}

export interface ResourceChange {
    /** `<type>::<name>` */
    readonly resource: string;
    readonly action: "update" | "replace" | "delete";
    readonly protect: boolean;
    readonly properties: readonly PropertyChange[];
}

/**
 * Properties whose change replaces the resource (pulumi-aws bridges the Terraform AWS provider: each is marked
 * "Forces new resource" on its registry page, pulumi.com/registry/packages/aws/api-docs/<module>/<resource>/;
 * the ElastiCache ones also in terraform-provider-aws internal/service/elasticache, ForceNew: true). Listed for the
 * stateful types, whose replacement loses data; other types are diffed without it (any change is an update).
 */
export const REPLACE_ON_CHANGE: Readonly<Record<string, readonly string[]>> = {
    "aws:rds/globalCluster:GlobalCluster": ["globalClusterIdentifier", "databaseName", "engine", "storageEncrypted", "sourceDbClusterIdentifier"],
    "aws:rds/cluster:Cluster": [
        "clusterIdentifier", "databaseName", "engine", "engineMode", "kmsKeyId", "storageEncrypted", "availabilityZones",
        "dbSubnetGroupName", "masterUsername", "snapshotIdentifier", "sourceRegion", "restoreToPointInTime", "s3Import",
    ],
    "aws:rds/clusterInstance:ClusterInstance": ["identifier", "clusterIdentifier", "engine", "availabilityZone", "dbSubnetGroupName"],
    "aws:elasticache/replicationGroup:ReplicationGroup": [
        "replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId", "globalReplicationGroupId", "subnetGroupName", "port",
        "snapshotArns", "snapshotName", "preferredCacheClusterAzs", "dataTieringEnabled",
    ],
    "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup": ["globalReplicationGroupIdSuffix", "primaryReplicationGroupId"],
    "aws:secretsmanager/secret:Secret": ["name"],
    "aws:kms/key:Key": ["multiRegion", "customerMasterKeySpec", "keyUsage"],
    "aws:s3/bucket:Bucket": ["bucket", "bucketPrefix"],
};

export const resourceKey = (r: Pick<RecordedResource, "type" | "name">): string => `${r.type}::${r.name}`;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === "object" && !Array.isArray(v);

/**
 * Whether the state matches what the program sets. Keys the program leaves out of an object are computed
 * (e.g. an EKS cluster's vpcConfig.clusterSecurityGroupId), as the provider treats them.
 */
function matches(planned: unknown, prior: unknown): boolean {
    if (planned === prior) return true;
    if (Array.isArray(planned) && Array.isArray(prior)) return planned.length === prior.length && planned.every((x, i) => matches(x, prior[i]));
    if (isObject(planned) && isObject(prior)) return Object.entries(planned).every(([k, v]) => v === undefined || matches(v, prior[k]));
    return false;
}

/** `ignoreChanges: ["scalingConfig.desiredSize"]` ignores that leaf; `["tags"]` the whole property. */
function ignored(path: string, ignore: readonly string[]): boolean {
    return ignore.some((i) => path === i || path.startsWith(`${i}.`) || path.startsWith(`${i}[`));
}

/** Leaves of `planned` that differ from `prior`, as dotted paths (objects descend; arrays and scalars compare whole). */
function changedPaths(planned: unknown, prior: unknown, path: string, ignore: readonly string[], out: { path: string; planned: unknown; prior: unknown }[]): void {
    if (ignored(path, ignore)) return;
    if (isObject(planned) && isObject(prior)) {
        for (const [k, v] of Object.entries(planned)) if (v !== undefined) changedPaths(v, prior[k], `${path}.${k}`, ignore, out);
        return;
    }
    if (!matches(planned, prior)) out.push({ path, planned, prior });
}

/** The changes a `pulumi up` of this stack's planned resources would make against `prior`. */
export function diffAgainstPrior(resources: readonly RecordedResource[], prior: PriorResources): ResourceChange[] {
    const changes: ResourceChange[] = [];
    const planned = new Set<string>();
    for (const r of resources) {
        if (!r.custom || r.external || r.type.startsWith("pulumi:providers:")) continue;
        const key = resourceKey(r);
        planned.add(key);
        const state = prior[key];
        if (!state) continue;
        const inputs = unwrapWire(r.inputs) as Record<string, unknown>;
        const found: { path: string; planned: unknown; prior: unknown }[] = [];
        for (const [k, v] of Object.entries(inputs)) {
            if (k.startsWith("__") || v === undefined) continue;
            changedPaths(v, state[k], k, r.ignoreChanges, found);
        }
        if (!found.length) continue;
        const forceNew = new Set([...(REPLACE_ON_CHANGE[r.type] ?? []), ...r.replaceOnChanges]);
        const properties = found.map((f) => ({ property: f.path, planned: f.planned, prior: f.prior, replaces: forceNew.has(f.path.split(/[.[]/)[0]) }));
        changes.push({ resource: key, action: properties.some((p) => p.replaces) ? "replace" : "update", protect: r.protect, properties });
    }
    for (const key of Object.keys(prior)) if (!planned.has(key)) changes.push({ resource: key, action: "delete", protect: false, properties: [] });
    return changes;
}
