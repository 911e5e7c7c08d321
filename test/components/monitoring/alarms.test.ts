/**
 * Every alarm the planned regional stacks declare, against the source its component cites: namespace, metric,
 * dimensions, statistic, unit, period, evaluation window, threshold (the seed's defaults) and missing-data
 * treatment, and that it notifies the region's topic.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { buildReport } from "../../../tools/offline/report";
import { PROJECT_DIR, inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
/** GitHub anchors of the `## ` headings of the runbook every alarm links. */
const RUNBOOK_SECTIONS = [...fs.readFileSync(path.join(PROJECT_DIR, "runbooks", "alerts.md"), "utf8").matchAll(/^## (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-"));
const COMPOSITE = "aws:cloudwatch/compositeAlarm:CompositeAlarm";

describe.each(["us-west-2", "us-east-1"])("alarms of %s", (region) => {
    const s = () => mustGet(stacks, region);
    const alarm = (name: string) => inputsOf(one(s(), ALARM, name));
    const topicArn = () => outputsOf(one(s(), "aws:sns/topic:Topic")).arn as string;
    const prefix = `intelgraph-${region}`;

    it("every alarm and composite is in the stack's region and every notifying one notifies the region's topic on ALARM and OK", () => {
        expect(topicArn()).toBe(`arn:aws:sns:${region}:123456789012:${prefix}-alerts`);
        for (const r of [...ofType(s(), ALARM), ...ofType(s(), COMPOSITE)]) {
            expect(providerRegion(s(), r), r.name).toBe(region);
            const i = inputsOf(r);
            expect(i.actionsEnabled, r.name).toBe(true);
            // Burn-rate windows are read by their composite only (one page, not one per window).
            const expected = /^burn-rate-(page|ticket)-(long|short)$/.test(r.name) ? [] : [topicArn()];
            expect(i.alarmActions, r.name).toEqual(expected);
            expect(i.okActions, r.name).toEqual(expected);
            const anchor = / Runbook: runbooks\/alerts\.md#([a-z0-9-]+)$/.exec(String(i.alarmDescription))?.[1];
            expect(anchor, r.name).toBeDefined();
            expect(RUNBOOK_SECTIONS, `${r.name}: runbooks/alerts.md has a section ${anchor}`).toContain(anchor);
        }
    });

    it("Aurora replication and RPO lag: AWS/RDS, DBClusterIdentifier of this region's member, Maximum in ms over 3 x 60 s, above 30 s (seed), no data = OK", () => {
        for (const [name, metric] of [
            ["data-alarms-aurora-replication-lag", "AuroraGlobalDBReplicationLag"],
            ["data-alarms-aurora-rpo-lag", "AuroraGlobalDBRPOLag"],
        ]) {
            expect(alarm(name)).toMatchObject({
                namespace: "AWS/RDS",
                metricName: metric,
                dimensions: { DBClusterIdentifier: prefix },
                statistic: "Maximum",
                unit: "Milliseconds",
                period: 60,
                evaluationPeriods: 3,
                datapointsToAlarm: 3,
                comparisonOperator: "GreaterThanThreshold",
                threshold: 30_000,
                treatMissingData: "notBreaching",
            });
        }
        expect(inputsOf(one(s(), "aws:rds/cluster:Cluster")).clusterIdentifier).toBe(prefix);
    });

    it("Neo4j secondaries' lag: IntelGraph/Neo4j SecondaryReplicationLagTransactions (Cluster), Maximum Count over 3 x 60 s, above 1,000 transactions (default); no data breaching only where the secondaries are", () => {
        expect(alarm("graph-lag-alarm-alarm")).toMatchObject({
            name: `${prefix}-neo4j-secondary-lag`,
            namespace: "IntelGraph/Neo4j",
            metricName: "SecondaryReplicationLagTransactions",
            dimensions: { Cluster: "intelgraph-graph" },
            statistic: "Maximum",
            unit: "Count",
            period: 60,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
            comparisonOperator: "GreaterThanThreshold",
            threshold: 1000,
            treatMissingData: region === "us-east-1" ? "breaching" : "notBreaching",
            alarmActions: [topicArn()],
            okActions: [topicArn()],
        });
        expect(String(alarm("graph-lag-alarm-alarm").alarmDescription)).toMatch(/ Runbook: runbooks\/alerts\.md#graph-replication-lag$/);
        // The exporter publishing it runs in the same region's graph namespace.
        const job = inputsOf(one(s(), "kubernetes:batch/v1:CronJob", "neo4j-lag-job"));
        expect(job.metadata).toMatchObject({ name: "intelgraph-graph-lag-exporter", namespace: "neo4j" });
    });

    it("Redis global datastore lag: AWS/ElastiCache GlobalDatastoreReplicationLag per member cluster (s), the maximum over the group, above 20 s (seed)", () => {
        const a = alarm("data-alarms-redis-replication-lag");
        const nodes = inputsOf(one(s(), "aws:elasticache/replicationGroup:ReplicationGroup"));
        expect(nodes.replicationGroupId).toBe(prefix);
        expect(a.metricQueries).toEqual([
            { id: "n0", returnData: false, metric: { namespace: "AWS/ElastiCache", metricName: "GlobalDatastoreReplicationLag", dimensions: { CacheClusterId: `${prefix}-001` }, stat: "Maximum", unit: "Seconds", period: 60 } },
            { id: "n1", returnData: false, metric: { namespace: "AWS/ElastiCache", metricName: "GlobalDatastoreReplicationLag", dimensions: { CacheClusterId: `${prefix}-002` }, stat: "Maximum", unit: "Seconds", period: 60 } },
            { id: "lag", label: "GlobalDatastoreReplicationLag (max over the group's nodes)", expression: "MAX(METRICS())", returnData: true },
        ]);
        expect(a).toMatchObject({ evaluationPeriods: 3, datapointsToAlarm: 3, comparisonOperator: "GreaterThanThreshold", threshold: 20, treatMissingData: "notBreaching" });
    });

    it("API 5xx rate: ELB and target 5xx over requests at the ALB (LoadBalancer = its ARN suffix), 5 of 5 minutes above 2 % (seed)", () => {
        const lb = outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer", "api-alb")).arnSuffix;
        const m = (metricName: string, id: string) => ({ id, returnData: false, metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: lb }, stat: "Sum", unit: "Count", period: 60 } });
        const a = alarm("edge-alarms-api-5xx-rate");
        expect(a.metricQueries).toEqual([
            m("HTTPCode_ELB_5XX_Count", "elb5xx"),
            m("HTTPCode_Target_5XX_Count", "target5xx"),
            m("RequestCount", "requests"),
            { id: "rate", label: "5xx % of requests", expression: "100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / FILL(requests, 1)", returnData: true },
        ]);
        expect(a).toMatchObject({ evaluationPeriods: 5, datapointsToAlarm: 5, comparisonOperator: "GreaterThanThreshold", threshold: 2, treatMissingData: "notBreaching" });
    });

    it("unhealthy API targets: UnHealthyHostCount of the API target group at the ALB, any for 5 minutes", () => {
        expect(alarm("edge-alarms-api-unhealthy-targets")).toMatchObject({
            namespace: "AWS/ApplicationELB",
            metricName: "UnHealthyHostCount",
            dimensions: { TargetGroup: outputsOf(one(s(), "aws:lb/targetGroup:TargetGroup", "api-api")).arnSuffix, LoadBalancer: outputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer", "api-alb")).arnSuffix },
            statistic: "Maximum",
            period: 60,
            evaluationPeriods: 5,
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
        });
    });

    it("certificate expiry: ACM DaysToExpiry of the API certificate, one daily point, under 15 days (seed), a missing day keeps the state", () => {
        expect(alarm("edge-alarms-api-certificate-expiry")).toMatchObject({
            namespace: "AWS/CertificateManager",
            metricName: "DaysToExpiry",
            dimensions: { CertificateArn: outputsOf(one(s(), "aws:acm/certificate:Certificate")).arn },
            statistic: "Minimum",
            period: 86_400,
            evaluationPeriods: 1,
            comparisonOperator: "LessThanThreshold",
            threshold: 15,
            treatMissingData: "missing",
        });
    });

    it("EKS node readiness: Container Insights cluster_failed_node_count > 0 and cluster_node_count under the node groups' minimum, ClusterName, 5 of 5 minutes (default), no data breaching only for the count", () => {
        const minimum = region === "us-west-2" ? 4 + 3 * 1 : 2 + 3 * 1;
        const common = { namespace: "ContainerInsights", dimensions: { ClusterName: prefix }, period: 60, evaluationPeriods: 5, datapointsToAlarm: 5 };
        expect(alarm("node-alarms-failed")).toMatchObject({ ...common, name: `${prefix}-eks-nodes-failed`, metricName: "cluster_failed_node_count", statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" });
        expect(alarm("node-alarms-count")).toMatchObject({ ...common, name: `${prefix}-eks-nodes-below-minimum`, metricName: "cluster_node_count", statistic: "Minimum", comparisonOperator: "LessThanThreshold", threshold: minimum, treatMissingData: "breaching" });
        expect(inputsOf(one(s(), "aws:eks/cluster:Cluster")).name).toBe(prefix);
    });

    it("SLO burn rate at 99.95 %: page = 14.4x over 1 h and 5 min, ticket = 6x over 6 h and 30 min, each window one point of its length, both windows needed", () => {
        const windows = { "burn-rate-page-long": [3600, 0.0072], "burn-rate-page-short": [300, 0.0072], "burn-rate-ticket-long": [21_600, 0.003], "burn-rate-ticket-short": [1800, 0.003] } as const;
        for (const [name, [period, threshold]] of Object.entries(windows)) {
            const a = alarm(name);
            const queries = a.metricQueries as { metric?: { period: number; metricName: string }; expression?: string }[];
            expect(queries.filter((q) => q.metric).map((q) => [q.metric?.metricName, q.metric?.period]), name).toEqual([
                ["HTTPCode_ELB_5XX_Count", period],
                ["HTTPCode_Target_5XX_Count", period],
                ["RequestCount", period],
            ]);
            expect(queries[3].expression).toBe("(FILL(elb5xx, 0) + FILL(target5xx, 0)) / FILL(requests, 1)");
            expect(a).toMatchObject({ evaluationPeriods: 1, comparisonOperator: "GreaterThanThreshold", threshold });
            // CloudWatch: period x evaluation periods at most 1 day under an hour, 7 days otherwise.
            expect(period * 1).toBeLessThanOrEqual(period < 3600 ? 86_400 : 604_800);
        }
        const composites = Object.fromEntries(ofType(s(), COMPOSITE).map((c) => [c.name, inputsOf(c)]));
        expect(composites["burn-rate-page"].alarmRule).toBe(`ALARM("${prefix}-api-burn-page-60m") AND ALARM("${prefix}-api-burn-page-5m")`);
        expect(composites["burn-rate-ticket"].alarmRule).toBe(`ALARM("${prefix}-api-burn-ticket-360m") AND ALARM("${prefix}-api-burn-ticket-30m")`);
        expect(outputsOf(one(s(), COMPOSITE, "burn-rate-page")).alarmName).toBe(`${prefix}-api-burn-page`);
    });
});

describe("Route 53 health checks are watched only where their metrics are (us-east-1)", () => {
    it("us-east-1 alarms on its own check and on the primary's, HealthCheckStatus Minimum < 1 for a minute, a silent check breaching", () => {
        const east = mustGet(stacks, "us-east-1");
        const west = mustGet(stacks, "us-west-2");
        const ids = { "us-east-1": one(east, "aws:route53/healthCheck:HealthCheck").id, "us-west-2": one(west, "aws:route53/healthCheck:HealthCheck").id };
        for (const [checked, id] of Object.entries(ids)) {
            expect(inputsOf(one(east, ALARM, `edge-alarms-health-check-${checked}`))).toMatchObject({
                namespace: "AWS/Route53",
                metricName: "HealthCheckStatus",
                dimensions: { HealthCheckId: id },
                statistic: "Minimum",
                period: 60,
                evaluationPeriods: 1,
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                treatMissingData: "breaching",
            });
        }
    });

    it("us-west-2 has none (an alarm there would have no data, and would share the fate of what it watches)", () => {
        expect(ofType(mustGet(stacks, "us-west-2"), ALARM).filter((a) => a.name.startsWith("edge-alarms-health-check"))).toEqual([]);
    });
});

describe("the alert topic", () => {
    it.each(["us-west-2", "us-east-1"])("%s: encrypted with the region's key, publishers limited to this account, subscription endpoints secret", (region) => {
        const s = mustGet(stacks, region);
        const topic = one(s, "aws:sns/topic:Topic");
        expect(inputsOf(topic).kmsMasterKeyId).toBe(outputsOf(one(s, "aws:kms/key:Key")).arn);
        const policy = JSON.parse(String(inputsOf(one(s, "aws:sns/topicPolicy:TopicPolicy")).policy)) as { Statement: { Sid: string; Principal: unknown; Condition?: unknown }[] };
        expect(policy.Statement.find((x) => x.Sid === "AwsServicePublishers")).toMatchObject({
            Principal: { Service: ["cloudwatch.amazonaws.com", "budgets.amazonaws.com", "backup.amazonaws.com"] },
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        });
        const sub = one(s, "aws:sns/topicSubscription:TopicSubscription");
        expect(inputsOf(sub)).toMatchObject({ protocol: "email", endpoint: "platform-oncall@intelgraph.example.com" });
        // Registered as a secret (Pulumi's secret signature on the wire): the state stores it encrypted.
        expect((sub.inputs as Record<string, unknown>).endpoint).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
    });
});

it("the plan report never shows a subscription endpoint (a pager URL carries its token)", () => {
    const report = JSON.stringify(buildReport([...stacks.values()], "test"));
    expect(report).not.toContain("platform-oncall@");
    expect(report).toContain("[secret]");
});

describe("the dashboard", () => {
    it.each(["us-west-2", "us-east-1"])("%s: golden signals, replication lag, health checks where visible, and every alarm", (region) => {
        const s = mustGet(stacks, region);
        const body = JSON.parse(String(inputsOf(one(s, "aws:cloudwatch/dashboard:Dashboard")).dashboardBody)) as { widgets: { type: string; properties: { title: string; alarms?: string[] } }[] };
        const titles = body.widgets.map((w) => w.properties.title);
        expect(titles).toEqual([
            "API traffic and errors",
            "API latency p95 (seed: 400 ms)",
            "Replication lag received by this region",
            ...(region === "us-east-1" ? ["Route 53 health checks (us-east-1 metrics)"] : []),
            "Alarms",
        ]);
        const arns = [...ofType(s, ALARM), ...ofType(s, COMPOSITE)].filter((a) => !/-(long|short)$/.test(a.name)).map((a) => outputsOf(a).arn);
        const shown = body.widgets.find((w) => w.type === "alarm")?.properties.alarms ?? [];
        for (const arn of arns) expect(shown).toContain(arn);
    });
});

describe("graph standby freshness: the interconnect's backup replication alarms (until #14's secondaries)", () => {
    it("ReplicationLatency above RTC's 15 min and any OperationsFailedReplication, per rule, in the source region, notifying the primary's topic", () => {
        const ic = mustGet(stacks, "interconnect-us");
        const west = mustGet(stacks, "us-west-2");
        const east = mustGet(stacks, "us-east-1");
        const dimensions = { SourceBucket: west.outputs.neo4jBackupBucketName, DestinationBucket: east.outputs.neo4jBackupBucketName, RuleId: "backups-to-us-east-1" };
        const topic = outputsOf(one(west, "aws:sns/topic:Topic")).arn;
        const latency = one(ic, ALARM, "neo4j-backup-replication-alarms-latency-us-east-1");
        expect(providerRegion(ic, latency)).toBe("us-west-2");
        expect(inputsOf(latency)).toMatchObject({
            namespace: "AWS/S3",
            metricName: "ReplicationLatency",
            dimensions,
            statistic: "Maximum",
            unit: "Seconds",
            period: 60,
            evaluationPeriods: 5,
            threshold: 900,
            comparisonOperator: "GreaterThanThreshold",
            alarmActions: [topic],
        });
        expect(inputsOf(one(ic, ALARM, "neo4j-backup-replication-alarms-failed-us-east-1"))).toMatchObject({
            namespace: "AWS/S3",
            metricName: "OperationsFailedReplication",
            dimensions,
            statistic: "Sum",
            threshold: 0,
            comparisonOperator: "GreaterThanThreshold",
            alarmActions: [topic],
        });
        const config = inputsOf(one(ic, "aws:s3/bucketReplicationConfig:BucketReplicationConfig")) as { rules: { id: string; destination: { metrics: unknown } }[] };
        expect(config.rules.map((r) => [r.id, r.destination.metrics])).toEqual([["backups-to-us-east-1", { status: "Enabled", eventThreshold: { minutes: 15 } }]]);
    });
});
