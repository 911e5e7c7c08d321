import { describe, expect, it } from "vitest";
import { ChaosExperiments, type ChaosExperimentsArgs } from "../../../components/chaos/ChaosExperiments";
import { DRILL_IDS, type DrillSettings, actionMinutes, drillSpecs } from "../../../components/chaos/drills";
import { expectRefused, planComponent } from "../../helpers/component";

const ctx = { stack: "dev-eu-west-1", region: "eu-west-1", accountId: "210987654321", partition: "aws", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], eksClusterName: "intelgraph-dev-eu-west-1", peeredSubnetCidrs: ["10.0.0.0/18"] };
const settings: DrillSettings = {
    availabilityZone: "eu-west-1b",
    azPowerInterruption: { enabled: true, durationMinutes: 10 },
    auroraFailover: { enabled: false },
    redisAzPower: { enabled: true, durationMinutes: 5 },
    eksNodeTermination: { enabled: true, instanceTerminationPercentage: 50 },
    crossRegionPartition: { enabled: false, durationMinutes: 15, region: "eu-central-1" },
};

describe("drill specs", () => {
    it("only the enabled drills, in DRILL_IDS order, each billed for its actions' durations (instant actions 1 min)", () => {
        const specs = drillSpecs(ctx, settings);
        expect(specs.map((s) => s.id)).toEqual(["azPowerInterruption", "redisAzPower", "eksNodeTermination"]);
        expect(specs.map(actionMinutes)).toEqual([30, 5, 1]);
        expect(DRILL_IDS).toHaveLength(5);
    });

    it("the AZ drills take out the configured AZ only", () => {
        const [az, redis] = drillSpecs(ctx, settings);
        expect(az.targets.map((t) => t.filters ?? t.parameters)).toEqual([
            [{ path: "Placement.AvailabilityZone", values: ["eu-west-1b"] }, { path: "State.Name", values: ["running"] }],
            [{ path: "AvailabilityZone", values: ["eu-west-1b"] }],
            { availabilityZoneIdentifier: "eu-west-1b" },
        ]);
        expect(redis.targets[0].parameters).toEqual({ availabilityZoneIdentifier: "eu-west-1b" });
    });
});

describe("ChaosExperiments with its own args", () => {
    const args = (over: Partial<ChaosExperimentsArgs> = {}): ChaosExperimentsArgs => ({
        namePrefix: "intelgraph-dev-eu-west-1",
        region: "eu-west-1",
        accountId: "210987654321",
        partition: "aws",
        kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/test",
        logRetentionDays: 90,
        vpcId: "vpc-0123",
        stopConditionAlarmArns: ["arn:aws:cloudwatch:eu-west-1:210987654321:alarm:page"],
        drills: drillSpecs(ctx, settings),
        ...over,
    });
    const build = (over: Partial<ChaosExperimentsArgs> = {}) => planComponent(({ onRegion }) => new ChaosExperiments("chaos", args(over), onRegion), { region: "eu-west-1" });

    it("a template, role and policy per drill, the policy scoped to the given VPC", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const policy = JSON.parse(String(p.inputs("aws:iam/rolePolicy:RolePolicy", "chaos-az-power-policy").policy)) as { Statement: { Sid: string; Resource: unknown }[] };
        expect(policy.Statement.find((s) => s.Sid === "AclCreateInOwnVpc")?.Resource).toBe("arn:aws:ec2:eu-west-1:210987654321:vpc/vpc-0123");
        expect(p.inputs("aws:iam/role:Role", "chaos-az-power-role").name).toBe("intelgraph-dev-eu-west-1-fis-az-power");
        expect(p.inputs("aws:fis/experimentTemplate:ExperimentTemplate", "chaos-redis-az-power").stopConditions).toEqual([{ source: "aws:cloudwatch:alarm", value: "arn:aws:cloudwatch:eu-west-1:210987654321:alarm:page" }]);
    });

    it.each<[string, Partial<ChaosExperimentsArgs>, string]>([
        ["no stop condition", { stopConditionAlarmArns: [] }, "ChaosExperiments 'chaos': stopConditionAlarmArns must list 1 to 5 alarms (an experiment without a stop condition cannot be stopped by what it breaks), got 0"],
        ["more stop conditions than FIS takes", { stopConditionAlarmArns: ["a", "b", "c", "d", "e", "f"] }, "ChaosExperiments 'chaos': stopConditionAlarmArns must list 1 to 5 alarms (an experiment without a stop condition cannot be stopped by what it breaks), got 6"],
        ["a role name IAM refuses", { namePrefix: "intelgraph-long-environment-name-eu-west-1" }, "ChaosExperiments 'chaos': the role name intelgraph-long-environment-name-eu-west-1-fis-eks-node-termination is longer than IAM's 64 characters"],
    ])("refuses %s before creating anything", async (_what, over, message) => {
        expectRefused(await build(over), ChaosExperiments, message);
    });
});
