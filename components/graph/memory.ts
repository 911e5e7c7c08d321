/**
 * A Neo4j server's container memory. Neo4j uses memory beyond the two pools it is configured with (heap and page
 * cache): native (off-heap) allocations, network and other direct buffers, the DBMS and per-database overhead and
 * the JVM's own thread stacks, metaspace and code cache, none of them bounded by a setting (Operations Manual 5.26,
 * "Memory configuration"). A container that goes past its limit is killed, so heap + page cache + 1 GiB is the floor
 * (Operations Manual 5.26, Kubernetes "Configure a Neo4j Helm deployment", "JVM heap and page cache"). Past that floor
 * the overhead grows with the server: Neo4j's own sizing, `neo4j-admin server memory-recommendation --memory=16g`,
 * gives 5g heap + 7g page cache and keeps 4g out of the two pools, a third of what it configures (Operations Manual
 * 5.26, "Memory recommendations"). The formula keeps that proportion, with the 1 GiB floor for small servers:
 *
 *   memory = heap + pageCache + max(1, ceil((heap + pageCache) / 3))   (GiB)
 */
export function neo4jMemoryGi(heapGi: number, pageCacheGi: number): number {
    const pools = heapGi + pageCacheGi;
    return pools + neo4jOverheadGi(heapGi, pageCacheGi);
}

/** What the formula above keeps outside heap and page cache. */
export function neo4jOverheadGi(heapGi: number, pageCacheGi: number): number {
    return Math.max(1, Math.ceil((heapGi + pageCacheGi) / 3));
}
