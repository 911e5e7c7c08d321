import { beforeAll, describe, expect, it } from "vitest";
import { RedisGlobal, type RedisGlobalArgs, type RedisRole } from "../../../components/data/RedisGlobal";
import type { PlannedStack } from "../../../tools/offline/engine";
import { SECRET_SIG, SIG_KEY, isSecret } from "../../../tools/offline/wire";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let west: PlannedStack;
let east: PlannedStack;
let interconnect: PlannedStack;
beforeAll(async () => {
    const stacks = await plan();
    west = mustGet(stacks, "us-west-2");
    east = mustGet(stacks, "us-east-1");
    interconnect = mustGet(stacks, "interconnect-us");
});

const group = (s: PlannedStack) => one(s, "aws:elasticache/replicationGroup:ReplicationGroup");
const keyArn = (s: PlannedStack) => outputsOf(one(s, "aws:kms/key:Key")).arn;

describe("RedisGlobal primary (us-west-2)", () => {
    it("is Multi-AZ with automatic failover, two nodes, TLS and at-rest encryption under the regional key", () => {
        expect(inputsOf(group(west))).toMatchObject({
            engine: "redis",
            engineVersion: "7.1",
            nodeType: "cache.r7g.large",
            numCacheClusters: 2,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            transitEncryptionEnabled: true,
            atRestEncryptionEnabled: true,
            kmsKeyId: keyArn(west),
            snapshotRetentionLimit: 7,
            finalSnapshotIdentifier: "intelgraph-us-west-2-final",
        });
        expect(group(west).protect).toBe(true);
    });

    it("uses a @pulumi/random AUTH token as a secret", () => {
        expect((group(west).inputs.authToken as Record<string, unknown>)[SIG_KEY]).toBe(SECRET_SIG);
        expect(group(west).propertyDependencies.authToken).toEqual([one(west, "random:index/randomPassword:RandomPassword", "redis-auth-token").urn]);
    });

    it("lives on the isolated subnets behind a 6379-only security group", () => {
        expect(inputsOf(one(west, "aws:elasticache/subnetGroup:SubnetGroup")).subnetIds).toEqual(west.outputs.isolatedSubnetIds);
        const sg = one(west, "aws:ec2/securityGroup:SecurityGroup", "redis-sg");
        const rules = ofType(west, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => inputsOf(r).securityGroupId === sg.id);
        expect(rules.map((r) => [inputsOf(r).cidrIpv4, inputsOf(r).fromPort])).toEqual((west.outputs.privateSubnetCidrs as string[]).map((c) => [c, 6379]));
    });

    it("creates the global datastore from the primary replication group", () => {
        const g = one(west, "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup");
        expect(inputsOf(g)).toMatchObject({ primaryReplicationGroupId: group(west).id, globalReplicationGroupIdSuffix: "intelgraph-us-prod" });
        expect(g.protect).toBe(true);
        expect(west.outputs.redisGlobalReplicationGroupId).toBe(g.id);
    });

    it("ignores primaryReplicationGroupId, which forces replacement and moves with a promotion (terraform-provider-aws#46121)", () => {
        expect(one(west, "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup").ignoreChanges).toEqual(["primaryReplicationGroupId"]);
    });
});

describe("RedisGlobal secondary (us-east-1), per DESIGN §5", () => {
    it("sets globalReplicationGroupId from the primary's outputs", () => {
        expect(inputsOf(group(east)).globalReplicationGroupId).toBe(west.outputs.redisGlobalReplicationGroupId);
        expect(ofType(east, "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")).toHaveLength(0);
    });

    it("omits what it inherits: engine, version, node type, parameter group, node groups, transit and at-rest flags", () => {
        const i = inputsOf(group(east));
        for (const k of ["engine", "engineVersion", "nodeType", "parameterGroupName", "numNodeGroups", "replicasPerNodeGroup", "transitEncryptionEnabled", "atRestEncryptionEnabled", "authToken"]) {
            expect(i[k], k).toBeUndefined();
        }
    });

    it("uses its own region's key and subnet group, with two nodes, Multi-AZ and automatic failover", () => {
        expect(inputsOf(group(east))).toMatchObject({
            kmsKeyId: keyArn(east),
            subnetGroupName: outputsOf(one(east, "aws:elasticache/subnetGroup:SubnetGroup")).name,
            numCacheClusters: 2,
            multiAzEnabled: true,
            automaticFailoverEnabled: true,
        });
    });

    it("keeps its own copy of the datastore's AUTH token, under its own key (usable with us-west-2 gone)", () => {
        const secret = one(east, "aws:secretsmanager/secret:Secret", "redis-auth-secret");
        expect(inputsOf(secret)).toMatchObject({ name: "intelgraph/intelgraph-us-east-1/auth", kmsKeyId: keyArn(east) });
        expect(providerRegion(east, secret)).toBe("us-east-1");
        const version = one(east, "aws:secretsmanager/secretVersion:SecretVersion", "redis-auth-secret-value");
        expect(isSecret(version.inputs.secretString)).toBe(true);
        expect(inputsOf(version).secretString).toBe(outputsOf(one(west, "random:index/randomPassword:RandomPassword", "redis-auth-token")).result);
        expect(east.outputs.redisAuthSecretArn).toBe(outputsOf(secret).arn);
        expect(isSecret(west.outputs.redisAuthToken)).toBe(true);
        expect(east.outputs).not.toHaveProperty("redisAuthToken");
    });

    it("members ignore automaticFailoverEnabled drift; the secondary also its global id, which a disassociation clears", () => {
        expect(group(east).ignoreChanges).toEqual(["automaticFailoverEnabled", "globalReplicationGroupId"]);
        expect(group(west).ignoreChanges).toEqual(["automaticFailoverEnabled"]);
    });
});

describe("cross-region data access over the peering (owned by the zone's interconnect stack)", () => {
    const rules = (name: string) => ofType(interconnect, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith(name));

    it.each([
        ["aurora", 5432],
        ["redis", 6379],
    ] as const)("%s: the primary's group admits the secondary's app subnets, in us-west-2", (tier, port) => {
        const r = rules(`peering-us-east-1-${tier}-from-requester`);
        expect(r.map((x) => inputsOf(x).securityGroupId)).toEqual(Array(3).fill(west.outputs[`${tier}SecurityGroupId`]));
        expect(r.map((x) => inputsOf(x).cidrIpv4)).toEqual(east.outputs.privateSubnetCidrs);
        expect(r.every((x) => inputsOf(x).fromPort === port && x.provider.includes("::aws-us-west-2::"))).toBe(true);
    });

    it.each([
        ["aurora", 5432],
        ["redis", 6379],
    ] as const)("%s: the secondary's group admits the primary's app subnets", (tier, port) => {
        const r = rules(`peering-us-east-1-${tier}-from-accepter`);
        expect(r.map((x) => inputsOf(x).securityGroupId)).toEqual(Array(3).fill(east.outputs[`${tier}SecurityGroupId`]));
        expect(r.map((x) => inputsOf(x).cidrIpv4)).toEqual(west.outputs.privateSubnetCidrs);
        expect(r.every((x) => inputsOf(x).fromPort === port && x.provider.includes("::aws-us-east-1::"))).toBe(true);
    });
});

describe("RedisGlobal with its own args", () => {
    const placement = {
        replicationGroupId: "test-cache",
        vpcId: "vpc-test",
        isolatedSubnetIds: ["subnet-x", "subnet-y", "subnet-z"],
        allowedCidrs: ["10.80.0.0/18"],
        kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/test",
        nodes: 3,
        snapshotRetentionDays: 5,
    };
    const primary: RedisRole = { kind: "primary", engineVersion: "7.1", nodeType: "cache.r7g.xlarge", globalIdSuffix: "test-global" };
    const secondary: RedisRole = { kind: "secondary", globalReplicationGroupId: "ldgnf-test-global", authToken: "token-from-primary" };
    const build = (over: Partial<RedisGlobalArgs> = {}) =>
        planComponent(({ onRegion }) => new RedisGlobal("cache", { role: primary, ...placement, ...over }, onRegion), { region: "eu-west-1" });

    it("primary: a protected Multi-AZ group of 3 nodes with TLS, at-rest encryption and a generated AUTH token, and the global datastore over it", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const group = p.one("aws:elasticache/replicationGroup:ReplicationGroup");
        expect(group.protect).toBe(true);
        expect(group.ignoreChanges).toEqual(["automaticFailoverEnabled"]);
        const token = p.one("random:index/randomPassword:RandomPassword");
        expect(p.inputs(group.type)).toMatchObject({
            replicationGroupId: "test-cache",
            numCacheClusters: 3,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            engineVersion: "7.1",
            nodeType: "cache.r7g.xlarge",
            transitEncryptionEnabled: true,
            atRestEncryptionEnabled: true,
            kmsKeyId: placement.kmsKeyArn,
            snapshotRetentionLimit: 5,
            finalSnapshotIdentifier: "test-cache-final",
            authToken: p.outputs(token.type).result,
        });
        expect(isSecret(group.inputs.authToken)).toBe(true);
        const global = p.one("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup");
        expect(global.protect).toBe(true);
        expect(global.ignoreChanges).toEqual(["primaryReplicationGroupId"]);
        expect(p.inputs(global.type)).toMatchObject({ globalReplicationGroupIdSuffix: "test-global", primaryReplicationGroupId: group.id });
    });

    it("secondary: a member of the given datastore that sets only what it does not inherit, and its own copy of the AUTH token", async () => {
        const p = await build({ role: secondary, nodes: 2 });
        expect(p.error).toBeUndefined();
        expect(p.ofType("aws:elasticache/globalReplicationGroup:GlobalReplicationGroup")).toEqual([]);
        expect(p.ofType("random:index/randomPassword:RandomPassword")).toEqual([]);
        const group = p.one("aws:elasticache/replicationGroup:ReplicationGroup");
        expect(p.inputs(group.type)).toMatchObject({ globalReplicationGroupId: "ldgnf-test-global", numCacheClusters: 2, multiAzEnabled: true });
        for (const k of ["engine", "engineVersion", "nodeType", "authToken", "transitEncryptionEnabled", "atRestEncryptionEnabled", "port"]) expect(p.inputs(group.type)[k], k).toBeUndefined();
        expect(group.protect).toBe(true);
        const value = p.one("aws:secretsmanager/secretVersion:SecretVersion");
        expect(isSecret(value.inputs.secretString)).toBe(true);
        expect(p.inputs(value.type).secretString).toBe("token-from-primary");
    });

    const refused = "RedisGlobal 'cache': ";
    it.each<[string, Partial<RedisGlobalArgs>, string]>([
        ["a single node", { nodes: 1 }, "nodes must be a whole number from 2 to 6 (Multi-AZ automatic failover needs a replica; a shard holds at most 6), got 1"],
        ["snapshots turned off", { snapshotRetentionDays: 0 }, "snapshotRetentionDays must be a whole number of days from 1 to 35 (0 would turn snapshots off), got 0"],
        ["one subnet", { isolatedSubnetIds: ["subnet-x"] }, "isolatedSubnetIds must list at least two subnets (Multi-AZ places the replica in another AZ), got 1"],
        ["an id ElastiCache refuses", { replicationGroupId: "Test_Cache" }, 'replicationGroupId must be 1-40 lowercase letters, digits and single hyphens, starting with a letter and not ending in a hyphen, got "Test_Cache"'],
        ["a node type that is no ElastiCache type", { role: { ...primary, nodeType: "r7g.large" } }, 'role.nodeType must be an ElastiCache node type such as cache.r7g.large, got "r7g.large"'],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), RedisGlobal, refused + problem);
    });
});
