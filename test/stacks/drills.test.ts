/**
 * The drills and the evidence bucket as the planned regional stacks declare them: what a real deploy sends to
 * FIS, IAM and S3, and that each template stops on the planned alarms of its own region.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildKeyPolicy } from "../../components/kms/keyPolicy";
import type { PlannedStack } from "../../tools/offline/engine";
import { allowingStatements } from "../helpers/keyPolicyEval";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../helpers/plan";

const TEMPLATE = "aws:fis/experimentTemplate:ExperimentTemplate";
const ROLE = "aws:iam/role:Role";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const ACCOUNT = "123456789012";

let stacks: Map<string, PlannedStack>;
let previewed: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
    previewed = await plan({ preview: true });
});

interface Statement {
    Sid: string;
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
}

describe.each([
    ["us-west-2", "us-east-1", ["azPowerInterruption", "auroraFailover", "redisAzPower", "eksNodeTermination", "crossRegionPartition"]],
    ["us-east-1", "us-west-2", ["azPowerInterruption", "redisAzPower", "eksNodeTermination", "crossRegionPartition"]],
] as const)("drills of %s", (region, peer, drills) => {
    const s = () => mustGet(stacks, region);
    const template = (slug: string) => one(s(), TEMPLATE, `chaos-${slug}`);
    const alarmArn = (name: string) => outputsOf(one(s(), name.startsWith("burn-rate") ? "aws:cloudwatch/compositeAlarm:CompositeAlarm" : "aws:cloudwatch/metricAlarm:MetricAlarm", name)).arn as string;
    const stops = () => [alarmArn("burn-rate-page"), alarmArn("data-alarms-aurora-replication-lag"), alarmArn("data-alarms-aurora-rpo-lag"), alarmArn("data-alarms-redis-replication-lag")];
    const statements = (slug: string) => (JSON.parse(inputsOf(one(s(), ROLE_POLICY, `chaos-${slug}-policy`)).policy as string) as { Statement: Statement[] }).Statement;

    it("has a template per enabled drill, in this region, each stopped by the region's page burn-rate composite and its data-tier lag alarms", () => {
        const templates = ofType(s(), TEMPLATE);
        expect(templates.map((t) => (inputsOf(t).tags as Record<string, string>)["intelgraph-drill"]).sort()).toEqual([...drills].sort());
        for (const t of templates) {
            expect(providerRegion(s(), t), t.name).toBe(region);
            const i = inputsOf(t);
            expect(i.stopConditions, t.name).toEqual(stops().map((value) => ({ source: "aws:cloudwatch:alarm", value })));
            expect(stops().every((a) => a.startsWith(`arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:`))).toBe(true);
            // Set explicitly: FIS fills in these defaults, which would otherwise read back as a diff.
            expect(i.experimentOptions, t.name).toEqual({ accountTargeting: "single-account", emptyTargetResolutionMode: "fail" });
            expect(i.logConfiguration, t.name).toEqual({ logSchemaVersion: 2, cloudwatchLogsConfiguration: { logGroupArn: `${outputsOf(one(s(), "aws:cloudwatch/logGroup:LogGroup", "chaos-logs")).arn as string}:*` } });
        }
        expect(outputsOf(one(s(), "pulumi:pulumi:Stack")).chaosStopAlarmArns).toEqual(stops());
    });

    it("first deploy: every template depends on its stop alarms and its role's policy, so they exist before FIS validates it", () => {
        const urnOf = (type: string, name: string) => one(s(), type, name).urn;
        const stopUrns = [urnOf("aws:cloudwatch/compositeAlarm:CompositeAlarm", "burn-rate-page"), ...["aurora-replication-lag", "aurora-rpo-lag", "redis-replication-lag"].map((n) => urnOf("aws:cloudwatch/metricAlarm:MetricAlarm", `data-alarms-${n}`))];
        for (const t of ofType(s(), TEMPLATE)) {
            expect(t.propertyDependencies.stopConditions, t.name).toEqual(expect.arrayContaining(stopUrns));
            expect(t.dependencies, t.name).toContain(urnOf(ROLE_POLICY, `${t.name}-policy`));
        }
    });

    it("the log group is encrypted with the regional key, and the key policy admits CloudWatch Logs of this region for it", () => {
        const logs = inputsOf(one(s(), "aws:cloudwatch/logGroup:LogGroup", "chaos-logs"));
        const key = outputsOf(one(s(), "aws:kms/key:Key")).arn as string;
        expect(logs).toMatchObject({ name: `/intelgraph/intelgraph-${region}/fis-experiments`, kmsKeyId: key, retentionInDays: 365 });
        const policy = buildKeyPolicy({ accountId: ACCOUNT, partition: "aws", region });
        const logGroupArn = `arn:aws:logs:${region}:${ACCOUNT}:log-group:${String(logs.name)}`;
        expect(
            allowingStatements(policy, {
                principalArn: "",
                principalAccount: ACCOUNT,
                service: `logs.${region}.amazonaws.com`,
                identityPolicyAllows: false,
                action: "kms:GenerateDataKey",
                context: { "kms:EncryptionContext:aws:logs:arn": logGroupArn },
            }),
        ).toEqual(["CloudWatchLogsEncryption"]);
    });

    it("each role is assumable by FIS of this account and region only", () => {
        for (const t of ofType(s(), TEMPLATE)) {
            const role = one(s(), ROLE, `${t.name}-role`);
            expect(inputsOf(t).roleArn).toBe(outputsOf(role).arn);
            expect(JSON.parse(inputsOf(role).assumeRolePolicy as string)).toEqual({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Principal: { Service: "fis.amazonaws.com" },
                        Action: "sts:AssumeRole",
                        Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ArnLike: { "aws:SourceArn": `arn:aws:fis:${region}:${ACCOUNT}:experiment/*` } },
                    },
                ],
            });
        }
    });

    it("AZ power interruption: stops the stack's instances in the drill's AZ and restarts them, cuts its subnets there and powers off its cache nodes there", () => {
        const az = `${region}a`;
        const i = inputsOf(template("az-power"));
        expect(i.actions).toEqual([
            { name: "stop-instances", actionId: "aws:ec2:stop-instances", description: `Stop the stack's instances in ${az}, start them after 30 min`, parameters: [{ key: "startInstancesAfterDuration", value: "PT30M" }], target: { key: "Instances", value: "instances-in-az" } },
            { name: "cut-subnets", actionId: "aws:network:disrupt-connectivity", description: `Deny all traffic of the stack's subnets in ${az}`, parameters: [{ key: "duration", value: "PT30M" }, { key: "scope", value: "all" }], target: { key: "Subnets", value: "subnets-in-az" } },
            { name: "cache-power", actionId: "aws:elasticache:replicationgroup-interrupt-az-power", description: `Interrupt power of the cache nodes in ${az}`, parameters: [{ key: "duration", value: "PT30M" }], target: { key: "ReplicationGroups", value: "cache-in-az" } },
        ]);
        expect(i.targets).toEqual([
            { name: "instances-in-az", resourceType: "aws:ec2:instance", resourceTags: [{ key: "pulumi-stack", value: region }], filters: [{ path: "Placement.AvailabilityZone", values: [az] }, { path: "State.Name", values: ["running"] }], selectionMode: "ALL" },
            { name: "subnets-in-az", resourceType: "aws:ec2:subnet", resourceTags: [{ key: "pulumi-stack", value: region }], filters: [{ path: "AvailabilityZone", values: [az] }], selectionMode: "ALL" },
            { name: "cache-in-az", resourceType: "aws:elasticache:replicationgroup", resourceTags: [{ key: "pulumi-stack", value: region }], parameters: { availabilityZoneIdentifier: az }, selectionMode: "ALL" },
        ]);
        const st = statements("az-power");
        const sid = (id: string) => st.find((x) => x.Sid === id);
        expect(sid("StopAndStartOwnInstances")).toEqual({ Sid: "StopAndStartOwnInstances", Effect: "Allow", Action: ["ec2:StopInstances", "ec2:StartInstances"], Resource: `arn:aws:ec2:${region}:${ACCOUNT}:instance/*`, Condition: { StringEquals: { "aws:ResourceTag/pulumi-stack": region } } });
        expect(sid("InterruptOwnCache")?.Condition).toEqual({ StringEquals: { "aws:ResourceTag/pulumi-stack": region } });
        expect(sid("StartEncryptedVolumes")?.Condition).toEqual({ StringEquals: { "kms:ViaService": `ec2.${region}.amazonaws.com` }, Bool: { "kms:GrantIsForAWSResource": "true" } });
        const vpcId = outputsOf(one(s(), "pulumi:pulumi:Stack")).vpcId as string;
        expect(sid("AclCreateInOwnVpc")?.Resource).toBe(`arn:aws:ec2:${region}:${ACCOUNT}:vpc/${vpcId}`);
        expect(sid("AclAssociateInOwnVpc")?.Condition).toEqual({ ArnEquals: { "ec2:Vpc": `arn:aws:ec2:${region}:${ACCOUNT}:vpc/${vpcId}` } });
        expect(sid("AclChangeWhatFisCreated")?.Condition).toEqual({ StringEquals: { "aws:ResourceTag/managedByFIS": "true" } });
        expect(sid("AclCreateTagged")).toMatchObject({ Action: ["ec2:CreateNetworkAcl"], Condition: { StringEquals: { "aws:RequestTag/managedByFIS": "true" } } });
        expect(sid("AclTagWhatFisCreates")?.Condition).toEqual({ StringEquals: { "aws:RequestTag/managedByFIS": "true", "ec2:CreateAction": ["CreateNetworkAcl"] } });
        // Every mutating permission is scoped: by resource ARN and tag, VPC, or FIS's own tag; only describe calls and log delivery use "*" alone.
        for (const x of st.filter((y) => y.Resource === "*" && !y.Condition)) expect(x.Action.every((a) => /^(ec2|elasticache|rds|eks):(Describe|Get)|^tag:GetResources$|^logs:/.test(a)), x.Sid).toBe(true);
    });

    it("cross-region partition: cuts the private and isolated subnets (six, the FIS default quota) off from the other region", () => {
        const i = inputsOf(template("cross-region-partition"));
        expect(i.actions).toEqual([
            { name: "partition", actionId: "aws:network:route-table-disrupt-cross-region-connectivity", description: `Block traffic from the stack's subnets to ${peer}`, parameters: [{ key: "region", value: peer }, { key: "duration", value: "PT20M" }], target: { key: "Subnets", value: "subnets" } },
        ]);
        const subnets = ofType(s(), "aws:ec2/subnet:Subnet").map(inputsOf).filter((x) => (x.tags as Record<string, string>).tier !== "public");
        const [filter] = (i.targets as { filters: { path: string; values: string[] }[] }[])[0].filters;
        expect(filter.path).toBe("CidrBlock");
        expect([...filter.values].sort()).toEqual(subnets.map((x) => String(x.cidrBlock)).sort());
        expect(subnets).toHaveLength(6);
    });

    it("EKS node termination targets the general node group by its Name tag; the Aurora failover (where enabled) the stack's cluster by its stack tag", () => {
        const eks = inputsOf(template("eks-node-termination"));
        expect(eks.targets).toEqual([{ name: "general-nodes", resourceType: "aws:eks:nodegroup", resourceTags: [{ key: "Name", value: `intelgraph-${region}-ng-general` }], selectionMode: "ALL" }]);
        expect(inputsOf(one(s(), "aws:eks/nodeGroup:NodeGroup", "eks-ng-general")).tags).toMatchObject({ Name: `intelgraph-${region}-ng-general` });
        expect(eks.actions).toEqual([{ name: "terminate-nodes", actionId: "aws:eks:terminate-nodegroup-instances", description: "Terminate 25 % of the general node group's instances", parameters: [{ key: "instanceTerminationPercentage", value: "25" }], target: { key: "Nodegroups", value: "general-nodes" } }]);
        if ((drills as readonly string[]).includes("auroraFailover")) {
            // No parameters key at all (an empty list would read back as none: a diff on every preview).
            expect(inputsOf(template("aurora-failover")).actions).toEqual([{ name: "failover", actionId: "aws:rds:failover-db-cluster", description: "Fail the stack's Aurora cluster over to a reader", target: { key: "Clusters", value: "cluster" } }]);
            expect(inputsOf(template("aurora-failover")).targets).toEqual([{ name: "cluster", resourceType: "aws:rds:cluster", resourceTags: [{ key: "pulumi-stack", value: region }], selectionMode: "ALL" }]);
            expect(statements("aurora-failover").find((x) => x.Sid === "FailOverOwnCluster")).toEqual({ Sid: "FailOverOwnCluster", Effect: "Allow", Action: ["rds:FailoverDBCluster"], Resource: `arn:aws:rds:${region}:${ACCOUNT}:cluster:*`, Condition: { StringEquals: { "aws:ResourceTag/pulumi-stack": region } } });
        }
    });

    it("the evidence bucket: Object Lock from creation, compliance 365 days by default (prod), versioned, the regional key, non-public, TLS only, protected, in the region's backup plan", () => {
        const bucket = one(s(), "aws:s3/bucket:Bucket", "dr-evidence-bucket");
        const name = `intelgraph-dr-evidence-${ACCOUNT}-${region}`;
        expect(bucket.protect).toBe(true);
        expect(inputsOf(bucket)).toMatchObject({ bucket: name, objectLockEnabled: true, forceDestroy: false });
        expect(inputsOf(one(s(), "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "dr-evidence-object-lock"))).toMatchObject({ objectLockEnabled: "Enabled", rule: { defaultRetention: { mode: "COMPLIANCE", days: 365 } } });
        expect(inputsOf(one(s(), "aws:s3/bucketVersioning:BucketVersioning", "dr-evidence-versioning")).versioningConfiguration).toEqual({ status: "Enabled" });
        const key = outputsOf(one(s(), "aws:kms/key:Key")).arn as string;
        expect(inputsOf(one(s(), "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "dr-evidence-encryption")).rules).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key }, bucketKeyEnabled: true }]);
        expect(inputsOf(one(s(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "dr-evidence-public-access"))).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        const policy = JSON.parse(inputsOf(one(s(), "aws:s3/bucketPolicy:BucketPolicy", "dr-evidence-policy")).policy as string) as { Statement: unknown[] };
        expect(policy.Statement).toEqual([{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }]);
        expect(inputsOf(one(s(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "dr-evidence-lifecycle")).rules).toMatchObject([{ expiration: { days: 1095 }, noncurrentVersionExpiration: { noncurrentDays: 1 } }]);
        const selection = ofType(s(), "aws:backup/selection:Selection").map(inputsOf);
        expect(selection.some((x) => ((x.resources as string[] | undefined) ?? []).includes(outputsOf(bucket).arn as string))).toBe(true);
        const out = outputsOf(one(s(), "pulumi:pulumi:Stack"));
        expect(out).toMatchObject({ evidenceBucketName: name, evidenceAuditRetentionDays: 1095, evidenceLockMode: "COMPLIANCE" });
        expect(Object.keys(out.chaosExperimentTemplateIds as object).sort()).toEqual([...drills].sort());
    });

    it("at first preview the templates' stop conditions are unknown but depend on the planned alarms", () => {
        const p = mustGet(previewed, region);
        for (const t of ofType(p, TEMPLATE)) expect(t.propertyDependencies.stopConditions?.length, t.name).toBe(4);
    });
});

describe("staging evidence", () => {
    it("is under a governance lock (a staging bucket can still be torn down)", () => {
        const lock = inputsOf(one(mustGet(stacks, "staging-us-east-1"), "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "dr-evidence-object-lock"));
        expect(lock.rule).toEqual({ defaultRetention: { mode: "GOVERNANCE", days: 365 } });
    });
});
