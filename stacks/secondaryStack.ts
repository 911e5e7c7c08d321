import { AURORA_PORT, AuroraGlobal } from "../components/data/AuroraGlobal";
import { REDIS_PORT, RedisGlobal } from "../components/data/RedisGlobal";
import { VpcPeering } from "../components/network/VpcPeering";
import { BackupReplication } from "../components/storage/BackupReplication";
import type { SecondaryStackConfig } from "./config/schema";
import { graphTier } from "./graphTier";
import type { ProgramOutputs, SecondaryStackOutputs } from "./outputs";
import type { PrimaryLink } from "./primaryLink";
import { regionalProvider } from "./providers";
import { regionalBase, regionalOutputs } from "./regional";

/**
 * A member of the primary's global cluster and datastore: it joins them with what it read from the primary's
 * outputs (engine, version, node type, credentials as secrets), keeps its own regional copy of the credentials,
 * peers with the primary's VPC and receives the primary's graph backups.
 */
export async function secondaryStack(config: SecondaryStackConfig, primary: PrimaryLink): Promise<ProgramOutputs<SecondaryStackOutputs>> {
    const base = await regionalBase(config, { createsCertificateValidationRecord: false });
    const p = primary.network;
    const aurora = new AuroraGlobal(
        "aurora",
        {
            ...base.dataPlacement,
            role: {
                kind: "secondary",
                globalClusterIdentifier: p.auroraGlobalClusterId,
                engine: p.auroraEngine,
                engineVersion: p.auroraEngineVersion,
                sourceRegion: p.region,
                credentials: { username: p.auroraMasterUsername, password: primary.secrets.auroraMasterPassword, databaseName: p.auroraDatabaseName },
            },
            clusterIdentifier: base.prefix,
            availabilityZones: config.network.availabilityZones,
            instanceClass: config.aurora.instanceClass,
            instances: config.aurora.instances,
            backupRetentionDays: config.aurora.backupRetentionDays,
        },
        base.onRegion,
    );
    const redis = new RedisGlobal(
        "redis",
        {
            ...base.dataPlacement,
            role: { kind: "secondary", globalReplicationGroupId: p.redisGlobalReplicationGroupId, authToken: primary.secrets.redisAuthToken },
            replicationGroupId: base.prefix,
            nodes: config.redis.nodes,
            snapshotRetentionDays: config.redis.snapshotRetentionDays,
        },
        base.onRegion,
    );
    // The standby restores from the primary's replicated backups; its own job starts on promotion.
    const graph = graphTier(base, { backupsSuspended: true });

    const primaryProvider = regionalProvider(config, p.region);
    const peering = new VpcPeering(
        "peering",
        {
            requester: {
                vpcId: base.vpc.vpcId,
                cidrBlock: base.vpc.cidrBlock,
                routeTableIds: [...base.vpc.routeTableIds.private, ...base.vpc.routeTableIds.isolated],
                appSubnetCidrs: base.vpc.subnetCidrs.private,
            },
            accepter: {
                region: p.region,
                vpcId: p.vpcId,
                cidrBlock: p.vpcCidr,
                routeTableIds: [...p.privateRouteTableIds, ...p.isolatedRouteTableIds],
                appSubnetCidrs: p.privateSubnetCidrs,
            },
            accepterProvider: primaryProvider,
            nameTag: `${base.prefix}-to-${p.region}`,
            ports: [
                { name: "aurora", port: AURORA_PORT, requesterSecurityGroupId: aurora.securityGroupId, accepterSecurityGroupId: p.auroraSecurityGroupId },
                { name: "redis", port: REDIS_PORT, requesterSecurityGroupId: redis.securityGroupId, accepterSecurityGroupId: p.redisSecurityGroupId },
            ],
        },
        base.onRegion,
    );
    new BackupReplication(
        "neo4j-backup-replication",
        {
            source: { bucketName: p.neo4jBackupBucketName, bucketArn: p.neo4jBackupBucketArn, kmsKeyArn: p.kmsKeyArn, region: p.region },
            destination: { bucketName: base.backups.bucketName, bucketArn: base.backups.bucketArn, kmsKeyArn: base.kms.keyArn, region: config.region },
            sourceProvider: primaryProvider,
            nameTag: `${base.prefix}-neo4j-backups`,
        },
        { ...base.onRegion, dependsOn: [base.backups] },
    );

    return {
        ...regionalOutputs(base),
        auroraGlobalClusterId: aurora.globalClusterIdentifier,
        auroraEngine: aurora.engine,
        auroraEngineVersion: aurora.engineVersion,
        auroraClusterArn: aurora.clusterArn,
        auroraClusterId: aurora.clusterIdentifier,
        auroraWriterEndpoint: aurora.writerEndpoint,
        auroraReaderEndpoint: aurora.readerEndpoint,
        auroraSecurityGroupId: aurora.securityGroupId,
        auroraWriterInstanceArn: aurora.instanceArns[0],
        auroraMasterSecretArn: aurora.masterSecretArn,
        auroraMasterUsername: aurora.masterUsername,
        auroraDatabaseName: aurora.databaseName,
        redisGlobalReplicationGroupId: redis.globalReplicationGroupId,
        redisReplicationGroupId: redis.replicationGroupId,
        redisPrimaryEndpoint: redis.primaryEndpoint,
        redisReaderEndpoint: redis.readerEndpoint,
        redisSecurityGroupId: redis.securityGroupId,
        // A global-datastore member inherits the node type: re-exported from the primary (cost estimate, runbooks).
        redisNodeType: p.redisNodeType,
        redisAuthSecretArn: redis.authSecretArn,
        neo4jBoltEndpoint: graph.boltEndpoint,
        neo4jRoutingEndpoint: graph.routingEndpoint,
        primaryStack: primary.stackName,
        peeringConnectionId: peering.peeringConnectionId,
    };
}
