/**
 * DESIGN §3 rehearsal: after a planned switchover, an unplanned failover and a failback, the next `pulumi up`
 * of each regional stack (after a refresh: AWS's state as it is then) neither replaces nor deletes a data-tier
 * resource and reverts nothing the operators or AWS did. Each scenario lists every property AWS (or the
 * failover CLI) changes, and the test replays that state through the offline engine's priorState option.
 */
import { describe, expect, it } from "vitest";
import type { PlannedStack } from "../../tools/offline/engine";
import { type PriorResources, REPLACE_ON_CHANGE, diffAgainstPrior, resourceKey } from "../../tools/offline/priorState";
import { mustGet, outputsOf, plan } from "../helpers/plan";

const PRIMARY = "us-west-2";
const SECONDARY = "us-east-1";
const DATA_TIER = /^aws:(rds|elasticache|secretsmanager|kms)\//;

/** A property AWS or the CLI sets, the value it reads back, and why. */
interface Change {
    readonly stack: string;
    readonly resource: string;
    readonly property: string;
    readonly value: (stacks: ReadonlyMap<string, PlannedStack>) => unknown;
    readonly why: string;
}

const out = (stack: string, name: string) => (s: ReadonlyMap<string, PlannedStack>) => mustGet(s, stack).outputs[name];
const CLUSTER = "aws:rds/cluster:Cluster::aurora-cluster";
const REDIS_GROUP = "aws:elasticache/replicationGroup:ReplicationGroup::redis-group";
const REDIS_GLOBAL = "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup::redis-global";
const NODE_GROUPS = ["eks-ng-general", "eks-ng-graph-a", "eks-ng-graph-b", "eks-ng-graph-c"];

/** The failover CLI's capacity step raises desiredSize to maxSize (UpdateNodegroupConfig); min and max stay config. */
const scaledUp = (stack: string): Change[] =>
    NODE_GROUPS.map((ng) => ({
        stack,
        resource: `aws:eks/nodeGroup:NodeGroup::${ng}`,
        property: "scalingConfig.desiredSize",
        value: (s) => {
            const r = mustGet(s, stack).resources.find((x) => x.name === ng);
            const sc = outputsOf(r!).scalingConfig as { maxSize: number };
            return sc.maxSize;
        },
        why: "failover capacity step (UpdateNodegroupConfig desiredSize = maxSize)",
    }));

interface Scenario {
    readonly name: string;
    /** Config the runbook changes in reviewed stack files (e.g. DNS weights). */
    readonly config: Readonly<Record<string, Readonly<Record<string, string>>>>;
    readonly changes: readonly Change[];
}

const weights = (primary: number, secondary: number, base: ReadonlyMap<string, PlannedStack>) => {
    const dns = (stack: string, weight: number) => JSON.stringify({ ...JSON.parse(mustGet(base, stack).config["intelgraph:dns"]), weight });
    return { [PRIMARY]: { "intelgraph:dns": dns(PRIMARY, primary) }, [SECONDARY]: { "intelgraph:dns": dns(SECONDARY, secondary) } };
};

function scenarios(base: ReadonlyMap<string, PlannedStack>): Scenario[] {
    return [
        {
            name: "planned switchover us-west-2 -> us-east-1",
            config: weights(0, 100, base),
            changes: [
                // SwitchoverGlobalCluster makes the old primary a secondary replicating from the new one (Aurora User
                // Guide, "Performing switchovers for Amazon Aurora global databases").
                { stack: PRIMARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: out(SECONDARY, "auroraClusterArn"), why: "old primary now replicates from us-east-1" },
                { stack: SECONDARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: () => "", why: "the new primary replicates from nobody" },
                // The provider reads primaryReplicationGroupId back from the current primary (terraform-provider-aws#46121).
                { stack: PRIMARY, resource: REDIS_GLOBAL, property: "primaryReplicationGroupId", value: out(SECONDARY, "redisReplicationGroupId"), why: "FailoverGlobalReplicationGroup moved the primary" },
                { stack: PRIMARY, resource: REDIS_GROUP, property: "automaticFailoverEnabled", value: () => false, why: "AWS flips it on members during the datastore failover" },
                ...scaledUp(SECONDARY),
            ],
        },
        {
            name: "unplanned failover to us-east-1, then us-west-2 recovers",
            config: {},
            changes: [
                { stack: SECONDARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: () => "", why: "FailoverGlobalCluster (AllowDataLoss) promoted it" },
                // Once us-west-2 is back, Aurora rebuilds the old primary as a secondary of the same global cluster
                // (AWS Database Blog, "Introducing – Aurora Global Database Failover", 2023).
                { stack: PRIMARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: out(SECONDARY, "auroraClusterArn"), why: "old primary rebuilt as a secondary" },
                // DisassociateGlobalReplicationGroup leaves the survivor a standalone group (ElastiCache API Reference).
                { stack: SECONDARY, resource: REDIS_GROUP, property: "globalReplicationGroupId", value: () => "", why: "the surviving member was disassociated and is the primary now" },
                ...scaledUp(SECONDARY),
            ],
        },
        {
            name: "failback: switchover back to us-west-2, weights restored",
            config: {},
            changes: [
                { stack: SECONDARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: out(PRIMARY, "auroraClusterArn"), why: "us-east-1 is a secondary again" },
                { stack: PRIMARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: () => "", why: "us-west-2 is the primary again" },
                { stack: PRIMARY, resource: REDIS_GLOBAL, property: "primaryReplicationGroupId", value: out(PRIMARY, "redisReplicationGroupId"), why: "planned failover back" },
                { stack: SECONDARY, resource: REDIS_GROUP, property: "automaticFailoverEnabled", value: () => false, why: "flipped during the datastore failover" },
            ],
        },
    ];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
    const parts = path.split(".");
    let o = target;
    for (const p of parts.slice(0, -1)) o = (o[p] = { ...((o[p] as Record<string, unknown>) ?? {}) });
    o[parts[parts.length - 1]] = value;
}

/** What AWS reports after the scenario: the deployed state (planned outputs) with the scenario's changes. */
function priorOf(stacks: ReadonlyMap<string, PlannedStack>, changes: readonly Change[]): Record<string, PriorResources> {
    const prior: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const stack of [PRIMARY, SECONDARY]) {
        prior[stack] = Object.fromEntries(
            mustGet(stacks, stack).resources.filter((r) => r.custom && !r.external && !r.type.startsWith("pulumi:providers:")).map((r) => [resourceKey(r), structuredClone(outputsOf(r))]),
        );
    }
    for (const c of changes) {
        const state = prior[c.stack][c.resource];
        if (!state) throw new Error(`scenario names ${c.resource}, which ${c.stack} does not plan`);
        setPath(state, c.property, c.value(stacks));
    }
    return prior;
}

describe("post-failover convergence", async () => {
    const base = await plan({ stacks: [PRIMARY, SECONDARY] });

    it.each(scenarios(base).map((s) => [s.name, s] as const))("%s: the next pulumi up replaces, deletes and reverts nothing", async (_name, scenario) => {
        const deployed = await plan({ stacks: [PRIMARY, SECONDARY], configOverrides: scenario.config });
        const prior = priorOf(deployed, scenario.changes);
        const after = await plan({ stacks: [PRIMARY, SECONDARY], configOverrides: scenario.config, priorState: prior });
        for (const stack of [PRIMARY, SECONDARY]) {
            const changes = mustGet(after, stack).againstPrior;
            expect(changes, `${stack} was diffed`).toBeDefined();
            const dataTier = changes!.filter((c) => DATA_TIER.test(c.resource) && c.action !== "update");
            expect(dataTier, `${stack}: data-tier replacements or deletions`).toEqual([]);
            const reverted = scenario.changes
                .filter((c) => c.stack === stack)
                .filter((c) => changes!.some((r) => r.resource === c.resource && r.properties.some((p) => p.property === c.property || c.property.startsWith(`${p.property}.`))));
            expect(reverted.map((c) => `${c.resource} ${c.property} (${c.why})`), `${stack}: reverted`).toEqual([]);
            // Nothing else changes either: the program converges on what AWS reports.
            expect(changes!.map((c) => [c.resource, c.properties.map((p) => [p.property, JSON.stringify(p.planned), JSON.stringify(p.prior)])])).toEqual([]);
        }
    });

    it("the rehearsal catches a missing ignoreChanges: the disassociated survivor would be replaced", async () => {
        const unplanned = scenarios(base)[1];
        const prior = priorOf(base, unplanned.changes);
        const group = mustGet(base, SECONDARY).resources.find((r) => resourceKey(r) === REDIS_GROUP)!;
        const without = { ...group, ignoreChanges: group.ignoreChanges.filter((p) => p !== "globalReplicationGroupId") };
        const changes = diffAgainstPrior([without], { [REDIS_GROUP]: prior[SECONDARY][REDIS_GROUP] });
        expect(changes).toEqual([
            { resource: REDIS_GROUP, action: "replace", protect: true, properties: [{ property: "globalReplicationGroupId", planned: mustGet(base, PRIMARY).outputs.redisGlobalReplicationGroupId, prior: "", replaces: true }] },
        ]);
        expect(REPLACE_ON_CHANGE["aws:elasticache/replicationGroup:ReplicationGroup"]).toContain("globalReplicationGroupId");
    });

    it("the rehearsal catches a missing ignoreChanges: the global datastore would be replaced after a switchover", async () => {
        const prior = priorOf(base, scenarios(base)[0].changes);
        const global = mustGet(base, PRIMARY).resources.find((r) => resourceKey(r) === REDIS_GLOBAL)!;
        const changes = diffAgainstPrior([{ ...global, ignoreChanges: [] }], { [REDIS_GLOBAL]: prior[PRIMARY][REDIS_GLOBAL] });
        expect(changes.map((c) => [c.action, c.properties.map((p) => p.property)])).toEqual([["replace", ["primaryReplicationGroupId"]]]);
    });
});
