import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { EXPORTER_DEADLINE_SECONDS, LAG_QUERY, LagExporter, type LagExporterArgs, publishScript, queryScript } from "../../../components/graph/lagExporter";
import { expectRefused, planComponent } from "../../helpers/component";

const D = `sha256:${"ab".repeat(32)}`;
const REGISTRY = "210987654321.dkr.ecr.eu-west-1.amazonaws.com";
const SERVERS = ["graph-0.neo4j.svc.cluster.local", "graph-1.neo4j.svc.cluster.local"];
const args: LagExporterArgs = {
    clusterName: "graph",
    namespace: "neo4j",
    region: "eu-west-1",
    servers: SERVERS,
    authSecretName: "graph-auth",
    caSecretName: "graph-0-tls",
    neo4jImage: `${REGISTRY}/docker-hub/library/neo4j:5.26.2-enterprise@${D}`,
    awsCliImage: `${REGISTRY}/ecr-public/aws-cli/aws-cli:2.27.0@${D}`,
    acceptLicenseAgreement: "yes",
    roleArn: "arn:aws:iam::210987654321:role/lag",
    serviceAccount: "neo4j-lag-exporter",
    nodeSelector: { "intelgraph.io/tier": "general" },
    ready: [],
};
const build = (over: Partial<LagExporterArgs> = {}) => planComponent((p) => new LagExporter("lag", { ...args, ...over }, p.onCluster()), { region: "eu-west-1" });

interface Env { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string } } }
interface Container { name: string; image: string; command: string[]; env: Env[]; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }
interface CronSpec {
    schedule: string;
    concurrencyPolicy: string;
    jobTemplate: { spec: { backoffLimit: number; activeDeadlineSeconds: number; template: { metadata: { labels: Record<string, string> }; spec: { serviceAccountName: string; restartPolicy: string; nodeSelector: Record<string, string>; initContainers: Container[]; containers: Container[]; volumes: Record<string, unknown>[] } } } };
}
const cron = async () => {
    const p = await build();
    expect(p.error).toBeUndefined();
    return { p, spec: p.inputs("kubernetes:batch/v1:CronJob").spec as CronSpec };
};

describe("LagExporter with its own args", () => {
    it("runs every minute, one at a time, one attempt ending within the minute, on the general nodes, as its IRSA service account", async () => {
        const { p, spec } = await cron();
        expect(spec).toMatchObject({ schedule: "* * * * *", concurrencyPolicy: "Forbid", jobTemplate: { spec: { backoffLimit: 0, activeDeadlineSeconds: EXPORTER_DEADLINE_SECONDS } } });
        expect(EXPORTER_DEADLINE_SECONDS).toBeLessThan(60);
        const pod = spec.jobTemplate.spec.template.spec;
        expect(pod).toMatchObject({ serviceAccountName: "neo4j-lag-exporter", restartPolicy: "Never", nodeSelector: { "intelgraph.io/tier": "general" } });
        expect(spec.jobTemplate.spec.template.metadata.labels["app.kubernetes.io/component"]).toBe("replication-lag-exporter");
        expect(p.inputs("kubernetes:batch/v1:CronJob").metadata).toMatchObject({ name: "graph-lag-exporter", namespace: "neo4j" });
        expect(p.inputs("kubernetes:core/v1:ServiceAccount").metadata).toMatchObject({ name: "neo4j-lag-exporter", namespace: "neo4j", annotations: { "eks.amazonaws.com/role-arn": args.roleArn } });
    });

    it("queries with the region's Neo4j image and publishes with its AWS CLI image, both from ECR by digest, through a shared emptyDir", async () => {
        const { spec } = await cron();
        const pod = spec.jobTemplate.spec.template.spec;
        expect(pod.initContainers.map((c) => [c.name, c.image])).toEqual([["query", args.neo4jImage]]);
        expect(pod.containers.map((c) => [c.name, c.image])).toEqual([["publish", args.awsCliImage]]);
        expect(pod.volumes).toEqual([
            { name: "lag", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
            { name: "ca", secret: { secretName: "graph-0-tls", items: [{ key: "ca.crt", path: "ca.crt" }] } },
        ]);
        expect(pod.initContainers[0].volumeMounts).toEqual([
            { name: "lag", mountPath: "/lag" },
            { name: "ca", mountPath: "/tls", readOnly: true },
        ]);
        expect(pod.containers[0].volumeMounts).toEqual([{ name: "lag", mountPath: "/lag" }]);
    });

    it("reads the password from the auth Secret's environment, never from argv", async () => {
        const { spec } = await cron();
        const [query] = spec.jobTemplate.spec.template.spec.initContainers;
        expect(query.env.find((e) => e.name === "NEO4J_AUTH")).toEqual({ name: "NEO4J_AUTH", valueFrom: { secretKeyRef: { name: "graph-auth", key: "NEO4J_AUTH" } } });
        expect(query.env.every((e) => e.name === "NEO4J_AUTH" || typeof e.value === "string")).toBe(true);
        const script = query.command[2];
        expect(script).toContain('export NEO4J_USERNAME="${NEO4J_AUTH%%/*}" NEO4J_PASSWORD="${NEO4J_AUTH#*/}"');
        expect(script).not.toMatch(/cypher-shell[^\n]* (-p|--password|-u|--username) /);
        expect(script).toContain(`cypher-shell -a "neo4j+s://$server:7687" -d system --format plain --non-interactive "${LAG_QUERY}"`);
        expect(LAG_QUERY).toBe("SHOW DATABASE neo4j YIELD serverID, address, role, replicationLag, lastCommittedTxn");
        expect(script).toContain(`for server in ${SERVERS.join(" ")}; do`);
    });

    it("publishes one Count point of SecondaryReplicationLagTransactions in IntelGraph/Neo4j, dimension Cluster, in its region", async () => {
        const { spec } = await cron();
        const [publish] = spec.jobTemplate.spec.template.spec.containers;
        expect(publish.env).toEqual([
            { name: "AWS_REGION", value: "eu-west-1" },
            { name: "HOME", value: "/lag" },
        ]);
        expect(publish.command[2]).toContain('aws cloudwatch put-metric-data --namespace IntelGraph/Neo4j --metric-name SecondaryReplicationLagTransactions --unit Count --dimensions Cluster=graph --value "$(cat /lag/secondary-lag)"');
    });

    it.each([
        [{ neo4jImage: "neo4j:5.26.2-enterprise" }, `neo4jImage must be an image of this region's ECR registry pinned by digest, got "neo4j:5.26.2-enterprise"`],
        [{ awsCliImage: `${REGISTRY}/ecr-public/aws-cli/aws-cli:2.27.0` }, `awsCliImage must be an image of this region's ECR registry pinned by digest, got "${REGISTRY}/ecr-public/aws-cli/aws-cli:2.27.0"`],
        [{ servers: [] }, "servers must list the servers' DNS names, got []"],
        [{ region: "mars-1" }, `region must be an AWS region such as us-west-2, got "mars-1"`],
    ] as const)("refuses %j", async (over, problem) => {
        expectRefused(await build(over), LagExporter, `LagExporter 'lag': ${problem}`);
    });
});

/** The scripts run by bash against fake `cypher-shell`, `keytool` and `aws` on PATH: what the pod would do. */
describe("the exporter's scripts", () => {
    const setup = (cypher: string) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lag-"));
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        const tool = (name: string, body: string) => fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
        tool("keytool", "exit 0");
        tool("cypher-shell", cypher);
        tool("aws", `echo "$@" >> ${dir}/aws.log`);
        const run = (text: string, env: Record<string, string> = {}) => {
            try {
                return { code: 0, out: execFileSync("/bin/bash", ["-c", text.replaceAll("/lag/", `${dir}/`)], { env: { PATH: `${bin}:/usr/bin:/bin`, ...env }, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
            } catch (e) {
                return { code: (e as { status: number }).status, out: "" };
            }
        };
        return { dir, run };
    };
    const rows = [
        "serverID, address, role, replicationLag, lastCommittedTxn",
        '"a", "10.10.63.244:7687", "primary", 0, 5000',
        '"d", "10.20.63.244:7687", "secondary", -12, 4988',
        '"e", "10.20.127.244:7687", "secondary", -340, 4660',
        '"f", NULL, "secondary", NULL, NULL',
    ].join("\n");

    it("writes the largest |replicationLag| of the secondaries, with the password only in the environment", () => {
        const { dir, run } = setup(`[ "$NEO4J_PASSWORD" = "s3cret/x" ] && [ "$NEO4J_USERNAME" = neo4j ] || exit 3\ncat <<'X'\n${rows}\nX`);
        expect(run(queryScript(SERVERS), { NEO4J_AUTH: "neo4j/s3cret/x" }).code).toBe(0);
        expect(fs.readFileSync(path.join(dir, "secondary-lag"), "utf8").trim()).toBe("340");
        expect(run(publishScript("graph")).code).toBe(0);
        expect(fs.readFileSync(path.join(dir, "aws.log"), "utf8").trim()).toBe("cloudwatch put-metric-data --namespace IntelGraph/Neo4j --metric-name SecondaryReplicationLagTransactions --unit Count --dimensions Cluster=graph --value 340");
    });

    it("a query failing on every server fails the pod and publishes nothing", () => {
        const { dir, run } = setup("echo 'TLS handshake failed' >&2; exit 1");
        expect(run(queryScript(SERVERS), { NEO4J_AUTH: "neo4j/x" }).code).toBe(1);
        expect(fs.existsSync(path.join(dir, "secondary-lag"))).toBe(false);
        expect(run(publishScript("graph")).code).toBe(0);
        expect(fs.existsSync(path.join(dir, "aws.log"))).toBe(false);
    });

    it("no secondary with a lag (none online) publishes nothing", () => {
        const { dir, run } = setup(`cat <<'X'\n${rows.split("\n").slice(0, 2).join("\n")}\n"f", NULL, "secondary", NULL, NULL\nX`);
        expect(run(queryScript(SERVERS), { NEO4J_AUTH: "neo4j/x" }).code).toBe(0);
        expect(fs.existsSync(path.join(dir, "secondary-lag"))).toBe(false);
        run(publishScript("graph"));
        expect(fs.existsSync(path.join(dir, "aws.log"))).toBe(false);
    });
});
