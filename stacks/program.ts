import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster, GRAPH_TAINT } from "../components/compute/EksCluster";
import { ApiTargetBinding } from "../components/edge/ApiTargetBinding";
import { LoadBalancerController } from "../components/edge/LoadBalancerController";
import { RegionalEntrypoint } from "../components/edge/RegionalEntrypoint";
import { TIER_LABEL } from "../components/labels";
import { WeightedDns } from "../components/edge/WeightedDns";
import { Neo4jCluster } from "../components/graph/Neo4jCluster";
import { BackupReplication } from "../components/storage/BackupReplication";
import { SecureBucket } from "../components/storage/SecureBucket";
import { AURORA_PORT, AuroraGlobal } from "../components/data/AuroraGlobal";
import { REDIS_PORT, RedisGlobal } from "../components/data/RedisGlobal";
import { RegionalKms } from "../components/kms/RegionalKms";
import { RegionalVpc } from "../components/network/RegionalVpc";
import { VpcPeering } from "../components/network/VpcPeering";
import { loadStackConfig } from "./config/load";
import { residencyTags } from "./config/residency";
import { type PrimaryLink, readPrimary } from "./primary";
import { generatorProviders, regionalProvider } from "./providers";

/** The API pods' port: the ALB target group, its health check and the Service behind the TargetGroupBinding. */
const API_PORT = 8080;

/** The platform's global resources are named after the environment: one global cluster per environment. */
const globalName = (environment: string) => `intelgraph-${environment}`;

/**
 * One region of the platform. The same program runs every stack; what differs between regions is in
 * Pulumi.<region>.yaml. Config (and, for a secondary, the primary's outputs) is validated before the first
 * resource is registered, so a bad stack file never leaves a half-created region.
 */
export async function program() {
    const config = loadStackConfig();
    const primary: PrimaryLink | undefined = config.role === "secondary" ? await readPrimary(config) : undefined;

    const provider = regionalProvider(config, config.region);
    const generators = generatorProviders();
    const onRegion = { providers: [provider, ...generators] };
    const [identity, partition] = await Promise.all([aws.getCallerIdentity({}, { provider }), aws.getPartition({}, { provider })]);

    const prefix = `intelgraph-${config.region}`;
    const kms = new RegionalKms("kms", { region: config.region, accountId: identity.accountId, partition: partition.partition, alias: prefix }, onRegion);
    const vpc = new RegionalVpc(
        "network",
        { cidrBlock: config.network.cidr, availabilityZones: config.network.availabilityZones, kmsKeyArn: kms.keyArn, nameTag: prefix },
        onRegion,
    );

    const eks = new EksCluster(
        "eks",
        {
            clusterName: prefix,
            region: config.region,
            partition: partition.partition,
            kubernetesVersion: config.eks.kubernetesVersion,
            privateSubnetIds: vpc.subnetIds.private,
            availabilityZones: config.network.availabilityZones,
            kmsKeyArn: kms.keyArn,
            publicAccessCidrs: config.eks.publicAccessCidrs,
            privateAccessCidrs: config.eks.privateAccessCidrs,
            access: config.eks.access,
            general: config.eks.general,
            graphPerAz: config.eks.graphPerAz,
            instanceTags: residencyTags(config.residency, config.region, config.stack),
        },
        onRegion,
    );

    const dataPlacement = { vpcId: vpc.vpcId, isolatedSubnetIds: vpc.subnetIds.isolated, allowedCidrs: vpc.subnetCidrs.private, kmsKeyArn: kms.keyArn };
    const aurora = new AuroraGlobal(
        "aurora",
        {
            ...dataPlacement,
            role: primary
                ? {
                      kind: "secondary",
                      globalClusterIdentifier: primary.network.auroraGlobalClusterId,
                      engine: primary.network.auroraEngine,
                      engineVersion: primary.network.auroraEngineVersion,
                      sourceRegion: primary.network.region,
                      credentials: { username: primary.network.auroraMasterUsername, password: primary.secrets.auroraMasterPassword, databaseName: primary.network.auroraDatabaseName },
                  }
                : { kind: "primary", globalClusterIdentifier: globalName(config.residency.environment), engineVersion: config.aurora.engineVersion!, databaseName: "intelgraph" },
            clusterIdentifier: prefix,
            availabilityZones: config.network.availabilityZones,
            instanceClass: config.aurora.instanceClass,
            instances: config.aurora.instances,
            backupRetentionDays: config.aurora.backupRetentionDays,
        },
        onRegion,
    );
    const redis = new RedisGlobal(
        "redis",
        {
            ...dataPlacement,
            role: primary
                ? { kind: "secondary", globalReplicationGroupId: primary.network.redisGlobalReplicationGroupId, authToken: primary.secrets.redisAuthToken }
                : { kind: "primary", engineVersion: config.redis.engineVersion!, nodeType: config.redis.nodeType!, globalIdSuffix: globalName(config.residency.environment) },
            replicationGroupId: prefix,
            nodes: config.redis.nodes,
            snapshotRetentionDays: config.redis.snapshotRetentionDays,
        },
        onRegion,
    );

    const account = identity.accountId;
    const backups = new SecureBucket(
        "neo4j-backups",
        {
            bucketName: `intelgraph-neo4j-backups-${account}-${config.region}`,
            encryption: { kind: "kms", kmsKeyArn: kms.keyArn },
            retentionDays: config.neo4j.backupRetentionDays,
            purpose: "neo4j-backups",
        },
        onRegion,
    );
    const backupServiceAccount = "neo4j-backup";
    const backupRole = eks.irsaRole("neo4j-backup-role", {
        namespace: "neo4j",
        serviceAccount: backupServiceAccount,
        // Scoped to this region's backup bucket and key: the job can neither read nor write anything else.
        policy: pulumi.all([backups.bucketArn, kms.keyArn]).apply(([bucket, key]) =>
            JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucket },
                    { Effect: "Allow", Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"], Resource: `${bucket}/neo4j/*` },
                    { Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key },
                ],
            }),
        ),
    });
    const graph = new Neo4jCluster(
        "neo4j",
        {
            clusterName: "intelgraph-graph",
            namespace: "neo4j",
            availabilityZones: config.network.availabilityZones,
            servers: config.neo4j.servers,
            image: config.neo4j.image,
            acceptLicenseAgreement: config.neo4j.acceptLicenseAgreement,
            storageGi: config.neo4j.storageGi,
            heapGi: config.neo4j.heapGi,
            pageCacheGi: config.neo4j.pageCacheGi,
            storageClassName: eks.storageClassName,
            nodesReady: eks.graphTierReady,
            nodeTier: { label: TIER_LABEL, value: "graph", taint: GRAPH_TAINT },
            backup: {
                bucketName: backups.bucketName,
                roleArn: backupRole.arn,
                serviceAccount: backupServiceAccount,
                schedule: config.neo4j.backupSchedule,
                region: config.region,
                // The standby restores from the primary's replicated backups; its own job starts on promotion.
                suspended: config.role === "secondary",
            },
        },
        { providers: [eks.kubernetesProvider, ...generators] },
    );

    const entry = new RegionalEntrypoint(
        "api",
        {
            region: config.region,
            nameTag: prefix,
            vpcId: vpc.vpcId,
            publicSubnetIds: vpc.subnetIds.public,
            targetSecurityGroupId: eks.clusterSecurityGroupId,
            apiDomain: config.dns.apiDomain,
            hostedZoneId: config.dns.hostedZoneId,
            createValidationRecord: config.role === "primary",
            accessLogBucketName: `intelgraph-alb-logs-${account}-${config.region}`,
            targetPort: API_PORT,
            healthCheckPath: config.dns.healthCheck.path,
        },
        onRegion,
    );
    const onCluster = { providers: [provider, eks.kubernetesProvider, ...generators] };
    const controller = new LoadBalancerController(
        "lb-controller",
        {
            cluster: eks,
            region: config.region,
            vpcId: vpc.vpcId,
            targetGroupArns: [entry.targetGroupArn],
            chartVersion: config.eks.loadBalancerController.chartVersion,
            replicas: config.eks.loadBalancerController.replicas,
            nodeSelector: { [TIER_LABEL]: "general" },
        },
        onCluster,
    );
    const api = new ApiTargetBinding(
        "api-binding",
        { namespace: "intelgraph-api", serviceName: "intelgraph-api", port: API_PORT, targetGroupArn: entry.targetGroupArn, vpcId: vpc.vpcId, controller: controller.release },
        onCluster,
    );
    const dns = new WeightedDns(
        "dns",
        {
            hostedZoneId: config.dns.hostedZoneId,
            recordName: config.dns.apiDomain,
            setIdentifier: config.region,
            weight: config.dns.weight,
            healthCheck: config.dns.healthCheck,
            target: { dnsName: entry.dnsName, zoneId: entry.zoneId },
            nameTag: prefix,
        },
        onRegion,
    );

    let peering: VpcPeering | undefined;
    if (primary) {
        const p = primary.network;
        const primaryProvider = regionalProvider(config, p.region);
        peering = new VpcPeering(
            "peering",
            {
                requester: {
                    vpcId: vpc.vpcId,
                    cidrBlock: vpc.cidrBlock,
                    routeTableIds: [...vpc.routeTableIds.private, ...vpc.routeTableIds.isolated],
                    appSubnetCidrs: vpc.subnetCidrs.private,
                },
                accepter: {
                    region: p.region,
                    vpcId: p.vpcId,
                    cidrBlock: p.vpcCidr,
                    routeTableIds: [...p.privateRouteTableIds, ...p.isolatedRouteTableIds],
                    appSubnetCidrs: p.privateSubnetCidrs,
                },
                accepterProvider: primaryProvider,
                nameTag: `${prefix}-to-${p.region}`,
                ports: [
                    { name: "aurora", port: AURORA_PORT, requesterSecurityGroupId: aurora.securityGroupId, accepterSecurityGroupId: p.auroraSecurityGroupId },
                    { name: "redis", port: REDIS_PORT, requesterSecurityGroupId: redis.securityGroupId, accepterSecurityGroupId: p.redisSecurityGroupId },
                ],
            },
            onRegion,
        );
        new BackupReplication(
            "neo4j-backup-replication",
            {
                source: { bucketName: p.neo4jBackupBucketName, bucketArn: p.neo4jBackupBucketArn, kmsKeyArn: p.kmsKeyArn, region: p.region },
                destination: { bucketName: backups.bucketName, bucketArn: backups.bucketArn, kmsKeyArn: kms.keyArn, region: config.region },
                sourceProvider: primaryProvider,
                nameTag: `${prefix}-neo4j-backups`,
            },
            { ...onRegion, dependsOn: [backups] },
        );
    }

    return {
        region: config.region,
        role: config.role,
        residencyZone: config.residency.zone,
        kmsKeyArn: kms.keyArn,
        kmsKeyAlias: kms.aliasName,
        vpcId: vpc.vpcId,
        vpcCidr: vpc.cidrBlock,
        publicSubnetIds: vpc.subnetIds.public,
        privateSubnetIds: vpc.subnetIds.private,
        privateSubnetCidrs: vpc.subnetCidrs.private,
        isolatedSubnetIds: vpc.subnetIds.isolated,
        privateRouteTableIds: vpc.routeTableIds.private,
        isolatedRouteTableIds: vpc.routeTableIds.isolated,
        natGatewayIds: vpc.natGatewayIds,
        flowLogGroupName: vpc.flowLogGroupName,
        eksClusterName: eks.clusterName,
        eksEndpoint: eks.endpoint,
        eksOidcProviderArn: eks.oidcProviderArn,
        eksOidcIssuerUrl: eks.oidcIssuerUrl,
        eksNodeGroupNames: eks.nodeGroupNames,
        eksGraphNodeGroupNames: eks.graphNodeGroupNames,
        kubeconfig: eks.kubeconfig,
        auroraGlobalClusterId: aurora.globalClusterIdentifier,
        auroraEngine: aurora.engine,
        auroraEngineVersion: aurora.engineVersion,
        auroraClusterArn: aurora.clusterArn,
        auroraClusterId: aurora.clusterIdentifier,
        auroraWriterEndpoint: aurora.writerEndpoint,
        auroraReaderEndpoint: aurora.readerEndpoint,
        auroraSecurityGroupId: aurora.securityGroupId,
        auroraWriterInstanceArn: aurora.instanceArns[0],
        redisGlobalReplicationGroupId: redis.globalReplicationGroupId,
        redisReplicationGroupId: redis.replicationGroupId,
        redisPrimaryEndpoint: redis.primaryEndpoint,
        redisReaderEndpoint: redis.readerEndpoint,
        redisSecurityGroupId: redis.securityGroupId,
        // A global-datastore member inherits the node type: the secondary re-exports the primary's (cost estimate, runbooks).
        redisNodeType: primary ? primary.network.redisNodeType : config.redis.nodeType!,
        neo4jBoltEndpoint: graph.boltEndpoint,
        neo4jRoutingEndpoint: graph.routingEndpoint,
        neo4jBackupBucketName: backups.bucketName,
        neo4jBackupBucketArn: backups.bucketArn,
        apiLoadBalancerDnsName: entry.dnsName,
        apiLoadBalancerArn: entry.loadBalancerArn,
        apiTargetGroupArn: entry.targetGroupArn,
        apiCertificateArn: entry.certificateArn,
        apiNamespace: api.namespace,
        apiServiceName: api.serviceName,
        apiTargetGroupBindingName: api.bindingName,
        loadBalancerControllerRoleArn: controller.roleArn,
        apiHealthCheckId: dns.healthCheckId,
        apiRecordFqdn: dns.recordFqdn,
        dnsWeight: config.dns.weight,
        failoverDetectionSeconds: dns.failoverDetectionSeconds,
        ...(aurora.globalWriterEndpoint ? { auroraGlobalWriterEndpoint: aurora.globalWriterEndpoint } : {}),
        auroraMasterSecretArn: aurora.masterSecretArn,
        auroraMasterUsername: aurora.masterUsername,
        auroraDatabaseName: aurora.databaseName,
        redisAuthSecretArn: redis.authSecretArn,
        // Secret outputs the secondary copies into its own region (stacks/outputs.ts PRIMARY_SECRETS_FOR_SECONDARY).
        ...(primary ? {} : { auroraMasterPassword: aurora.masterPassword, redisAuthToken: redis.authToken }),
        ...(primary && peering ? { primaryStack: primary.stackName, peeringConnectionId: peering.peeringConnectionId } : {}),
    };
}
