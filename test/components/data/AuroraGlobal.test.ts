import { beforeAll, describe, expect, it } from "vitest";
import { AuroraGlobal, type AuroraGlobalArgs, type AuroraRole, parameterGroupFamily } from "../../../components/data/AuroraGlobal";
import type { PlannedStack } from "../../../tools/offline/engine";
import { SECRET_SIG, SIG_KEY, isSecret, unwrapWire } from "../../../tools/offline/wire";
import { expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let west: PlannedStack;
let east: PlannedStack;
beforeAll(async () => {
    const stacks = await plan();
    west = mustGet(stacks, "us-west-2");
    east = mustGet(stacks, "us-east-1");
});

const cluster = (s: PlannedStack) => one(s, "aws:rds/cluster:Cluster");
const keyArn = (s: PlannedStack) => outputsOf(one(s, "aws:kms/key:Key")).arn;

describe("AuroraGlobal primary (us-west-2)", () => {
    it("creates the global cluster: aurora-postgresql, pinned version, encrypted, deletion protection, protected", () => {
        const g = one(west, "aws:rds/globalCluster:GlobalCluster");
        expect(inputsOf(g)).toMatchObject({ globalClusterIdentifier: "intelgraph-us-prod", engine: "aurora-postgresql", engineVersion: "16.4", storageEncrypted: true, deletionProtection: true });
        expect(g.protect).toBe(true);
    });

    it("joins the primary cluster to the global cluster", () => {
        expect(inputsOf(cluster(west)).globalClusterIdentifier).toBe(one(west, "aws:rds/globalCluster:GlobalCluster").id);
    });

    it("sets a @pulumi/random master password as a secret (global clusters do not support RDS-managed passwords)", () => {
        const c = cluster(west);
        expect(inputsOf(c).manageMasterUserPassword).toBeUndefined();
        expect(inputsOf(c).masterUsername).toBe("intelgraph_admin");
        expect((c.inputs.masterPassword as Record<string, unknown>)[SIG_KEY]).toBe(SECRET_SIG);
        expect(c.propertyDependencies.masterPassword).toEqual([one(west, "random:index/randomPassword:RandomPassword", "aurora-master-password").urn]);
    });

    it("keeps the master credentials in Secrets Manager under the regional key; the password is a stack output only as a secret", () => {
        const secret = one(west, "aws:secretsmanager/secret:Secret", "aurora-master-secret");
        expect(inputsOf(secret).kmsKeyId).toBe(keyArn(west));
        expect((one(west, "aws:secretsmanager/secretVersion:SecretVersion", "aurora-master-secret-value").inputs.secretString as Record<string, unknown>)[SIG_KEY]).toBe(SECRET_SIG);
        const password = String(outputsOf(one(west, "random:index/randomPassword:RandomPassword", "aurora-master-password")).result);
        expect(isSecret(west.outputs.auroraMasterPassword)).toBe(true);
        const plain = Object.entries(west.outputs).filter(([k]) => k !== "auroraMasterPassword");
        expect(JSON.stringify(plain)).not.toContain(password);
        expect(unwrapWire(west.outputs.auroraMasterPassword)).toBe(password);
    });

    it("encrypts with the regional key, Performance Insights included, keeps backups, a final snapshot and deletion protection", () => {
        expect(inputsOf(cluster(west))).toMatchObject({
            storageEncrypted: true,
            kmsKeyId: keyArn(west),
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: keyArn(west),
            backupRetentionPeriod: 14,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "intelgraph-us-west-2-final",
            deletionProtection: true,
            enabledCloudwatchLogsExports: ["postgresql"],
        });
        expect(cluster(west).protect).toBe(true);
    });

    it("forces TLS through the cluster parameter group of the engine's major version", () => {
        const pg = inputsOf(one(west, "aws:rds/clusterParameterGroup:ClusterParameterGroup"));
        expect(pg.family).toBe("aurora-postgresql16");
        expect(pg.parameters).toEqual([{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }]);
        expect(inputsOf(cluster(west)).dbClusterParameterGroupName).toBe(outputsOf(one(west, "aws:rds/clusterParameterGroup:ClusterParameterGroup")).name);
        expect(parameterGroupFamily("17.2")).toBe("aurora-postgresql17");
    });

    it("places the cluster on the isolated subnets", () => {
        expect(inputsOf(one(west, "aws:rds/subnetGroup:SubnetGroup")).subnetIds).toEqual(west.outputs.isolatedSubnetIds);
    });

    it("runs two memory-optimised, private, protected instances in different AZs", () => {
        const instances = ofType(west, "aws:rds/clusterInstance:ClusterInstance");
        expect(instances).toHaveLength(2);
        expect(new Set(instances.map((i) => inputsOf(i).availabilityZone)).size).toBe(2);
        for (const i of instances) {
            expect(inputsOf(i)).toMatchObject({ instanceClass: "db.r6g.large", publiclyAccessible: false, performanceInsightsKmsKeyId: keyArn(west) });
            expect(i.protect).toBe(true);
        }
    });

    it("admits 5432 only from this region's private subnets (the secondary adds its own)", () => {
        const sg = one(west, "aws:ec2/securityGroup:SecurityGroup", "aurora-sg");
        const rules = ofType(west, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => inputsOf(r).securityGroupId === sg.id);
        expect(rules.map((r) => inputsOf(r).cidrIpv4)).toEqual(west.outputs.privateSubnetCidrs);
        expect(rules.every((r) => inputsOf(r).fromPort === 5432 && inputsOf(r).toPort === 5432)).toBe(true);
    });

    it("exports what the secondary and the apps need", () => {
        expect(west.outputs).toMatchObject({
            auroraGlobalClusterId: "intelgraph-us-prod",
            auroraEngine: "aurora-postgresql",
            auroraEngineVersion: "16.4",
            auroraWriterInstanceArn: outputsOf(one(west, "aws:rds/clusterInstance:ClusterInstance", "aurora-instance-0")).arn,
            auroraWriterEndpoint: outputsOf(cluster(west)).endpoint,
            auroraReaderEndpoint: outputsOf(cluster(west)).readerEndpoint,
            auroraGlobalWriterEndpoint: outputsOf(one(west, "aws:rds/globalCluster:GlobalCluster")).endpoint,
        });
    });
});

describe("AuroraGlobal secondary (us-east-1), per DESIGN §5", () => {
    it("joins with globalClusterIdentifier from the primary's outputs", () => {
        expect(inputsOf(cluster(east)).globalClusterIdentifier).toBe("intelgraph-us-prod");
        expect(ofType(east, "aws:rds/globalCluster:GlobalCluster")).toHaveLength(0);
    });

    it("sets no master username/password, database name or snapshot", () => {
        const i = inputsOf(cluster(east));
        for (const k of ["masterUsername", "masterPassword", "manageMasterUserPassword", "databaseName", "snapshotIdentifier"]) expect(i[k], k).toBeUndefined();
        expect(ofType(east, "random:index/randomPassword:RandomPassword").filter((r) => r.name.startsWith("aurora"))).toHaveLength(0);
    });

    it("never sets replicationSourceIdentifier", () => {
        expect(inputsOf(cluster(east)).replicationSourceIdentifier).toBeUndefined();
    });

    it("ignores changes to replicationSourceIdentifier, globalClusterIdentifier and engineVersion", () => {
        expect(cluster(east).ignoreChanges).toEqual(["replicationSourceIdentifier", "globalClusterIdentifier", "engineVersion"]);
    });

    it("kmsKeyId is the secondary region's key", () => {
        expect(inputsOf(cluster(east)).kmsKeyId).toBe(keyArn(east));
        expect(String(keyArn(east))).toMatch(/^arn:aws:kms:us-east-1:/);
        expect(providerRegion(east, cluster(east))).toBe("us-east-1");
    });

    it("encrypted cross-region replicas need sourceRegion", () => {
        expect(inputsOf(cluster(east))).toMatchObject({ storageEncrypted: true, sourceRegion: "us-west-2" });
    });

    it("engine and version come from the primary's outputs, not a retyped string", () => {
        expect(inputsOf(cluster(east))).toMatchObject({ engine: west.outputs.auroraEngine, engineVersion: west.outputs.auroraEngineVersion });
        expect(inputsOf(one(east, "aws:rds/clusterParameterGroup:ClusterParameterGroup")).family).toBe("aurora-postgresql16");
    });

    it("keeps two instances so it has a writer and a standby after promotion", () => {
        const instances = ofType(east, "aws:rds/clusterInstance:ClusterInstance");
        expect(instances).toHaveLength(2);
        expect(new Set(instances.map((i) => inputsOf(i).availabilityZone))).toEqual(new Set(["us-east-1a", "us-east-1b"]));
    });

    it("keeps its own copy of the master credentials, under its own key, pointing at its own cluster (usable with us-west-2 gone)", () => {
        const secret = one(east, "aws:secretsmanager/secret:Secret", "aurora-master-secret");
        expect(inputsOf(secret)).toMatchObject({ name: "intelgraph/intelgraph-us-east-1/master", kmsKeyId: keyArn(east) });
        expect(providerRegion(east, secret)).toBe("us-east-1");
        const version = one(east, "aws:secretsmanager/secretVersion:SecretVersion", "aurora-master-secret-value");
        expect(isSecret(version.inputs.secretString)).toBe(true);
        const primaryPassword = outputsOf(one(west, "random:index/randomPassword:RandomPassword", "aurora-master-password")).result;
        expect(JSON.parse(inputsOf(version).secretString as string)).toEqual({
            engine: "postgres",
            username: "intelgraph_admin",
            password: primaryPassword,
            host: outputsOf(cluster(east)).endpoint,
            port: 5432,
            dbname: "intelgraph",
        });
        expect(east.outputs.auroraMasterSecretArn).toBe(outputsOf(secret).arn);
        // The copy is not re-exported: the primary's stack stays the one place the value is an output.
        expect(east.outputs).not.toHaveProperty("auroraMasterPassword");
    });

    it("keeps final snapshot, backups and deletion protection for when it becomes the primary", () => {
        expect(inputsOf(cluster(east))).toMatchObject({ skipFinalSnapshot: false, deletionProtection: true, backupRetentionPeriod: 14 });
        expect(cluster(east).protect).toBe(true);
    });
});

describe("AuroraGlobal follows the primary's engine version", () => {
    it("a version change on the primary reaches the secondary through the StackReference", async () => {
        const stacks = await plan({ configOverrides: { "us-west-2": { "intelgraph:aurora": JSON.stringify({ engineVersion: "16.6", globalClusterIdentifier: "intelgraph-us-prod", membership: "writer", instanceClass: "db.r6g.large", instances: 2, backupRetentionDays: 14 }) } } });
        expect(inputsOf(cluster(mustGet(stacks, "us-east-1"))).engineVersion).toBe("16.6");
    });
});

describe("AuroraGlobal with its own args", () => {
    const placement = {
        clusterIdentifier: "test-db",
        vpcId: "vpc-test",
        isolatedSubnetIds: ["subnet-x", "subnet-y", "subnet-z"],
        availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        allowedCidrs: ["10.80.0.0/18", "10.80.64.0/18"],
        kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/test",
        instanceClass: "db.r6g.xlarge",
        instances: 3,
        backupRetentionDays: 10,
    };
    const primary: AuroraRole = { kind: "primary", globalClusterIdentifier: "test-global", engineVersion: "16.6", databaseName: "reports", membership: "writer" };
    const secondary: AuroraRole = {
        kind: "secondary",
        globalClusterIdentifier: "test-global",
        engine: "aurora-postgresql",
        engineVersion: "16.6",
        sourceRegion: "eu-central-1",
        credentials: { username: "admin_user", password: "s3cret-from-primary", databaseName: "reports" },
    };
    const build = (over: Partial<AuroraGlobalArgs> = {}) =>
        planComponent(({ onRegion }) => new AuroraGlobal("db", { role: primary, ...placement, ...over }, onRegion), { region: "eu-west-1" });

    it("primary: a protected global cluster, the member after it, and 3 instances spread over the 3 AZs, all protected", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const global = p.one("aws:rds/globalCluster:GlobalCluster");
        expect(global.protect).toBe(true);
        expect(p.inputs(global.type)).toMatchObject({ globalClusterIdentifier: "test-global", engine: "aurora-postgresql", engineVersion: "16.6", databaseName: "reports", storageEncrypted: true, deletionProtection: true });
        const cluster = p.one("aws:rds/cluster:Cluster");
        expect(cluster.protect).toBe(true);
        expect(cluster.dependencies).toContain(global.urn);
        expect(cluster.ignoreChanges.sort()).toEqual(["engineVersion", "globalClusterIdentifier", "replicationSourceIdentifier"]);
        expect(p.inputs(cluster.type)).toMatchObject({
            clusterIdentifier: "test-db",
            masterUsername: "intelgraph_admin",
            databaseName: "reports",
            backupRetentionPeriod: 10,
            kmsKeyId: placement.kmsKeyArn,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: "test-db-final",
            deletionProtection: true,
        });
        expect(p.inputs(cluster.type).sourceRegion).toBeUndefined();
        const instances = p.ofType("aws:rds/clusterInstance:ClusterInstance");
        expect(Object.fromEntries(instances.map((i) => [i.name, [p.inputs(i.type, i.name).availabilityZone, p.inputs(i.type, i.name).promotionTier]]))).toEqual({
            "db-instance-0": ["eu-west-1a", 0],
            "db-instance-1": ["eu-west-1b", 1],
            "db-instance-2": ["eu-west-1c", 1],
        });
        for (const i of instances) {
            expect(i.protect, i.name).toBe(true);
            expect(i.ignoreChanges, i.name).toEqual(["engineVersion"]);
            expect(p.inputs(i.type, i.name)).toMatchObject({ instanceClass: "db.r6g.xlarge", publiclyAccessible: false });
        }
        expect(p.inputs("aws:rds/clusterParameterGroup:ClusterParameterGroup").family).toBe("aurora-postgresql16");
        expect(p.inputs("aws:rds/subnetGroup:SubnetGroup").subnetIds).toEqual(placement.isolatedSubnetIds);
        const ingress = p.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => [p.inputs(r.type, r.name).cidrIpv4, p.inputs(r.type, r.name).fromPort]);
        expect(ingress.sort()).toEqual([["10.80.0.0/18", 5432], ["10.80.64.0/18", 5432]]);
    });

    it("an old primary rejoined as a member keeps its cluster and inputs but neither sends nor diffs the credentials and database (membership secondary)", async () => {
        const writer = (await build()).one("aws:rds/cluster:Cluster");
        const p = await build({ role: { ...primary, membership: "secondary" } });
        expect(p.error).toBeUndefined();
        const member = p.one("aws:rds/cluster:Cluster");
        // Same resource, same identifier and inputs: nothing to replace; only the ignore list grows.
        expect(member.urn).toBe(writer.urn);
        expect(p.inputs(member.type)).toMatchObject({ clusterIdentifier: "test-db", masterUsername: "intelgraph_admin", databaseName: "reports" });
        expect(member.protect).toBe(true);
        expect(member.ignoreChanges.sort()).toEqual(["databaseName", "engineVersion", "globalClusterIdentifier", "masterPassword", "masterUsername", "replicationSourceIdentifier"]);
        expect(p.one("aws:rds/globalCluster:GlobalCluster").protect).toBe(true);
    });

    it("secondary: joins the given global cluster from its source region, sets no credentials, and keeps its own copy of them", async () => {
        const p = await build({ role: secondary, instances: 2 });
        expect(p.error).toBeUndefined();
        expect(p.ofType("aws:rds/globalCluster:GlobalCluster")).toEqual([]);
        expect(p.ofType("random:index/randomPassword:RandomPassword")).toEqual([]);
        const cluster = p.one("aws:rds/cluster:Cluster");
        expect(p.inputs(cluster.type)).toMatchObject({ globalClusterIdentifier: "test-global", engine: "aurora-postgresql", engineVersion: "16.6", sourceRegion: "eu-central-1", kmsKeyId: placement.kmsKeyArn });
        for (const k of ["masterUsername", "masterPassword", "databaseName"]) expect(p.inputs(cluster.type)[k], k).toBeUndefined();
        expect(cluster.protect).toBe(true);
        expect(cluster.ignoreChanges.sort()).toEqual(["engineVersion", "globalClusterIdentifier", "replicationSourceIdentifier"]);
        expect(p.ofType("aws:rds/clusterInstance:ClusterInstance")).toHaveLength(2);
        const value = p.one("aws:secretsmanager/secretVersion:SecretVersion");
        expect(isSecret(value.inputs.secretString)).toBe(true);
        expect(JSON.parse(p.inputs(value.type).secretString as string)).toMatchObject({ username: "admin_user", password: "s3cret-from-primary", dbname: "reports", port: 5432 });
        expect(p.inputs("aws:secretsmanager/secret:Secret")).toMatchObject({ name: "intelgraph/test-db/master", kmsKeyId: placement.kmsKeyArn });
    });

    const refused = "AuroraGlobal 'db': ";
    it.each<[string, Partial<AuroraGlobalArgs>, string]>([
        ["a single instance", { instances: 1 }, "instances must be a whole number from 2 to 16 (a writer and at least one standby in another AZ), got 1"],
        ["a single AZ", { availabilityZones: ["eu-west-1a"] }, 'availabilityZones must list at least two distinct AZs (the instances are spread over them), got ["eu-west-1a"]'],
        ["a backup retention beyond Aurora's", { backupRetentionDays: 36 }, "backupRetentionDays must be a whole number of days from 1 to 35 (Aurora's range), got 36"],
        ["a serverless class", { instanceClass: "db.serverless" }, 'instanceClass must be a provisioned DB instance class such as db.r6g.large, got "db.serverless"'],
        ["an unpinned engine version", { role: { ...primary, engineVersion: "16" } }, 'role.engineVersion must be a pinned major.minor version such as "16.4", got "16"'],
        ["an unknown membership", { role: { ...primary, membership: "reader" as "writer" } }, 'role.membership must be "writer" or "secondary", got "reader"'],
        ["a secondary without its source region", { role: { ...secondary, sourceRegion: "" } }, 'role.sourceRegion must be the primary\'s AWS region such as us-west-2, got ""'],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), AuroraGlobal, refused + problem);
    });
});
