import * as pulumi from "@pulumi/pulumi";
import { AuroraGlobal } from "../components/data/AuroraGlobal";
import { RedisGlobal } from "../components/data/RedisGlobal";
import type { SecondaryStackConfig } from "./config/schema";
import { GRAPH_CLUSTER_NAME, graphTier } from "./graphTier";
import { drillTier } from "./drillTier";
import { regionalMonitoring } from "./monitoring";
import { protectTier } from "./protectTier";
import type { ProgramOutputs, SecondaryStackOutputs } from "./outputs";
import type { PrimaryLink } from "./primaryLink";
import { auroraPlacement, redisPlacement, regionalBase, regionalOutputs, tierOutputs } from "./regional";

/**
 * A member of the primary's global cluster and datastore: it joins them with what it read from the primary's
 * outputs (engine, version, node type, credentials as secrets) and keeps its own regional copy of the
 * credentials. Everything it has lives in its own region: the peering with the primary and the backup
 * replication belong to the zone's interconnect stack, so this stack stays deployable while the primary's
 * region is down.
 */
export async function secondaryStack(config: SecondaryStackConfig, primary: PrimaryLink): Promise<ProgramOutputs<SecondaryStackOutputs>> {
    const base = await regionalBase(config, { createsCertificateValidationRecord: false });
    const p = primary.values;
    const aurora = new AuroraGlobal(
        "aurora",
        {
            ...auroraPlacement(base),
            role: {
                kind: "secondary",
                globalClusterIdentifier: p.auroraGlobalClusterId,
                engine: p.auroraEngine,
                engineVersion: p.auroraEngineVersion,
                sourceRegion: p.region,
                credentials: { username: p.auroraMasterUsername, password: primary.secrets.auroraMasterPassword, databaseName: p.auroraDatabaseName },
            },
        },
        base.onRegion,
    );
    const redis = new RedisGlobal(
        "redis",
        {
            ...redisPlacement(base),
            role: { kind: "secondary", globalReplicationGroupId: p.redisGlobalReplicationGroupId, authToken: primary.secrets.redisAuthToken },
        },
        base.onRegion,
    );
    // Secondaries of the primary's cluster: discovery lists its primaries' fixed addresses, certificates come from its CA.
    const graph = graphTier(base, {
        kind: "secondary",
        discoveryEndpoints: p.neo4jClusterAddresses,
        primaries: p.neo4jClusterAddresses.length,
        promoted: config.neo4j.promoted,
        ca: { certPem: pulumi.output(p.neo4jClusterCaCertPem), privateKeyPem: primary.secrets.neo4jClusterCaKeyPem },
    });
    // Backups, restore tests and their verification report to the region's topic (and its dashboard).
    const monitoring = regionalMonitoring(base, { aurora, redis, graph: { clusterName: GRAPH_CLUSTER_NAME, secondariesHere: !config.neo4j.promoted } }, { peers: [{ region: p.region, healthCheckId: p.apiHealthCheckId }] }, (topicArn) => protectTier(base, { aurora, graph }, topicArn).alarmArns);


    return {
        ...regionalOutputs(base),
        // A global-datastore member inherits the node type: re-exported from the primary (cost estimate, runbooks).
        ...tierOutputs({ aurora, redis, graph }, p.redisNodeType),
        ...monitoring.outputs,
        ...drillTier(base, monitoring.drillStopAlarmArns),
        primaryStack: primary.stackName,
    };
}
