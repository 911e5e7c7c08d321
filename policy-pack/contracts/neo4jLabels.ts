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
