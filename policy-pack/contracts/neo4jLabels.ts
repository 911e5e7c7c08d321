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
 * intelgraph-resilience-objectives and the threshold of the lag alarm.
 */
export const REPLICATION_CONFIGMAP = "intelgraph-graph-replication";
