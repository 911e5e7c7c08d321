/**
 * Contract: the Kubernetes labels Neo4jCluster puts on its StatefulSets, Services and PodDisruptionBudget, by
 * which intelgraph-capacity-neo4j finds the primaries (the program imports them through
 * components/graph/neo4jSettings.ts).
 */
export const NEO4J_LABELS = {
    name: "app.kubernetes.io/name",
    component: "app.kubernetes.io/component",
    instance: "app.kubernetes.io/instance",
} as const;

/**
 * Contract: the ConfigMap (in the cluster's namespace) holding the secondaries' replication lag bound
 * (`lagBoundSeconds`) and the time to notice its breach (`lagDetectionSeconds`), the graph's RPO in
 * intelgraph-resilience-objectives: the bound the secondaries' lag alarm (in transactions, GRAPH_LAG_METRIC below)
 * is the measurement for, not its threshold.
 */
export const REPLICATION_CONFIGMAP = "intelgraph-graph-replication";

/**
 * Contract: the custom metric the graph's replication-lag exporter publishes (components/graph/lagExporter.ts)
 * and its alarm reads (components/monitoring/GraphLagAlarm.ts): the largest number of transactions any secondary of
 * the cluster is behind, dimension `Cluster` = the cluster's app.kubernetes.io/instance. intelgraph-detect-replication-lag-alarms
 * requires the alarm wherever the cluster's StatefulSets are; the cost estimate prices the metric by the exporter's
 * pod-template component label.
 */
export const GRAPH_LAG_METRIC = { namespace: "IntelGraph/Neo4j", name: "SecondaryReplicationLagTransactions", dimension: "Cluster" } as const;
export const GRAPH_LAG_EXPORTER_COMPONENT = "replication-lag-exporter";
