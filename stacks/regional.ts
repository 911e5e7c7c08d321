import * as aws from "@pulumi/aws";
import { ContainerInsights } from "../components/compute/ContainerInsights";
import { EksCluster } from "../components/compute/EksCluster";
import { ApiTargetBinding } from "../components/edge/ApiTargetBinding";
import { LoadBalancerController } from "../components/edge/LoadBalancerController";
import { RegionalEntrypoint, S3_ACCESS_LOG_PREFIX } from "../components/edge/RegionalEntrypoint";
import { WebAcl } from "../components/edge/WebAcl";
import { WeightedDns } from "../components/edge/WeightedDns";
import { RESIDENCY_ZONE_COUNTRIES } from "../policy-pack/contracts/residency";
import { RegionalKms } from "../components/kms/RegionalKms";
import { TIER_LABEL } from "../components/labels";
import { RegionalVpc } from "../components/network/RegionalVpc";
import { EvidenceBucket } from "../components/storage/EvidenceBucket";
import { SecureBucket } from "../components/storage/SecureBucket";
import { RegistryCache } from "../components/registry/RegistryCache";
import { type ImageReference, cachedImage, chartImage, parseImageReference, registryHost } from "../components/registry/images";
import { BACKUP_TAG } from "../components/storage/backupRules";
import type { StackConfig } from "./config/schema";
import type { AuroraGlobal } from "../components/data/AuroraGlobal";
import type { RedisGlobal } from "../components/data/RedisGlobal";
import { backupLifecycleDays } from "../components/graph/backup";
import type { Neo4jCluster } from "../components/graph/Neo4jCluster";
import { GraphEndpoints } from "../components/graph/GraphEndpoints";
import { graphAddresses } from "../components/graph/addresses";
import type { DataOutputs, GraphAndEdgeOutputs, ProgramOutputs, RegionalBaseOutputs } from "./outputs";
import { residencyTags } from "./config/residency";
import { generatorProviders, regionalProvider } from "./providers";

/** The API pods' port: the ALB target group, its health check and the Service behind the TargetGroupBinding. */
const API_PORT = 8080;

/** What a stack's owner decides about resources every region has but only one creates. */
export interface RegionalOptions {
    /**
     * The ACM validation CNAME is the same for every region's certificate of one name: exactly one stack (the
     * owner of the shared resources) creates it, the others' certificates validate against it.
     */
    readonly createsCertificateValidationRecord: boolean;
}

/**
 * What every regional stack has, whatever its ownership role: the region's key, network, cluster, the graph
 * backups bucket, and the edge (ALB, the controller that binds the API pods to it, weighted DNS).
 */
export async function regionalBase(config: StackConfig, options: RegionalOptions) {
    const provider = regionalProvider(config, config.region);
    const generators = generatorProviders();
    const onRegion = { providers: [provider, ...generators] };
    const [identity, partition] = await Promise.all([aws.getCallerIdentity({}, { provider }), aws.getPartition({}, { provider })]);
    const account = identity.accountId;

    // Named after the stack (its region, after the environment outside prod): unique per account and region across the stack set.
    const prefix = `intelgraph-${config.stack}`;
    const kms = new RegionalKms("kms", { region: config.region, accountId: account, partition: partition.partition, alias: prefix }, onRegion);
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
            volumeTags: { [BACKUP_TAG.key]: BACKUP_TAG.value },
        },
        onRegion,
    );

    // Node readiness has no native EKS metric: Container Insights publishes it (NodeReadinessAlarms reads it).
    new ContainerInsights(
        "container-insights",
        { cluster: eks, clusterName: prefix, partition: partition.partition, kmsKeyArn: kms.keyArn, performanceLogRetentionDays: 14, dependsOn: eks.generalTierReady },
        onRegion,
    );

    const entry = new RegionalEntrypoint(
        "api",
        {
            region: config.region,
            accountId: account,
            nameTag: prefix,
            vpcId: vpc.vpcId,
            publicSubnetIds: vpc.subnetIds.public,
            targetSecurityGroupId: eks.clusterSecurityGroupId,
            apiDomain: config.dns.apiDomain,
            hostedZoneId: config.dns.hostedZoneId,
            createValidationRecord: options.createsCertificateValidationRecord,
            accessLogBucketName: `intelgraph-alb-logs-${account}-${config.stack}`,
            targetPort: API_PORT,
            livenessPath: config.dns.livenessPath,
        },
        onRegion,
    );
    const backups = new SecureBucket(
        "neo4j-backups",
        {
            bucketName: `intelgraph-neo4j-backups-${account}-${config.stack}`,
            encryption: { kind: "kms", kmsKeyArn: kms.keyArn },
            // A chain's FULL is its oldest object: kept fullBackupEveryDays longer than the restore window.
            retentionDays: backupLifecycleDays(config.neo4j.backupRetentionDays, config.neo4j.fullBackupEveryDays),
            purpose: "neo4j-backups",
            // awsguard: a bucket of backups logs every access (S3 server access logs to the region's log bucket).
            accessLogs: { targetBucket: entry.accessLogBucketName, targetPrefix: `${S3_ACCESS_LOG_PREFIX}neo4j-backups/` },
            // Backups nobody can delete or overwrite for these days (stack file: intelgraph:backup.neo4jBucketLock).
            objectLock: config.backup.neo4jBucketLock,
        },
        onRegion,
    );

    // Drill and failover records of this region (stacks/drillTier.ts, tools/drill, tools/failover): each region
    // keeps its own, so a record is readable while the other region is down.
    const evidence = new EvidenceBucket(
        "dr-evidence",
        {
            bucketName: `intelgraph-dr-evidence-${account}-${config.stack}`,
            kmsKeyArn: kms.keyArn,
            mode: config.evidence.mode,
            operationalDays: config.evidence.operationalDays,
            auditDays: config.evidence.auditDays,
            accessLogs: { targetBucket: entry.accessLogBucketName, targetPrefix: `${S3_ACCESS_LOG_PREFIX}dr-evidence/` },
        },
        onRegion,
    );

    const { waf: wafConfig } = config;
    const waf = new WebAcl(
        "api-waf",
        {
            aclName: prefix,
            loadBalancerArns: [entry.loadBalancerArn],
            kmsKeyArn: kms.keyArn,
            region: config.region,
            accountId: account,
            partition: partition.partition,
            perIp: wafConfig.perIp,
            perTenant: wafConfig.perTenant,
            allowedCountries: wafConfig.blockOutsideZone ? RESIDENCY_ZONE_COUNTRIES[config.residency.zone] : undefined,
            logRetentionDays: wafConfig.logRetentionDays,
        },
        onRegion,
    );
    // Every image the platform runs, from this region's own ECR (pinned by digest in the stack file).
    const images = {
        neo4j: pinned(config.neo4j.image),
        loadBalancerController: pinned(config.eks.loadBalancerController.image),
        awsCli: pinned(config.backup.neo4jVerification.awsCliImage),
    };
    const registry = new RegistryCache(
        "registry",
        {
            region: config.region,
            accountId: account,
            partition: partition.partition,
            kmsKeyArn: kms.keyArn,
            dockerHubCredentialArn: config.registry.dockerHubCredentialArn,
            images: Object.values(images),
            namePrefix: prefix,
        },
        onRegion,
    );
    const host = registryHost(account, config.region);
    const runImages = { neo4j: cachedImage(images.neo4j, host), awsCli: cachedImage(images.awsCli, host), loadBalancerController: chartImage(images.loadBalancerController, host) };
    const graphEndpoints = new GraphEndpoints(
        "neo4j-nlb",
        {
            vpcId: vpc.vpcId,
            servers: graphAddresses(vpc.subnetCidrs.private, config.neo4j.servers).map((address, i) => ({ subnetId: vpc.subnetIds.private[i], subnetCidr: vpc.subnetCidrs.private[i], address })),
            localCidrs: vpc.subnetCidrs.private,
            targetSecurityGroupId: eks.clusterSecurityGroupId,
            nameTag: prefix,
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
            // The API's target group and every graph server's (the controller's role may register targets nowhere else).
            targetGroupArns: [entry.targetGroupArn, ...graphEndpoints.targetGroupArns.flatMap((byPort) => Object.values(byPort))],
            chartVersion: config.eks.loadBalancerController.chartVersion,
            replicas: config.eks.loadBalancerController.replicas,
            image: runImages.loadBalancerController,
            imageReady: registry.ready,
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

    // The data tiers sit in the isolated subnets and admit this region's app (private) subnets.
    const dataPlacement = { vpcId: vpc.vpcId, isolatedSubnetIds: vpc.subnetIds.isolated, allowedCidrs: vpc.subnetCidrs.private, kmsKeyArn: kms.keyArn };
    return { config, provider, generators, onRegion, prefix, account, accountId: account, partition: partition.partition, kms, vpc, eks, backups, evidence, entry, waf, registry, runImages, controller, api, dns, dataPlacement, graphEndpoints };
}

export type RegionalBase = Awaited<ReturnType<typeof regionalBase>>;

/** A stack file's image reference, already checked pinned by the schema (stacks/config/tiers.ts). */
function pinned(ref: string): ImageReference {
    const parsed = parseImageReference(ref);
    if (typeof parsed === "string") throw new Error(`unreachable: the config schema admitted ${parsed}`);
    return parsed;
}

/** Where and how big this region's Aurora cluster is, whatever its role (the role adds how it joins). */
export function auroraPlacement(base: RegionalBase) {
    const { config } = base;
    const { instanceClass, instances, backupRetentionDays } = config.aurora;
    return { ...base.dataPlacement, clusterIdentifier: base.prefix, availabilityZones: config.network.availabilityZones, instanceClass, instances, backupRetentionDays };
}

/** Where and how big this region's Redis group is, whatever its role. */
export function redisPlacement(base: RegionalBase) {
    const { nodes, snapshotRetentionDays } = base.config.redis;
    return { ...base.dataPlacement, replicationGroupId: base.prefix, nodes, snapshotRetentionDays };
}

/** The outputs every regional stack has, whatever its role (less the data and graph tiers'). */
export function regionalOutputs(base: RegionalBase): ProgramOutputs<RegionalBaseOutputs> {
    const { config, kms, vpc, eks, backups, entry, controller, api, dns, graphEndpoints } = base;
    return {
        region: config.region,
        role: config.role,
        residencyZone: config.residency.zone,
        environment: config.residency.environment,
        accountId: config.accountId,
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
        apiLivenessPath: config.dns.livenessPath,
        apiRecordFqdn: dns.recordFqdn,
        dnsWeight: config.dns.weight,
        neo4jFullBackupEveryDays: config.neo4j.fullBackupEveryDays,
        neo4jAddresses: graphEndpoints.addresses,
        neo4jSecurityGroupId: graphEndpoints.securityGroupId,
        apiDomain: config.dns.apiDomain,
        failoverDetectionSeconds: dns.failoverDetectionSeconds,
    };
}

/** The data and graph tiers' outputs, whatever the role (a member's node type is the primary's: passed in). */
export function tierOutputs(
    tiers: { readonly aurora: AuroraGlobal; readonly redis: RedisGlobal; readonly graph: Neo4jCluster },
    redisNodeType: string,
): ProgramOutputs<DataOutputs & Pick<GraphAndEdgeOutputs, "neo4jBoltEndpoint" | "neo4jRoutingEndpoint" | "neo4jClusterAddresses" | "neo4jClusterCaCertPem">> {
    const { aurora, redis, graph } = tiers;
    return {
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
        redisNodeType,
        redisAuthSecretArn: redis.authSecretArn,
        neo4jBoltEndpoint: graph.boltEndpoint,
        neo4jRoutingEndpoint: graph.routingEndpoint,
        neo4jClusterAddresses: graph.clusterAddresses,
        neo4jClusterCaCertPem: graph.caCertPem,
    };
}
