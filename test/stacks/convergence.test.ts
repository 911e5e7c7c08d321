/**
 * DESIGN §3 rehearsal: after a planned switchover, an unplanned failover (while the old primary's region is
 * still down, and once it is back and Aurora has re-added its cluster as a secondary) and a failback, the next
 * `pulumi up` of each regional stack (after a refresh: AWS's state as it is then) neither replaces nor deletes a
 * data-tier resource and reverts nothing the operators or AWS did. Each scenario lists every property AWS (or
 * the failover CLI) changes and the stack-file changes the runbooks make; the test replays the state deployed
 * before the scenario, with AWS's changes, through the offline engine's priorState option, and plans the stack
 * files as the runbook leaves them.
 *
 * What AWS changes and the program does not see as a property: the writer flag of each member (the global
 * cluster's members and each instance's `writer` are computed outputs, no input); after a managed failover
 * with data loss the old primary keeps its cluster, identifier and instances but gets a new storage volume
 * rebuilt from the new primary, and Aurora leaves a system snapshot `rds:unplanned-global-failover-<cluster>-
 * <time>` outside any stack (Aurora User Guide, "Performing managed failovers for Aurora global databases":
 * "As soon as that old primary Region is healthy and available again, Aurora automatically adds it back to the
 * global cluster as a secondary Region"); runbooks/failback.md copies that snapshot before its retention ends.
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

type StackConfigs = Readonly<Record<string, Readonly<Record<string, string>>>>;

interface Scenario {
    readonly name: string;
    /** The stack files the deployed state was last applied with (before the scenario). */
    readonly before: StackConfigs;
    /** The stack files as the runbook leaves them for the next `pulumi up` (e.g. DNS weights, Aurora membership). */
    readonly config: StackConfigs;
    readonly changes: readonly Change[];
    /** What the stack-file changes themselves update (`<stack> <type>::<name> <property>`): intended, never data tier. */
    readonly intended: readonly string[];
    /** The region still down while the next `pulumi up` runs (its stack is not updated). */
    readonly down?: string;
}

/** The runbooks' stack-file changes, on top of the committed files. */
function stackFiles(base: ReadonlyMap<string, PlannedStack>, o: { readonly weights?: readonly [number, number]; readonly membership?: "writer" | "secondary" }): StackConfigs {
    const patch = (stack: string, key: string, change: Record<string, unknown>) => JSON.stringify({ ...JSON.parse(mustGet(base, stack).config[key]), ...change });
    const west: Record<string, string> = {};
    const east: Record<string, string> = {};
    if (o.weights) {
        west["intelgraph:dns"] = patch(PRIMARY, "intelgraph:dns", { weight: o.weights[0] });
        east["intelgraph:dns"] = patch(SECONDARY, "intelgraph:dns", { weight: o.weights[1] });
    }
    if (o.membership) west["intelgraph:aurora"] = patch(PRIMARY, "intelgraph:aurora", { membership: o.membership });
    return { [PRIMARY]: west, [SECONDARY]: east };
}

const RECORD = "aws:route53/record:Record::dns-record";
const weightUpdates = [`${PRIMARY} ${RECORD} weightedRoutingPolicies`, `${SECONDARY} ${RECORD} weightedRoutingPolicies`];

function scenarios(base: ReadonlyMap<string, PlannedStack>): Scenario[] {
    const committed = stackFiles(base, {});
    const failedOver = stackFiles(base, { weights: [0, 100], membership: "secondary" });
    return [
        {
            name: "planned switchover us-west-2 -> us-east-1 (weights moved, us-west-2's cluster a member)",
            before: committed,
            config: failedOver,
            intended: weightUpdates,
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
            name: "unplanned failover to us-east-1 while us-west-2 is still down (pulumi up -s us-east-1 only)",
            before: committed,
            // Nothing changes in Pulumi.us-east-1.yaml: the health checks moved the traffic, no weight change.
            config: committed,
            intended: [],
            down: PRIMARY,
            changes: [
                { stack: SECONDARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: () => "", why: "FailoverGlobalCluster (AllowDataLoss) promoted it" },
                // DisassociateGlobalReplicationGroup leaves the survivor a standalone group (ElastiCache API Reference).
                { stack: SECONDARY, resource: REDIS_GROUP, property: "globalReplicationGroupId", value: () => "", why: "the surviving member was disassociated and is the primary now" },
                ...scaledUp(SECONDARY),
            ],
        },
        {
            name: "unplanned failover to us-east-1, then us-west-2 recovers and Aurora re-adds its cluster as a secondary (membership secondary)",
            before: committed,
            config: stackFiles(base, { membership: "secondary" }),
            intended: [],
            changes: [
                { stack: SECONDARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: () => "", why: "FailoverGlobalCluster (AllowDataLoss) promoted it" },
                // Same cluster and identifier, a new storage volume replicating from the new primary (Aurora User Guide,
                // "Performing managed failovers for Aurora global databases").
                { stack: PRIMARY, resource: CLUSTER, property: "replicationSourceIdentifier", value: out(SECONDARY, "auroraClusterArn"), why: "old primary re-added as a secondary" },
                { stack: SECONDARY, resource: REDIS_GROUP, property: "globalReplicationGroupId", value: () => "", why: "the surviving member was disassociated and is the primary now" },
                ...scaledUp(SECONDARY),
            ],
        },
        {
            name: "failback: switchover back to us-west-2, weights restored, us-west-2's cluster the writer again",
            before: failedOver,
            config: committed,
            intended: weightUpdates,
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
        const deployed = await plan({ stacks: [PRIMARY, SECONDARY], configOverrides: scenario.before });
        const prior = priorOf(deployed, scenario.changes);
        const updated = [PRIMARY, SECONDARY].filter((s) => s !== scenario.down);
        const priorState = Object.fromEntries(updated.map((s) => [s, prior[s]]));
        const after = await plan({ stacks: [PRIMARY, SECONDARY], configOverrides: scenario.config, priorState, ...(scenario.down ? { regionDown: scenario.down } : {}) });
        for (const stack of updated) {
            const planned = mustGet(after, stack);
            if (scenario.down) expect(planned.regionDown, `${stack} is updatable while ${scenario.down} is down`).toEqual({ region: scenario.down, updatable: true, blocked: [] });
            const changes = planned.againstPrior;
            expect(changes, `${stack} was diffed`).toBeDefined();
            const dataTier = changes!.filter((c) => DATA_TIER.test(c.resource) && c.action !== "update");
            expect(dataTier, `${stack}: data-tier replacements or deletions`).toEqual([]);
            const reverted = scenario.changes
                .filter((c) => c.stack === stack)
                .filter((c) => changes!.some((r) => r.resource === c.resource && r.properties.some((p) => p.property === c.property || c.property.startsWith(`${p.property}.`))));
            expect(reverted.map((c) => `${c.resource} ${c.property} (${c.why})`), `${stack}: reverted`).toEqual([]);
            // Nothing else changes but what the runbook's stack-file change intends (never a data-tier resource).
            const made = changes!.flatMap((c) => c.properties.map((p) => `${stack} ${c.resource} ${p.property}`));
            expect(made.sort(), `${stack}: updates beyond the runbook's intent`).toEqual(scenario.intended.filter((i) => i.startsWith(`${stack} `)).sort());
        }
    });

    it("a member's cluster never sends the master credentials: with membership writer, a credential change would reach the re-added old primary", async () => {
        // The state holds the password last applied; the program now generates another (e.g. the RandomPassword was replaced).
        const rotated: Change = { stack: PRIMARY, resource: CLUSTER, property: "masterPassword", value: () => "applied-before-the-failover", why: "credentials changed in the program while us-west-2 is a member" };
        const unplanned = scenarios(base)[2];
        const changes = [...unplanned.changes, rotated];
        const prior = priorOf(await plan({ stacks: [PRIMARY, SECONDARY] }), changes);
        const asWriter = await plan({ stacks: [PRIMARY], priorState: { [PRIMARY]: prior[PRIMARY] } });
        const writerDiff = mustGet(asWriter, PRIMARY).againstPrior!.filter((c) => c.resource === CLUSTER);
        // ModifyDBCluster with MasterUserPassword on a member: refused by RDS, and it would be a revert of what the writer holds.
        expect(writerDiff.map((c) => [c.action, c.properties.map((p) => p.property)])).toEqual([["update", ["masterPassword"]]]);
        const asMember = await plan({ stacks: [PRIMARY], configOverrides: unplanned.config, priorState: { [PRIMARY]: prior[PRIMARY] } });
        expect(mustGet(asMember, PRIMARY).againstPrior!.filter((c) => c.resource === CLUSTER)).toEqual([]);
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
