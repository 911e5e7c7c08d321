/**
 * The Neo4j secondaries' replication lag as a CloudWatch metric. Neo4j reports lag in transactions, not seconds:
 * `SHOW DATABASE ... YIELD replicationLag` is "the number of transactions the current database is behind compared to
 * the most up-to-date allocation of that database", a negative integer, NULL unless that copy is online or
 * deallocating; `lastCommittedTxn` is the id of the last transaction it received (Operations Manual, "Show databases"
 * output table; "Monitor databases", which lists one row per database per hosting server, the servers of every region).
 *
 * Every minute a CronJob in the graph's namespace runs two containers:
 * - `query` (init, the region's Neo4j image): cypher-shell against this region's servers; the largest |replicationLag|
 *   over the rows whose role is `secondary` goes to a shared emptyDir. A query that fails on every server exits
 *   non-zero, so the pod fails and nothing is published (missing data, read by the alarm).
 * - `publish` (the region's AWS CLI image): `aws cloudwatch put-metric-data` of that number, under an IRSA role allowed
 *   only PutMetricData in the metric's namespace.
 *
 * A transaction count is not time: how many seconds N transactions are depends on the write rate. The graph's RPO
 * model keeps the configured seconds bound (`intelgraph:neo4j.replicationLag`, REPLICATION_CONFIGMAP); this metric is
 * the measurement that bound relies on, alarmed at a transaction threshold (`intelgraph:alerts.graphLagTransactions`).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isDnsLabel, isRegion } from "../boundary";
import { GRAPH_LAG_EXPORTER_COMPONENT, GRAPH_LAG_METRIC } from "../../policy-pack/contracts/neo4jLabels";
import { isEcrPinned } from "../registry/images";
import { NEO4J_LABELS, NEO4J_PORTS } from "./neo4jSettings";

export { GRAPH_LAG_METRIC };

/** Where the init container leaves the number for the publisher. */
const LAG_FILE = "/lag/secondary-lag";
/** Each server gets this long to answer; with the JVM's start, two attempts fit the Job's deadline. */
const QUERY_TIMEOUT_SECONDS = 15;
/** Under the one-minute schedule: a stuck run ends before the next is due (concurrencyPolicy Forbid would skip it). */
export const EXPORTER_DEADLINE_SECONDS = 55;

export const LAG_QUERY = "SHOW DATABASE neo4j YIELD serverID, address, role, replicationLag, lastCommittedTxn";

/**
 * `query`: the largest |replicationLag| of the secondaries, to LAG_FILE. The password comes from the auth Secret's
 * NEO4J_AUTH (`neo4j/<password>`) through the environment: cypher-shell reads NEO4J_USERNAME / NEO4J_PASSWORD
 * (Operations Manual, "Cypher Shell", connection arguments), so it is never in argv or in the pod spec.
 * Bolt is TLS-only here (server.bolt.tls_level REQUIRED, components/graph/neo4jSettings.ts): `neo4j+s://` verifies the
 * server against the JVM's default trust store, which `javax.net.ssl.trustStore` replaces by one holding only the
 * cluster CA (the Java driver builds its system-CA trust from the default TrustManagerFactory: neo4j-java-driver
 * SecurityPlanImpl.loadSystemCertificates). The servers' names are in their certificates (certificates.ts SANs).
 * The launcher passes JAVA_OPTS to the JVM (cypher-shell's Gradle start scripts: `%JAVA_OPTS% %CYPHER_SHELL_OPTS%`);
 * that the 5.26 image's bin/cypher-shell does the same is unproven until the first staging run.
 * No rows with a lag (no secondary online) leaves no file: nothing is published.
 *
 * cypher-shell has no client-certificate option (Operations Manual, "Cypher Shell": its connection arguments are
 * address, user, password, encryption, database, access mode; the driver it wraps initialises its SSLContext with
 * no key managers, SecurityPlanImpl `new KeyManager[0]`), which is why the bolt policy's client_auth is OPTIONAL
 * (neo4jSettings.ts): TLS and the password are still required. If the handshake fails anyway, nothing is
 * published and the alarm's missing data is breaching where the secondaries are: a gap shows as an alarm.
 */
export function queryScript(servers: readonly string[]): string {
    return [
        "set -eu",
        'export NEO4J_USERNAME="${NEO4J_AUTH%%/*}" NEO4J_PASSWORD="${NEO4J_AUTH#*/}"',
        // The trust store holds a public CA certificate only: its password protects nothing and is not a secret.
        "keytool -importcert -noprompt -alias cluster-ca -file /tls/ca.crt -keystore /lag/trust.p12 -storetype PKCS12 -storepass changeit >/dev/null",
        'export JAVA_OPTS="-Djavax.net.ssl.trustStore=/lag/trust.p12 -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=changeit"',
        "rows=''",
        `for server in ${servers.join(" ")}; do`,
        `  if rows=$(timeout ${QUERY_TIMEOUT_SECONDS} cypher-shell -a "neo4j+s://$server:${NEO4J_PORTS.bolt}" -d system --format plain --non-interactive "${LAG_QUERY}"); then break; fi`,
        '  echo "no answer from $server" >&2; rows=\'\'',
        "done",
        '[ -n "$rows" ] || { echo "no server of this region answered SHOW DATABASE" >&2; exit 1; }',
        'printf \'%s\\n\' "$rows"',
        // Plain format: a header line, then `"<serverID>", "<address>", "<role>", <replicationLag>, <lastCommittedTxn>` (NULL when unknown).
        'lag=$(printf \'%s\\n\' "$rows" | tail -n +2 | awk -F\', \' \'$3 == "\\"secondary\\"" && $4 ~ /^-?[0-9]+$/ { v = $4 < 0 ? -$4 : $4; if (n == 0 || v > m) m = v; n++ } END { if (n > 0) print m }\')',
        `if [ -n "$lag" ]; then echo "$lag" > ${LAG_FILE}; else echo "no secondary reported a replicationLag" >&2; fi`,
    ].join("\n");
}

/** `publish`: the number, if any, as one point of the metric. */
export function publishScript(clusterName: string): string {
    return [
        "set -eu",
        `[ -f ${LAG_FILE} ] || { echo "nothing to publish: no secondary lag measured" >&2; exit 0; }`,
        `aws cloudwatch put-metric-data --namespace ${GRAPH_LAG_METRIC.namespace} --metric-name ${GRAPH_LAG_METRIC.name} --unit Count --dimensions ${GRAPH_LAG_METRIC.dimension}=${clusterName} --value "$(cat ${LAG_FILE})"`,
    ].join("\n");
}

export interface LagExporterArgs {
    readonly clusterName: string;
    readonly namespace: pulumi.Input<string>;
    readonly region: string;
    /** In-cluster names of this region's servers (each in its certificate's SANs), tried in order. */
    readonly servers: readonly string[];
    /** The Secret with NEO4J_AUTH (the cluster's auth Secret). */
    readonly authSecretName: pulumi.Input<string>;
    /** A Secret holding the cluster CA as `ca.crt` (a server's TLS Secret; only that key is mounted). */
    readonly caSecretName: pulumi.Input<string>;
    readonly neo4jImage: string;
    readonly awsCliImage: string;
    readonly acceptLicenseAgreement: string;
    /** IRSA role allowed only cloudwatch:PutMetricData in GRAPH_LAG_METRIC.namespace. */
    readonly roleArn: pulumi.Input<string>;
    readonly serviceAccount: string;
    readonly nodeSelector: Readonly<Record<string, string>>;
    /** The registry cache the images come from and the role's grants. */
    readonly ready: readonly pulumi.Resource[];
}

export class LagExporter extends pulumi.ComponentResource {
    readonly cronJobName: pulumi.Output<string>;

    constructor(name: string, args: LagExporterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:graph:LagExporter", name, {}, opts);
        validateArgs(args).throwIfAny(this, "LagExporter", name);
        const child = { parent: this };
        const labels = { [NEO4J_LABELS.name]: "neo4j", [NEO4J_LABELS.instance]: args.clusterName, [NEO4J_LABELS.component]: GRAPH_LAG_EXPORTER_COMPONENT };
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            { metadata: { name: args.serviceAccount, namespace: args.namespace, labels, annotations: { "eks.amazonaws.com/role-arn": args.roleArn } } },
            child,
        );
        const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
        const job = new k8s.batch.v1.CronJob(
            `${name}-job`,
            {
                metadata: { name: `${args.clusterName}-lag-exporter`, namespace: args.namespace, labels },
                spec: {
                    schedule: "* * * * *",
                    timeZone: "Etc/UTC",
                    concurrencyPolicy: "Forbid",
                    // A run that cannot start within its minute is skipped: the next one measures afresh.
                    startingDeadlineSeconds: 30,
                    successfulJobsHistoryLimit: 1,
                    failedJobsHistoryLimit: 3,
                    jobTemplate: {
                        spec: {
                            // One attempt: a retry would publish a stale minute's number late.
                            backoffLimit: 0,
                            activeDeadlineSeconds: EXPORTER_DEADLINE_SECONDS,
                            ttlSecondsAfterFinished: 600,
                            template: {
                                metadata: { labels },
                                spec: {
                                    serviceAccountName: sa.metadata.name,
                                    restartPolicy: "Never",
                                    nodeSelector: { ...args.nodeSelector },
                                    securityContext: { runAsNonRoot: true, runAsUser: 7474, runAsGroup: 7474, fsGroup: 7474 },
                                    initContainers: [
                                        {
                                            name: "query",
                                            image: args.neo4jImage,
                                            command: ["/bin/bash", "-c", queryScript(args.servers)],
                                            env: [
                                                { name: "NEO4J_ACCEPT_LICENSE_AGREEMENT", value: args.acceptLicenseAgreement },
                                                { name: "NEO4J_AUTH", valueFrom: { secretKeyRef: { name: args.authSecretName, key: "NEO4J_AUTH" } } },
                                                // cypher-shell's own history file would go to the read-only home otherwise.
                                                { name: "NEO4J_CYPHER_SHELL_HISTORY", value: "/lag/.history" },
                                            ],
                                            volumeMounts: [
                                                { name: "lag", mountPath: "/lag" },
                                                { name: "ca", mountPath: "/tls", readOnly: true },
                                            ],
                                            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
                                            securityContext: hardened,
                                        },
                                    ],
                                    containers: [
                                        {
                                            name: "publish",
                                            image: args.awsCliImage,
                                            command: ["/bin/bash", "-c", publishScript(args.clusterName)],
                                            env: [
                                                { name: "AWS_REGION", value: args.region },
                                                { name: "HOME", value: "/lag" },
                                            ],
                                            volumeMounts: [{ name: "lag", mountPath: "/lag" }],
                                            resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                                            securityContext: hardened,
                                        },
                                    ],
                                    volumes: [
                                        { name: "lag", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } },
                                        // Only the CA certificate: the server's key in the same Secret is never mounted here.
                                        { name: "ca", secret: { secretName: args.caSecretName, items: [{ key: "ca.crt", path: "ca.crt" }] } },
                                    ],
                                },
                            },
                        },
                    },
                },
            },
            { ...child, dependsOn: [...args.ready] },
        );
        this.cronJobName = job.metadata.name;
        this.registerOutputs({ cronJobName: this.cronJobName });
    }
}

function validateArgs(args: LagExporterArgs): Problems {
    const p = new Problems();
    p.check(isRegion(args.region), `region must be an AWS region such as us-west-2, got ${JSON.stringify(args.region)}`);
    p.check(args.servers.length > 0 && args.servers.every((s) => /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(s)), `servers must list the servers' DNS names, got ${JSON.stringify(args.servers)}`);
    p.check(isDnsLabel(args.serviceAccount), `serviceAccount must be a DNS label, got ${JSON.stringify(args.serviceAccount)}`);
    for (const [what, image] of [
        ["neo4jImage", args.neo4jImage],
        ["awsCliImage", args.awsCliImage],
    ] as const) {
        p.check(isEcrPinned(image), `${what} must be an image of this region's ECR registry pinned by digest, got ${JSON.stringify(image)}`);
    }
    return p;
}
