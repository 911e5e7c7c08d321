import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { SECRET_SIG, SIG_KEY, isSecret } from "../../../tools/offline/wire";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let west: PlannedStack;
let east: PlannedStack;
beforeAll(async () => {
    const stacks = await plan();
    west = mustGet(stacks, "us-west-2");
    east = mustGet(stacks, "us-east-1");
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
        expect(inputsOf(g)).toMatchObject({ primaryReplicationGroupId: group(west).id, globalReplicationGroupIdSuffix: "intelgraph-prod" });
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

    it("members ignore automaticFailoverEnabled drift", () => {
        expect(group(east).ignoreChanges).toEqual(["automaticFailoverEnabled"]);
        expect(group(west).ignoreChanges).toEqual(["automaticFailoverEnabled"]);
    });
});

describe("cross-region data access over the peering", () => {
    const rules = (name: string) => ofType(east, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith(name));

    it.each([
        ["aurora", 5432],
        ["redis", 6379],
    ] as const)("%s: the primary's group admits the secondary's app subnets, in us-west-2", (tier, port) => {
        const r = rules(`peering-${tier}-from-requester`);
        expect(r.map((x) => inputsOf(x).securityGroupId)).toEqual(Array(3).fill(west.outputs[`${tier}SecurityGroupId`]));
        expect(r.map((x) => inputsOf(x).cidrIpv4)).toEqual(east.outputs.privateSubnetCidrs);
        expect(r.every((x) => inputsOf(x).fromPort === port && x.provider.includes("::aws-us-west-2::"))).toBe(true);
    });

    it.each([
        ["aurora", 5432],
        ["redis", 6379],
    ] as const)("%s: the secondary's group admits the primary's app subnets", (tier, port) => {
        const r = rules(`peering-${tier}-from-accepter`);
        expect(r.map((x) => inputsOf(x).securityGroupId)).toEqual(Array(3).fill(east.outputs[`${tier}SecurityGroupId`]));
        expect(r.map((x) => inputsOf(x).cidrIpv4)).toEqual(west.outputs.privateSubnetCidrs);
        expect(r.every((x) => inputsOf(x).fromPort === port && x.provider.includes("::aws-us-east-1::"))).toBe(true);
    });
});
