/** The graph's lag exporter and alarm as the regional stacks plan them (components/graph/lagExporter.ts, GraphLagAlarm). */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../tools/offline/engine";
import { inputsOf, mustGet, one, outputsOf, plan } from "../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan({ stacks: ["us-west-2", "us-east-1"] });
});

interface Container { name: string; image: string; env: { name: string; value?: string; valueFrom?: unknown }[] }
interface Pod { serviceAccountName: string; initContainers: Container[]; containers: Container[]; volumes: { name: string; secret?: { secretName: string; items: unknown[] } }[] }

describe.each(["us-west-2", "us-east-1"])("the graph's lag exporter in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const pod = () => (inputsOf(one(s(), "kubernetes:batch/v1:CronJob", "neo4j-lag-job")).spec as { jobTemplate: { spec: { template: { spec: Pod } } } }).jobTemplate.spec.template.spec;

    it("takes both images from this region's ECR pull-through caches, pinned by digest, as the backup verification does", () => {
        const verification = (inputsOf(one(s(), "kubernetes:batch/v1:CronJob", "neo4j-verification-job")).spec as { jobTemplate: { spec: { template: { spec: Pod } } } }).jobTemplate.spec.template.spec;
        const registry = `123456789012.dkr.ecr.${region}.amazonaws.com/`;
        const [query] = pod().initContainers;
        const [publish] = pod().containers;
        expect(query.image.startsWith(`${registry}docker-hub/library/neo4j:`) && /@sha256:[0-9a-f]{64}$/.test(query.image)).toBe(true);
        expect(publish.image.startsWith(`${registry}ecr-public/aws-cli/aws-cli:`) && /@sha256:[0-9a-f]{64}$/.test(publish.image)).toBe(true);
        expect(query.image).toBe(verification.initContainers.find((c) => c.name === "verify")?.image);
        expect(publish.image).toBe(verification.containers[0].image);
        expect(publish.env).toContainEqual({ name: "AWS_REGION", value: region });
    });

    it("reads the password from the cluster's auth Secret and mounts only the CA of a server's TLS Secret", () => {
        expect(pod().initContainers[0].env).toContainEqual({ name: "NEO4J_AUTH", valueFrom: { secretKeyRef: { name: "intelgraph-graph-auth", key: "NEO4J_AUTH" } } });
        expect(pod().volumes.find((v) => v.name === "ca")?.secret).toEqual({ secretName: "intelgraph-graph-0-tls", items: [{ key: "ca.crt", path: "ca.crt" }] });
    });

    it("publishes under an IRSA role of its own allowed only PutMetricData in IntelGraph/Neo4j, bound to its service account", () => {
        const policy = JSON.parse(String(inputsOf(one(s(), "aws:iam/rolePolicy:RolePolicy", "neo4j-lag-exporter-role-inline")).policy)) as unknown;
        expect(policy).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": "IntelGraph/Neo4j" } } }],
        });
        const trust = JSON.parse(String(inputsOf(one(s(), "aws:iam/role:Role", "neo4j-lag-exporter-role")).assumeRolePolicy)) as { Statement: { Condition: { StringEquals: Record<string, string> } }[] };
        expect(Object.entries(trust.Statement[0].Condition.StringEquals).find(([k]) => k.endsWith(":sub"))?.[1]).toBe("system:serviceaccount:neo4j:neo4j-lag-exporter");
        expect(pod().serviceAccountName).toBe("neo4j-lag-exporter");
        expect(inputsOf(one(s(), "kubernetes:core/v1:ServiceAccount", "neo4j-lag-sa")).metadata).toMatchObject({ annotations: { "eks.amazonaws.com/role-arn": outputsOf(one(s(), "aws:iam/role:Role", "neo4j-lag-exporter-role")).arn } });
    });
});

it("a promoted us-east-1 hosts no secondaries: its graph lag alarm no longer reads missing data as breaching", async () => {
    const { loadProject, loadStackFile } = await import("../../tools/offline/project");
    const { PROJECT_DIR } = await import("../helpers/plan");
    const neo4j = JSON.parse(loadStackFile(loadProject(PROJECT_DIR), "us-east-1").config["intelgraph:neo4j"]) as Record<string, unknown>;
    const promoted = await plan({ stacks: ["us-west-2", "us-east-1"], configOverrides: { "us-east-1": { "intelgraph:neo4j": JSON.stringify({ ...neo4j, promoted: true }) } } });
    expect(inputsOf(one(mustGet(promoted, "us-east-1"), "aws:cloudwatch/metricAlarm:MetricAlarm", "graph-lag-alarm-alarm")).treatMissingData).toBe("notBreaching");
});
