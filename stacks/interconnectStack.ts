import * as aws from "@pulumi/aws";
import { AURORA_PORT } from "../components/data/AuroraGlobal";
import { REDIS_PORT } from "../components/data/RedisGlobal";
import { GRAPH_PEER_PORTS } from "../components/graph/GraphEndpoints";
import { NEO4J_PORTS } from "../components/graph/neo4jSettings";
import { VpcPeering } from "../components/network/VpcPeering";
import { cidrsOverlap, parseCidr } from "../components/network/cidr";
import { BackupReplicationAlarms } from "../components/monitoring/BackupReplicationAlarms";
import { RegionProbe } from "../components/monitoring/RegionProbe";
import { BackupReplication, REPLICATION_TIME_MINUTES, replicationRuleId } from "../components/storage/BackupReplication";
import type { InterconnectStackConfig } from "./config/interconnect";
import { ConfigError, type ConfigProblem } from "./config/schema";
import { type InterconnectStackOutputs, type ProgramOutputs, REGIONAL_OUTPUTS_FOR_INTERCONNECT } from "./outputs";
import { generatorProviders, regionalProvider } from "./providers";
import { type StackLink, readStack } from "./stackLink";

type Regional = StackLink<(typeof REGIONAL_OUTPUTS_FOR_INTERCONNECT)[number], never>;

/** us-west-2 -> usw2, eu-central-1 -> euc1: short enough for a canary name (21 characters). */
export const regionCode = (region: string) =>
    region
        .split("-")
        .map((part, i) => (i === 0 || /^\d+$/.test(part) ? part : part[0]))
        .join("");

/** The linked stacks must be what the stack file says they are, in this zone and environment. */
function checkLinks(config: InterconnectStackConfig, primary: Regional, secondaries: readonly { readonly stack: string; readonly link: Regional }[]): void {
    const problems: ConfigProblem[] = [];
    const p = primary.values;
    if (p.role !== "primary") problems.push({ file: config.file, key: "intelgraph:primaryStack", value: config.primaryStack, allowed: `a primary stack (${config.primaryStack} is a ${p.role})` });
    for (const [key, stack, link] of [["intelgraph:primaryStack", config.primaryStack, primary] as const, ...secondaries.map((s) => ["intelgraph:secondaryStacks", s.stack, s.link] as const)]) {
        if (link.values.residencyZone !== config.residency.zone) {
            problems.push({ file: config.file, key, value: stack, allowed: `stacks of zone "${config.residency.zone}" (${stack} is in "${link.values.residencyZone}"; nothing peers or replicates across a residency zone)` });
        }
    }
    for (const [key, stack, link] of [["intelgraph:primaryStack", config.primaryStack, primary] as const, ...secondaries.map((s) => ["intelgraph:secondaryStacks", s.stack, s.link] as const)]) {
        if (link.values.environment !== config.residency.environment) {
            problems.push({ file: config.file, key, value: stack, allowed: `stacks of environment "${config.residency.environment}" (${stack} is "${link.values.environment}"; nothing links across environments)` });
        } else if (link.values.accountId !== config.accountId) {
            problems.push({ file: config.file, key, value: stack, allowed: `stacks of account ${config.accountId} (intelgraph:accountId; ${stack} is in ${link.values.accountId})` });
        }
    }
    for (const s of secondaries) {
        if (s.link.values.role !== "secondary") problems.push({ file: config.file, key: "intelgraph:secondaryStacks", value: s.stack, allowed: `secondary stacks (${s.stack} is a ${s.link.values.role})` });
    }
    // One failover target per DNS name: Route 53 spreads a name's traffic over all its healthy zero-weight records
    // once the non-zero ones fail (Route 53 Developer Guide, "Weighted routing"), and only one secondary gets the writer.
    const targets = secondaries.filter((s) => s.link.values.apiDomain === p.apiDomain);
    if (targets.length > 1) {
        problems.push({
            file: config.file,
            key: "intelgraph:secondaryStacks",
            value: targets.map((s) => s.stack),
            allowed: `one secondary on the primary's DNS name ${p.apiDomain} (the failover target); the others serve reads under a name of their own (intelgraph:dns.apiDomain)`,
        });
    }
    // Peered VPCs need disjoint ranges, sibling secondaries included (each secondary checks only its primary's).
    const linked = [{ stack: config.primaryStack, link: primary }, ...secondaries];
    linked.forEach((a, i) =>
        linked.slice(i + 1).forEach((b) => {
            const [ca, cb] = [parseCidr(a.link.values.vpcCidr), parseCidr(b.link.values.vpcCidr)];
            if (typeof ca !== "string" && typeof cb !== "string" && cidrsOverlap(ca, cb)) {
                problems.push({
                    file: config.file,
                    key: "intelgraph:secondaryStacks",
                    value: [a.stack, b.stack],
                    allowed: `stacks with disjoint VPC CIDRs (${a.stack} has ${a.link.values.vpcCidr}, ${b.stack} has ${b.link.values.vpcCidr}: change intelgraph:vpcCidr in Pulumi.${b.stack}.yaml)`,
                });
            }
        }),
    );
    if (problems.length) throw new ConfigError(problems);
}

/**
 * The zone's cross-region links: per secondary, the VPC peering with the primary (requested from the
 * secondary, accepted in the primary's region), the routes on both sides, the data ports opened to the other
 * region's app subnets (CIDR rules: a security group of a peer VPC in another region cannot be referenced),
 * and the replication of the primary's graph backups into the secondary's bucket. It is the only stack with
 * resources in two regions; a failover needs none of them.
 */
export async function interconnectStack(config: InterconnectStackConfig): Promise<ProgramOutputs<InterconnectStackOutputs>> {
    const why = "the interconnect links deployed regional stacks";
    const primary: Regional = await readStack({ file: config.file, key: "intelgraph:primaryStack", why }, config.primaryStack, REGIONAL_OUTPUTS_FOR_INTERCONNECT);
    const secondaries = await Promise.all(
        config.secondaryStacks.map(async (stack) => ({ stack, link: await readStack({ file: config.file, key: "intelgraph:secondaryStacks", why }, stack, REGIONAL_OUTPUTS_FOR_INTERCONNECT) })),
    );
    checkLinks(config, primary, secondaries);

    const p = primary.values;
    const generators = generatorProviders();
    const primaryProvider = regionalProvider(config, p.region);
    // One provider per region (a second of the same name would be a duplicate URN).
    const providerOf = new Map<string, aws.Provider>([[p.region, primaryProvider], ...secondaries.map(({ link }) => [link.values.region, regionalProvider(config, link.values.region)] as const)]);
    const onRegion = (region: string) => ({ providers: [providerOf.get(region) ?? primaryProvider, ...generators] });
    const { partition } = await aws.getPartition({}, { provider: primaryProvider });
    const short = (name: string) => name.split("/").pop() ?? name;
    const peerings = secondaries.map(({ stack, link }) => {
        const s = link.values;
        const onSecondary = onRegion(s.region);
        const prefix = `intelgraph-${short(stack)}`;
        // Named after the secondary's region whatever their number: adding a second secondary renames nothing
        // (a rename would create a second peering of the same VPCs before deleting the first, which AWS refuses).
        const peering = new VpcPeering(
            `peering-${s.region}`,
            {
                requester: { vpcId: s.vpcId, cidrBlock: s.vpcCidr, routeTableIds: [...s.privateRouteTableIds, ...s.isolatedRouteTableIds], appSubnetCidrs: s.privateSubnetCidrs },
                accepter: { region: p.region, vpcId: p.vpcId, cidrBlock: p.vpcCidr, routeTableIds: [...p.privateRouteTableIds, ...p.isolatedRouteTableIds], appSubnetCidrs: p.privateSubnetCidrs },
                accepterProvider: primaryProvider,
                nameTag: `${prefix}-to-${p.region}`,
                ports: [
                    { name: "aurora", port: AURORA_PORT, requesterSecurityGroupId: s.auroraSecurityGroupId, accepterSecurityGroupId: p.auroraSecurityGroupId },
                    { name: "redis", port: REDIS_PORT, requesterSecurityGroupId: s.redisSecurityGroupId, accepterSecurityGroupId: p.redisSecurityGroupId },
                    // The graph servers' NLBs (fixed addresses) admit the other region's graph traffic on the cluster ports.
                    // Its real source is the sending node's primary IP in a private subnet: the VPC CNI translates a pod's
                    // address to it for any destination outside the VPC's CIDR (Amazon EKS User Guide, "SNAT for Pods").
                    ...GRAPH_PEER_PORTS.map((port) => ({ name: `neo4j-${port}`, port: NEO4J_PORTS[port], requesterSecurityGroupId: s.neo4jSecurityGroupId, accepterSecurityGroupId: p.neo4jSecurityGroupId })),
                ],
            },
            onSecondary,
        );
        return peering;
    });

    // One replication configuration on the primary's bucket, a rule per secondary: S3 keeps one per bucket.
    new BackupReplication(
        "neo4j-backup-replication",
        {
            source: { bucketName: p.neo4jBackupBucketName, bucketArn: p.neo4jBackupBucketArn, kmsKeyArn: p.kmsKeyArn, region: p.region },
            destinations: secondaries.map(({ link }) => ({ bucketName: link.values.neo4jBackupBucketName, bucketArn: link.values.neo4jBackupBucketArn, kmsKeyArn: link.values.kmsKeyArn, region: link.values.region })),
            sourceProvider: primaryProvider,
            nameTag: `intelgraph-${short(config.primaryStack)}-neo4j-backups`,
        },
        { providers: [primaryProvider, ...generators] },
    );
    // With the replication they watch, in the source region, notifying that region's own topic.
    new BackupReplicationAlarms(
        "neo4j-backup-replication-alarms",
        {
            namePrefix: `intelgraph-${p.region}`,
            topicArn: p.alertTopicArn,
            sourceBucketName: p.neo4jBackupBucketName,
            rules: secondaries.map(({ link }) => ({ ruleId: replicationRuleId(link.values.region), destinationBucketName: link.values.neo4jBackupBucketName, destinationRegion: link.values.region })),
            latencyThresholdSeconds: REPLICATION_TIME_MINUTES * 60,
        },
        { providers: [primaryProvider, ...generators] },
    );

    // Each region's loss is alarmed on from another: the primary probes each secondary, each secondary the primary.
    const linked = [{ stack: config.primaryStack, link: primary }, ...secondaries];
    const pairs = secondaries.flatMap((s) => [
        { from: linked[0], to: s },
        { from: s, to: linked[0] },
    ]);
    const probeAlarms = pairs.map(({ from, to }) => {
        const f = from.link.values;
        const t = to.link.values;
        const alarmName = `intelgraph-${short(from.stack)}-probe-${t.region}`;
        new RegionProbe(
            `probe-${f.region}-${t.region}`,
            {
                region: f.region,
                target: { region: t.region, loadBalancerDnsName: t.apiLoadBalancerDnsName, apiDomain: t.apiDomain, path: t.apiLivenessPath },
                canaryName: `ig-${config.residency.environment}-${regionCode(f.region)}-${regionCode(t.region)}`,
                alarmName,
                artifactsBucketName: `intelgraph-probe-${config.accountId}-${f.region}-to-${regionCode(t.region)}-${config.residency.environment}`,
                kmsKeyArn: f.kmsKeyArn,
                partition,
                accountId: config.accountId,
                topicArn: f.alertTopicArn,
                everyMinutes: config.probe.everyMinutes,
                failedRuns: config.probe.failedRuns,
                runtimeVersion: config.probe.runtimeVersion,
            },
            onRegion(f.region),
        );
        return `${f.region} -> ${t.region}: ${alarmName}`;
    });

    return {
        residencyZone: config.residency.zone,
        primaryStack: primary.stackName,
        secondaryStacks: secondaries.map((s) => s.link.stackName),
        peeringConnectionIds: peerings.map((x) => x.peeringConnectionId),
        probeAlarms,
    };
}
