import { AuroraGlobal } from "../components/data/AuroraGlobal";
import { RedisGlobal } from "../components/data/RedisGlobal";
import type { PrimaryStackConfig } from "./config/schema";
import { GRAPH_CLUSTER_NAME, graphTier } from "./graphTier";
import { drillTier } from "./drillTier";
import { regionalMonitoring } from "./monitoring";
import { protectTier } from "./protectTier";
import type { PrimaryStackOutputs, ProgramOutputs } from "./outputs";
import { auroraPlacement, redisPlacement, regionalBase, regionalOutputs, tierOutputs } from "./regional";

/**
 * The stack that owns the global resources: it creates the global cluster and datastore with their first
 * members, generates the shared credentials, and the certificate validation record every region uses.
 */
export async function primaryStack(config: PrimaryStackConfig): Promise<ProgramOutputs<PrimaryStackOutputs>> {
    const base = await regionalBase(config, { createsCertificateValidationRecord: true });
    const aurora = new AuroraGlobal(
        "aurora",
        {
            ...auroraPlacement(base),
            role: {
                kind: "primary",
                globalClusterIdentifier: config.aurora.globalClusterIdentifier,
                engineVersion: config.aurora.engineVersion,
                databaseName: "intelgraph",
                membership: config.aurora.membership,
            },
        },
        base.onRegion,
    );
    const redis = new RedisGlobal(
        "redis",
        {
            ...redisPlacement(base),
            role: { kind: "primary", engineVersion: config.redis.engineVersion, nodeType: config.redis.nodeType, globalIdSuffix: config.redis.globalDatastoreSuffix },
        },
        base.onRegion,
    );
    const graph = graphTier(base, { kind: "primary" });
    // A primary knows no other region's health check: its secondaries watch its check.
    // Backups, restore tests and their verification report to the region's topic (and its dashboard).
    const monitoring = regionalMonitoring(base, { aurora, redis, graph: { clusterName: GRAPH_CLUSTER_NAME, secondariesHere: false } }, { peers: [] }, (topicArn) => protectTier(base, { aurora, graph }, topicArn).alarmArns);
    if (!aurora.globalWriterEndpoint) throw new Error("AuroraGlobal: a primary has a global writer endpoint");

    return {
        ...regionalOutputs(base),
        ...tierOutputs({ aurora, redis, graph }, config.redis.nodeType),
        // A primary knows no other region's health check: its secondaries watch its check.
        ...monitoring.outputs,
        ...drillTier(base, monitoring.drillStopAlarmArns),
        auroraGlobalWriterEndpoint: aurora.globalWriterEndpoint,
        // Secret outputs the secondaries copy into their own region (stacks/outputs.ts PRIMARY_SECRETS_FOR_SECONDARY).
        auroraMasterPassword: aurora.masterPassword,
        neo4jClusterCaKeyPem: graph.caPrivateKeyPem,
        redisAuthToken: redis.authToken,
    };
}
