/**
 * Names, identifiers and descriptions the AWS APIs would refuse although TypeScript accepts them, over every
 * planned resource of every stack of the project, including the names Pulumi generates for auto-named resources.
 * The rules, their sources and the autonaming model are in apiConstraints.ts.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../tools/offline/engine";
import { listStacks, loadProject } from "../../tools/offline/project";
import { PROJECT_DIR, inputsOf, plan } from "../helpers/plan";
import { API_RULES, CHECKED, NO_NAME_CONSTRAINT, NOT_CHECKED } from "./apiConstraints";
import { type PlannedResource, checkResource, checkResources } from "./checkApiConstraints";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

/** Every created resource of every planned stack (reads such as StackReference are not created). */
function plannedResources(): PlannedResource[] {
    return [...stacks.values()].flatMap((s) =>
        s.resources.filter((r) => !r.external).map((r) => ({ stack: s.stack, type: r.type, name: r.name, urn: r.urn, inputs: inputsOf(r) })),
    );
}

const awsTypes = (): string[] => [...new Set(plannedResources().map((r) => r.type).filter((t) => t.startsWith("aws:")))].sort();

describe("AWS API constraints over the planned stacks", () => {
    it("plans every stack of the project, without errors", () => {
        expect([...stacks.keys()].sort()).toEqual(listStacks(loadProject(PROJECT_DIR)));
        const failed = [...stacks.values()].filter((s) => s.error).map((s) => `${s.stack}: ${s.error?.kind} error: ${s.error?.message}`);
        expect(failed).toEqual([]);
    });

    it("sends only names, identifiers and descriptions the AWS APIs accept (set by the program or generated for it)", () => {
        const result = checkResources(plannedResources());
        expect(result.violations.map((v) => v.message)).toEqual([]);
        expect(result.checked.set).toBeGreaterThan(0);
    });

    it("counts the values it could not check instead of passing them silently", () => {
        const result = checkResources(plannedResources());
        const summary = {
            checked: result.checked,
            unknown: result.unknown.map((u) => `${u.stack} ${u.urn} ${u.property}`),
            providerGenerated: result.providerGenerated.map((u) => `${u.stack} ${u.urn} ${u.property}: ${u.reason}`),
        };
        // The normal (non-preview) plan knows every input; an unknown here means a name now depends on an output.
        expect(summary.unknown).toEqual([]);
        // Every auto-named resource of the program was checked through its generated name.
        expect(result.checked["pulumi-autoname"]).toBeGreaterThan(0);
    });

    it("classifies every AWS resource type in the plan: covered by a rule or listed as having no name-like constraint", () => {
        const ruled = new Set(API_RULES.map((r) => r.type));
        const unclassified = awsTypes().filter((t) => !ruled.has(t) && !(t in NO_NAME_CONSTRAINT));
        expect(unclassified, "add rules to test/aws/apiConstraints.ts, or list the type in NO_NAME_CONSTRAINT with the reason").toEqual([]);
        expect(Object.keys(NO_NAME_CONSTRAINT).filter((t) => ruled.has(t)), "a type is either ruled or has no constraint").toEqual([]);
        expect(Object.keys(NOT_CHECKED).filter((t) => !ruled.has(t)), "NOT_CHECKED notes belong to ruled types").toEqual([]);
    });

    it("has one dated, sourced entry per rule", () => {
        const ids = API_RULES.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (const r of API_RULES) {
            expect(r.checked, r.id).toBe(CHECKED);
            expect(r.source, r.id).toMatch(/^https:\/\/|^node_modules\//);
            expect(r.maxLength !== undefined || r.charset !== undefined, `${r.id} constrains something`).toBe(true);
            if (r.whenAbsent.kind === "pulumi-autoname") expect(r.whenAbsent.source, r.id).toMatch(/pulumi-aws/);
        }
    });
});

describe("the checker (synthetic resources, so the plan-wide test can be seen to fail)", () => {
    const PEERING_URN =
        "urn:pulumi:us-east-1::intelgraph::intelgraph:network:VpcPeering$aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::peering-us-east-1-aurora-from-requester-0";

    it("refuses a security-group rule description with an apostrophe, naming stack, resource, property, value, rule and source", () => {
        const result = checkResource({
            stack: "us-east-1",
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            name: "peering-us-east-1-aurora-from-requester-0",
            urn: PEERING_URN,
            inputs: { cidrIpv4: "10.20.0.0/18", description: "aurora from the peer region's app subnets", fromPort: 5432, toPort: 5432, ipProtocol: "tcp" },
        });
        expect(result.violations.map((v) => v.message)).toEqual([
            `us-east-1: aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule 'peering-us-east-1-aurora-from-requester-0' (${PEERING_URN}): ` +
                `description "aurora from the peer region's app subnets" breaks vpc.securityGroupIngressRule.description: ` +
                `character "'" at index 27 is not one of a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$*. ` +
                `Rule: up to 255 characters of a-z, A-Z, 0-9, spaces, and ._-:/()#,@[]+=&;{}!$* ` +
                `[aws-api; https://docs.aws.amazon.com/zh_cn/AWSEC2/latest/APIReference/API_IpRange.html; checked 2026-12-01]`,
        ]);
    });

    it("holds rules that reference a security group to the UserIdGroupPair charset (no &), CIDR rules to IpRange's", () => {
        const rule = (inputs: Record<string, unknown>) =>
            checkResource({ stack: "s", type: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule", name: "r", urn: "urn:r", inputs }).violations.map(
                (v) => v.rule.id,
            );
        expect(rule({ cidrIpv4: "10.0.0.0/8", description: "api & health checks" })).toEqual([]);
        expect(rule({ referencedSecurityGroupId: "sg-1", description: "api & health checks" })).toEqual([
            "vpc.securityGroupEgressRule.description.groupPair",
        ]);
        const inline = checkResource({
            stack: "s",
            type: "aws:ec2/securityGroup:SecurityGroup",
            name: "inline",
            urn: "urn:inline",
            inputs: { description: "ok", ingress: [{ cidrBlocks: ["10.0.0.0/8"], description: "it's" }] },
        });
        expect(inline.violations.map((v) => `${v.rule.id} ${v.property}`)).toEqual(["ec2.securityGroup.ingress.description ingress[0].description"]);
    });

    it("refuses a 33-character load balancer name", () => {
        const name = "intelgraph-api-us-east-1-public-1";
        expect(name).toHaveLength(33);
        const result = checkResource({ stack: "us-east-1", type: "aws:lb/loadBalancer:LoadBalancer", name: "api-alb", urn: "urn:alb", inputs: { name } });
        expect(result.violations.map((v) => [v.rule.id, v.problems])).toEqual([["lb.loadBalancer.name", ["length 33 is more than 32"]]]);
        expect(result.violations[0].message).toContain(`name "${name}" breaks lb.loadBalancer.name: length 33 is more than 32.`);
    });

    it("refuses an auto-named IAM role whose 60-character logical name makes a 68-character name", () => {
        const logical = "neo4j-backup-replication-role-for-the-us-east-1-secondary-dr";
        expect(logical).toHaveLength(60);
        const result = checkResource({ stack: "us-east-1", type: "aws:iam/role:Role", name: logical, urn: `urn:${logical}`, inputs: { assumeRolePolicy: "{}" } });
        expect(result.checked["pulumi-autoname"]).toBe(1);
        expect(result.violations.map((v) => [v.rule.id, v.origin, v.value, v.problems])).toEqual([
            [
                "iam.role.name",
                "pulumi-autoname",
                `${logical}-xxxxxxx`,
                [
                    `Pulumi's autonaming itself refuses it: 68 characters before the prefix, maxLength 64 (pulumi/pulumi-aws provider/resource_overrides.go aws_iam_role: AutoName("name", 64, "-"))`,
                    "length 68 is more than 64",
                ],
            ],
        ]);
    });

    it("catches an auto-named load balancer that Pulumi would propose (its limit is 255) and AWS would refuse (32)", () => {
        const result = checkResource({ stack: "s", type: "aws:lb/loadBalancer:LoadBalancer", name: "intelgraph-public-api-alb", urn: "urn:lb", inputs: {} });
        expect(result.violations.map((v) => v.problems)).toEqual([["length 33 is more than 32"]]);
    });

    it("catches uppercase in a logical name where autonaming does not lowercase (RDS subnet group), not where it does (S3)", () => {
        const subnet = checkResource({ stack: "s", type: "aws:rds/subnetGroup:SubnetGroup", name: "AuroraSubnets", urn: "urn:sg", inputs: { subnetIds: [] } });
        expect(subnet.violations.map((v) => v.problems)).toEqual([
            ['character "A" at index 0 is not one of lowercase letters, digits, periods, underscores, spaces and hyphens', "must start with a letter"],
        ]);
        const bucket = checkResource({ stack: "s", type: "aws:s3/bucket:Bucket", name: "Neo4jBackups", urn: "urn:b", inputs: {} });
        expect(bucket.violations).toEqual([]);
        expect(bucket.checked["pulumi-autoname"]).toBe(1);
    });

    it("checks namePrefix + 26 generated digits against the limit", () => {
        const result = checkResource({ stack: "s", type: "aws:lb/targetGroup:TargetGroup", name: "api", urn: "urn:tg", inputs: { namePrefix: "api-tg-" } });
        expect(result.violations.map((v) => [v.origin, v.problems])).toEqual([["name-prefix", ["length 33 is more than 32"]]]);
    });

    it("counts unknown values instead of checking them, and passes compliant ones", () => {
        const unknown = checkResource({
            stack: "s",
            type: "aws:kms/alias:Alias",
            name: "kms-alias",
            urn: "urn:a",
            inputs: { name: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" },
        });
        expect(unknown.violations).toEqual([]);
        expect(unknown.unknown.map((u) => u.property)).toEqual(["name"]);
        const ok = checkResource({ stack: "s", type: "aws:kms/alias:Alias", name: "kms-alias", urn: "urn:a", inputs: { name: "alias/intelgraph-us-east-1" } });
        expect([ok.violations, ok.checked.set]).toEqual([[], 1]);
        const reserved = checkResource({ stack: "s", type: "aws:kms/alias:Alias", name: "kms-alias", urn: "urn:a", inputs: { name: "alias/aws/intelgraph" } });
        expect(reserved.violations.map((v) => v.problems)).toEqual([["must not begin with alias/aws/"]]);
    });
});
