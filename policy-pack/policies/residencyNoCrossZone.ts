import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ZONE_TAG, type Zones, zoneOfRegion, zonesSchema } from "../lib/config";
import { subjectOf, violationMessage } from "../lib/message";
import { isUnknown, read, readPath } from "../lib/read";
import { arnRegion, effectiveTags, regionOf } from "../lib/resources";
import { ofType, referencedResource, stackReferenceOutputs } from "../lib/stack";
import { zoneOfGlobalId } from "../contracts/globalNames";

/** A resource's zone: its residency-zone tag, else the zone of its region. */
function zoneOf(r: PolicyResource, zones: Zones): string | undefined {
    const tags = effectiveTags(r);
    const tagged = !isUnknown(tags) ? tags?.[ZONE_TAG] : undefined;
    if (tagged) return tagged;
    const region = regionOf(r);
    return typeof region === "string" ? zoneOfRegion(zones, region) : undefined;
}

interface Home {
    readonly zone?: string;
    readonly where: string;
}

/**
 * Where a global resource (global cluster, global datastore) lives: in this stack, or in a stack this
 * one references (its outputs name the id and the zone).
 */
function globalHome(r: PolicyResource, property: string, globals: readonly PolicyResource[], idKeys: readonly string[], resources: readonly PolicyResource[], zones: Zones): Home | undefined {
    const value = readPath(r.props, [property]);
    const local = referencedResource(r, property, value, globals, idKeys);
    if (local) return { zone: zoneOf(local, zones), where: `${local.type} '${local.name}' of this stack` };
    if (typeof value !== "string") return undefined;
    // Global names carry their zone (contracts/globalNames.ts): all real CrossGuard has, since stack rules do not
    // see StackReference reads.
    const named = zoneOfGlobalId(value, Object.keys(zones));
    if (named) return { zone: named, where: `the global resource of zone ${named} (named for it)` };
    for (const outputs of stackReferenceOutputs(resources)) {
        if (Object.values(outputs).includes(value)) {
            const zone = typeof outputs.residencyZone === "string" ? outputs.residencyZone : typeof outputs.region === "string" ? zoneOfRegion(zones, outputs.region) : undefined;
            return { zone, where: `the referenced stack in ${String(outputs.region ?? "an unknown region")}` };
        }
    }
    return undefined;
}

const REMEDIATION = "Replicate, peer and share keys only between regions of the same residency zone; a region of another zone gets its own global resources";

export const residencyNoCrossZone: StackValidationPolicy = {
    name: "intelgraph-residency-no-cross-zone",
    description:
        "Residency: nothing replicates, peers or shares keys across a residency zone's border: Aurora global-cluster and ElastiCache global-datastore membership, VPC peering peers, S3 replication destinations and KMS replica keys stay within the zone of the resource that joins them.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    configSchema: { properties: { zones: zonesSchema } },
    validateStack: (args, reportViolation) => {
        const { zones } = args.getConfig<{ zones: Zones }>();
        const resources = args.resources;
        const report = (r: PolicyResource, property: string, observed: unknown, ownZone: string | undefined, other: string) => {
            reportViolation(violationMessage(subjectOf(r), property, observed, `a target in zone ${ownZone ?? "(unknown)"}; this one is ${other}`, REMEDIATION), r.urn);
        };
        const member = (type: string, property: string, globalType: string, idKeys: readonly string[]) => {
            for (const r of ofType(resources, type)) {
                const value = readPath(r.props, [property]);
                if (value === undefined || value === null || value === "") continue;
                const own = zoneOf(r, zones);
                const home = globalHome(r, property, ofType(resources, globalType), idKeys, resources, zones);
                if (!home) report(r, property, value, own, "not a global resource of this stack or of a referenced stack, so its zone cannot be established");
                else if (home.zone !== own) report(r, property, value, own, `${home.where}, in zone ${home.zone ?? "(unknown)"}`);
            }
        };
        member("aws:rds/cluster:Cluster", "globalClusterIdentifier", "aws:rds/globalCluster:GlobalCluster", ["globalClusterIdentifier", "id"]);
        member("aws:elasticache/replicationGroup:ReplicationGroup", "globalReplicationGroupId", "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup", ["globalReplicationGroupId", "id"]);

        for (const r of ofType(resources, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")) {
            const peer = read(() => r.props.peerRegion);
            const own = zoneOf(r, zones);
            if (typeof peer === "string" && zoneOfRegion(zones, peer) !== own) report(r, "peerRegion", peer, own, `in zone ${zoneOfRegion(zones, peer) ?? "(none)"}`);
        }

        for (const r of ofType(resources, "aws:kms/replicaKey:ReplicaKey")) {
            const primary = read(() => r.props.primaryKeyArn);
            const region = typeof primary === "string" ? arnRegion(primary) : undefined;
            const own = zoneOf(r, zones);
            if (!region || zoneOfRegion(zones, region) !== own) report(r, "primaryKeyArn", primary, own, `a key in ${region ?? "an unknown region"}`);
        }

        const buckets = [...ofType(resources, "aws:s3/bucket:Bucket"), ...ofType(resources, "aws:s3/bucketV2:BucketV2")];
        for (const type of ["aws:s3/bucketReplicationConfig:BucketReplicationConfig"]) {
            for (const r of ofType(resources, type)) {
                const rules = read(() => r.props.rules);
                const n = Array.isArray(rules) ? rules.length : 0;
                const own = zoneOf(r, zones);
                for (let i = 0; i < n; i++) {
                    const dest = readPath(r.props, ["rules", i, "destination", "bucket"]);
                    const target = referencedResource(r, "rules", dest, buckets, ["arn"]);
                    if (target) {
                        const targetZone = zoneOf(target, zones);
                        if (targetZone !== own) report(r, `rules[${i}].destination.bucket`, dest, own, `bucket '${target.name}' in zone ${targetZone ?? "(unknown)"}`);
                        continue;
                    }
                    // A bucket of another stack (the interconnect replicates between regional stacks' buckets): S3
                    // ARNs carry no region, but the replicas are encrypted with a key of the destination's region.
                    const replicaKey = readPath(r.props, ["rules", i, "destination", "encryptionConfiguration", "replicaKmsKeyId"]);
                    const keyRegion = typeof replicaKey === "string" ? arnRegion(replicaKey) : undefined;
                    const keyZone = keyRegion ? zoneOfRegion(zones, keyRegion) : undefined;
                    if (!keyRegion) report(r, `rules[${i}].destination.bucket`, dest, own, "a bucket outside this stack without a replica key of its region, so its zone cannot be established");
                    else if (keyZone !== own) report(r, `rules[${i}].destination.bucket`, dest, own, `a bucket whose replicas are encrypted with a key in ${keyRegion}, zone ${keyZone ?? "(none)"}`);
                }
            }
        }
    },
};
