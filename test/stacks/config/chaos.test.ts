import { describe, expect, it } from "vitest";
import { parseStackConfig } from "../../../stacks/config/schema";
import { loadProject, loadStackFile } from "../../../tools/offline/project";
import { problemsOf } from "../../helpers/config";
import { PROJECT_DIR } from "../../helpers/plan";

const project = loadProject(PROJECT_DIR);

function withKey(stack: string, key: "intelgraph:chaos" | "intelgraph:evidence", change: (v: Record<string, unknown>) => Record<string, unknown>) {
    const config = { ...loadStackFile(project, stack).config };
    config[key] = JSON.stringify(change(JSON.parse(config[key]) as Record<string, unknown>));
    return () => parseStackConfig(stack, config);
}

describe("intelgraph:chaos", () => {
    it("parses the committed drills: the primary drills an Aurora failover, the secondary (all readers) does not; each partitions from the zone's other region", () => {
        const west = parseStackConfig("us-west-2", loadStackFile(project, "us-west-2").config).chaos;
        const east = parseStackConfig("us-east-1", loadStackFile(project, "us-east-1").config).chaos;
        expect(west).toMatchObject({ availabilityZone: "us-west-2a", auroraFailover: { enabled: true }, crossRegionPartition: { enabled: true, durationMinutes: 20, region: "us-east-1" } });
        expect(east).toMatchObject({ availabilityZone: "us-east-1a", auroraFailover: { enabled: false }, crossRegionPartition: { region: "us-west-2" } });
    });

    it.each<[string, (c: Record<string, unknown>) => Record<string, unknown>, string, unknown, string]>([
        ["an AZ the stack does not use", (c) => ({ ...c, availabilityZone: "us-west-2d" }), "intelgraph:chaos.availabilityZone", "us-west-2d", "one of intelgraph:availabilityZones (us-west-2a, us-west-2b, us-west-2c): the AZ drills take out one of the stack's own zones"],
        ["a partition from its own region", (c) => ({ ...c, crossRegionPartition: { enabled: true, durationMinutes: 20, region: "us-west-2" } }), "intelgraph:chaos.crossRegionPartition.region", "us-west-2", "another region of zone us (us-east-1, us-east-2, us-west-1): the region this stack's peering routes lead to"],
        ["a partition from a region of another zone", (c) => ({ ...c, crossRegionPartition: { enabled: true, durationMinutes: 20, region: "eu-west-1" } }), "intelgraph:chaos.crossRegionPartition.region", "eu-west-1", "another region of zone us (us-east-1, us-east-2, us-west-1): the region this stack's peering routes lead to"],
        ["a duration past FIS's 12 hours", (c) => ({ ...c, redisAzPower: { enabled: true, durationMinutes: 721 } }), "intelgraph:chaos.redisAzPower.durationMinutes", 721, "at most 720 minutes (the AZ's cache nodes without power; FIS actions last 1 minute to 12 hours)"],
        ["a termination over 100 %", (c) => ({ ...c, eksNodeTermination: { enabled: true, instanceTerminationPercentage: 150 } }), "intelgraph:chaos.eksNodeTermination.instanceTerminationPercentage", 150, "a whole percentage from 1 to 100"],
    ])("rejects %s, naming the file, key and what is allowed", (_, change, key, value, allowed) => {
        expect(problemsOf(withKey("us-west-2", "intelgraph:chaos", change))).toEqual([{ file: "Pulumi.us-west-2.yaml", key, value, allowed }]);
    });

    it("rejects an unknown drill, naming the known ones", () => {
        expect(problemsOf(withKey("us-east-1", "intelgraph:chaos", (c) => ({ ...c, regionBlackhole: { enabled: true } })))).toEqual([
            {
                file: "Pulumi.us-east-1.yaml",
                key: "intelgraph:chaos.regionBlackhole",
                value: { enabled: true },
                allowed: "no such key in intelgraph:chaos; its keys are availabilityZone, logRetentionDays, azPowerInterruption, auroraFailover, redisAzPower, eksNodeTermination, crossRegionPartition",
            },
        ]);
    });
});

describe("intelgraph:evidence", () => {
    it("compliance 1 year / 3 years in prod, governance in staging", () => {
        expect(parseStackConfig("us-east-1", loadStackFile(project, "us-east-1").config).evidence).toEqual({ mode: "compliance", operationalDays: 365, auditDays: 1095 });
        expect(parseStackConfig("staging-us-west-2", loadStackFile(project, "staging-us-west-2").config).evidence).toEqual({ mode: "governance", operationalDays: 365, auditDays: 1095 });
    });

    it("refuses governance in prod and an audit retention shorter than the default", () => {
        expect(problemsOf(withKey("us-west-2", "intelgraph:evidence", (e) => ({ ...e, mode: "governance" })))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:evidence.mode", value: "governance", allowed: "compliance in prod (a governance lock can be bypassed; audit evidence must not be deletable before its retention ends)" },
        ]);
        expect(problemsOf(withKey("us-west-2", "intelgraph:evidence", (e) => ({ ...e, auditDays: 30 })))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "intelgraph:evidence", value: { mode: "compliance", operationalDays: 365, auditDays: 30 }, allowed: "auditDays >= operationalDays (audit records are kept at least as long as anything else)" },
        ]);
    });
});
