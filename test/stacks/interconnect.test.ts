/**
 * Static stability: a regional stack has resources only in its own region; the zone's interconnect stack owns
 * everything that spans two regions (peering, peer routes on both sides, cross-region rules, replication).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../tools/offline/engine";
import { problemsOf } from "../helpers/config";
import { PROJECT_DIR, inputsOf, mustGet, ofType, one, plan, providerRegion } from "../helpers/plan";
import { physicalIdentities } from "../helpers/physical";
import { projectCopy } from "../helpers/project";
import { parseInterconnectConfig } from "../../stacks/config/interconnect";
import { loadProject, loadStackFile } from "../../tools/offline/project";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});
const regional = () => [...stacks.values()].filter((s) => ["primary", "secondary"].includes(s.config["intelgraph:role"] ?? ""));
const interconnect = () => mustGet(stacks, "interconnect-us");
const regionOf = (s: PlannedStack, type: string) => ofType(s, type).map((r) => providerRegion(s, r));

describe("regional stacks own only their region", () => {
    it("every AWS resource of a regional stack goes through a provider of its own region", () => {
        for (const s of regional()) {
            const region = s.config["aws:region"];
            const foreign = s.resources.filter((r) => r.custom && r.type.startsWith("aws:") && providerRegion(s, r) !== region).map((r) => `${r.urn} (${providerRegion(s, r)})`);
            expect(foreign, s.stack).toEqual([]);
            expect(ofType(s, "pulumi:providers:aws").map((p) => inputsOf(p).region), s.stack).toEqual([region]);
            // Pinned to the environment's account: credentials of another account fail before anything is created.
            expect(ofType(s, "pulumi:providers:aws").map((p) => JSON.parse(String(inputsOf(p).allowedAccountIds)) as unknown), s.stack).toEqual([[s.config["intelgraph:accountId"]]]);
        }
    });

    it("no regional stack peers, routes to the peer or replicates", () => {
        for (const s of regional()) {
            for (const type of ["aws:ec2/vpcPeeringConnection:VpcPeeringConnection", "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter", "aws:s3/bucketReplicationConfig:BucketReplicationConfig"]) {
                expect(ofType(s, type), `${s.stack} ${type}`).toEqual([]);
            }
        }
    });
});

describe("the us interconnect owns the links between us-west-2 and us-east-1", () => {
    const west = () => mustGet(stacks, "us-west-2");
    const east = () => mustGet(stacks, "us-east-1");

    it("requests the peering in us-east-1 and accepts it in us-west-2, with DNS resolution on both sides", () => {
        const i = interconnect();
        const request = one(i, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        expect(inputsOf(request)).toMatchObject({ vpcId: one(east(), "aws:ec2/vpc:Vpc").id, peerVpcId: one(west(), "aws:ec2/vpc:Vpc").id, peerRegion: "us-west-2", autoAccept: false });
        expect(providerRegion(i, request)).toBe("us-east-1");
        expect(regionOf(i, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter")).toEqual(["us-west-2"]);
        expect(regionOf(i, "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions").sort()).toEqual(["us-east-1", "us-west-2"]);
    });

    it("routes every private and isolated table of each side to the other side's CIDR, through that side's provider", () => {
        const i = interconnect();
        const routes = ofType(i, "aws:ec2/route:Route").map((r) => [providerRegion(i, r), inputsOf(r).routeTableId, inputsOf(r).destinationCidrBlock]);
        const tables = (s: PlannedStack) => [...(s.outputs.privateRouteTableIds as string[]), ...(s.outputs.isolatedRouteTableIds as string[])];
        expect(routes).toEqual(
            expect.arrayContaining([...tables(east()).map((t) => ["us-east-1", t, "10.10.0.0/16"]), ...tables(west()).map((t) => ["us-west-2", t, "10.20.0.0/16"])]),
        );
        expect(routes).toHaveLength(12);
    });

    it("opens Aurora and Redis to the other region's app subnets by CIDR (a peer VPC's security group cannot be referenced across regions)", () => {
        const i = interconnect();
        const rules = ofType(i, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r): Record<string, unknown> => ({ region: providerRegion(i, r), ...inputsOf(r) }));
        // Aurora and Redis (2 ports) and the graph's cluster, raft, bolt and routing ports (4), from 3 subnets, on both sides.
        expect(rules).toHaveLength(36);
        for (const r of rules) expect(r).not.toHaveProperty("referencedSecurityGroupId");
        for (const r of rules) expect(r.cidrIpv4).not.toBe("0.0.0.0/0");
        const into = (s: PlannedStack, port: number, sg: string) => rules.filter((r) => r.region === s.stack && r.fromPort === port && r.securityGroupId === s.outputs[sg]).map((r) => r.cidrIpv4);
        expect(into(west(), 5432, "auroraSecurityGroupId")).toEqual(east().outputs.privateSubnetCidrs);
        expect(into(west(), 6379, "redisSecurityGroupId")).toEqual(east().outputs.privateSubnetCidrs);
        expect(into(east(), 5432, "auroraSecurityGroupId")).toEqual(west().outputs.privateSubnetCidrs);
        expect(into(east(), 6379, "redisSecurityGroupId")).toEqual(west().outputs.privateSubnetCidrs);
    });

    it("opens the graph's cluster, raft, bolt and routing ports only on the graph NLBs' groups, only to the other region's private subnets (the SNATed node sources)", () => {
        const i = interconnect();
        const rules = ofType(i, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r): Record<string, unknown> => ({ region: providerRegion(i, r), ...inputsOf(r) }));
        for (const [side, peer] of [[west(), east()], [east(), west()]] as const) {
            const graph = rules.filter((r) => r.region === side.stack && r.securityGroupId === side.outputs.neo4jSecurityGroupId);
            expect(graph.map((r) => r.fromPort)).toEqual([6000, 6000, 6000, 7000, 7000, 7000, 7687, 7687, 7687, 7688, 7688, 7688]);
            for (const r of graph) expect(r.toPort).toBe(r.fromPort);
            expect([...new Set(graph.map((r) => r.cidrIpv4))]).toEqual(peer.outputs.privateSubnetCidrs);
            // Those groups belong to the NLBs holding the servers' fixed addresses, which the other side discovers.
            const nlbs = ofType(side, "aws:lb/loadBalancer:LoadBalancer").filter((lb) => lb.name.startsWith("neo4j-nlb-")).map(inputsOf);
            expect(nlbs.map((lb) => (lb.securityGroups as string[])[0])).toEqual([side.outputs.neo4jSecurityGroupId, side.outputs.neo4jSecurityGroupId, side.outputs.neo4jSecurityGroupId]);
            expect(nlbs.map((lb) => (lb.subnetMappings as { privateIpv4Address: string }[])[0].privateIpv4Address)).toEqual(side.outputs.neo4jAddresses);
        }
    });

    it("replicates the primary's graph backups into the secondary's bucket, from the primary's region", () => {
        const i = interconnect();
        const config = one(i, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
        expect(providerRegion(i, config)).toBe("us-west-2");
        expect(inputsOf(config).bucket).toBe(west().outputs.neo4jBackupBucketName);
        expect((inputsOf(config).rules as { destination: { bucket: string } }[]).map((r) => r.destination.bucket)).toEqual([east().outputs.neo4jBackupBucketArn]);
    });

    it("plans the same AWS resources as when the secondary owned the links (type, region, physical identity)", () => {
        const fixture = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "test", "fixtures", "aws-physical-resources.json"), "utf8")) as { resources: string[] };
        const prod = [...stacks.values()].filter((s) => s.config["intelgraph:environment"] === "prod");
        const now = physicalIdentities(prod).map((i) => `${i.split(" ").slice(0, 2).join(" ")} ${createHash("sha256").update(i).digest("hex").slice(0, 16)}`);
        expect(now.sort()).toEqual([...fixture.resources].sort());
    });
});

describe("interconnect stack file", () => {
    const project = loadProject(PROJECT_DIR);
    const base = () => ({ ...loadStackFile(project, "interconnect-us").config });

    it("parses the committed file", () => {
        expect(parseInterconnectConfig("interconnect-us", base())).toMatchObject({ role: "interconnect", primaryStack: "us-west-2", secondaryStacks: ["us-east-1"], residency: { zone: "us" } });
    });

    it("refuses a region (it touches the regions of the stacks it links) and a regional key", () => {
        expect(problemsOf(() => parseInterconnectConfig("interconnect-us", { ...base(), "aws:region": "us-west-2", "intelgraph:vpcCidr": "10.30.0.0/16" })).map((p) => [p.key, p.allowed])).toEqual([
            ["aws:region", "unset: an interconnect touches the regions of the stacks it links, through an explicit provider each"],
            ["intelgraph:vpcCidr", expect.stringMatching(/^no such key; the keys a stack file may set are /)],
        ]);
    });

    it("is named after its zone (prod) or its environment and zone", () => {
        const c = loadStackFile(loadProject(PROJECT_DIR), "interconnect-us").config;
        expect(problemsOf(() => parseInterconnectConfig("links-us", c))).toEqual([
            { file: "Pulumi.links-us.yaml", key: "intelgraph:residencyZone", value: "us", allowed: 'the zone the stack "links-us" is named after: the prod interconnect of zone us is named interconnect-us or prod-interconnect-us' },
        ]);
        expect(parseInterconnectConfig("staging-interconnect-us", { ...c, "intelgraph:environment": "staging" }).accountId).toBe("123456789012");
    });

    it("refuses linking the primary with itself, and an empty list", () => {
        expect(problemsOf(() => parseInterconnectConfig("interconnect-us", { ...base(), "intelgraph:secondaryStacks": '["us-west-2"]' }))).toEqual([
            { file: "Pulumi.interconnect-us.yaml", key: "intelgraph:secondaryStacks", value: ["us-west-2"], allowed: "stacks other than the primary us-west-2" },
        ]);
        expect(problemsOf(() => parseInterconnectConfig("interconnect-us", { ...base(), "intelgraph:secondaryStacks": "[]" }))).toEqual([
            { file: "Pulumi.interconnect-us.yaml", key: "intelgraph:secondaryStacks", value: [], allowed: "at least one secondary stack to link with the primary" },
        ]);
    });

    it("refuses a third secondary (a global datastore has at most two secondary regions)", () => {
        expect(problemsOf(() => parseInterconnectConfig("interconnect-us", { ...base(), "intelgraph:secondaryStacks": '["us-east-1","us-east-2","us-west-1"]' }))).toEqual([
            {
                file: "Pulumi.interconnect-us.yaml",
                key: "intelgraph:secondaryStacks",
                value: ["us-east-1", "us-east-2", "us-west-1"],
                allowed: "at most 2 secondary stacks: a global datastore has at most two secondary regions",
            },
        ]);
    });

    it("refuses linking stacks of another zone, naming the stack and both zones, before creating anything", async () => {
        const us = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.interconnect-us.yaml"), "utf8");
        const dir = projectCopy(undefined, { "Pulumi.interconnect-eu.yaml": us.replace("intelgraph:residencyZone: us", "intelgraph:residencyZone: eu"), "policy-pack/config/interconnect-eu.json": "{}" });
        const planned = mustGet(await plan({ projectDir: dir, stacks: ["interconnect-eu"] }), "interconnect-eu");
        expect(planned.error?.kind).toBe("config");
        expect(planned.error?.message).toContain(
            'Pulumi.interconnect-eu.yaml: intelgraph:primaryStack is "us-west-2"; allowed: stacks of zone "eu" (us-west-2 is in "us"; nothing peers or replicates across a residency zone)',
        );
        expect(planned.registeredBeforeError).toEqual([]);
    });
});

describe("an interconnect linking a second secondary (generated stack set: us-west-2, us-east-1, us-east-2)", () => {
    const eastFile = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.us-east-1.yaml"), "utf8");
    const eastPolicy = fs.readFileSync(path.join(PROJECT_DIR, "policy-pack", "config", "us-east-1.json"), "utf8");
    const withSecond = (cidr: string, domain = "reads-us-east-2.api.intelgraph.example.com") =>
        projectCopy((f, text) => (f === "Pulumi.interconnect-us.yaml" ? text.replace("intelgraph:secondaryStacks: [us-east-1]", "intelgraph:secondaryStacks: [us-east-1, us-east-2]") : text), {
            "Pulumi.us-east-2.yaml": eastFile
                .replaceAll("us-east-1", "us-east-2")
                .replace("intelgraph:vpcCidr: 10.20.0.0/16", `intelgraph:vpcCidr: ${cidr}`)
                .replace(/10\.20\.(\d+)\.0\/18/g, "10.30.$1.0/18")
                .replace("apiDomain: api.intelgraph.example.com", `apiDomain: ${domain}`),
            "policy-pack/config/us-east-2.json": eastPolicy,
        });

    it("peers each secondary with the primary and replicates to both from one configuration (S3 keeps one per bucket)", async () => {
        const planned = await plan({ projectDir: withSecond("10.30.0.0/16"), stacks: ["interconnect-us"] });
        const i = mustGet(planned, "interconnect-us");
        expect(i.error).toBeUndefined();
        expect(ofType(i, "intelgraph:network:VpcPeering").map((c) => c.name)).toEqual(["peering-us-east-1", "peering-us-east-2"]);
        expect(ofType(i, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").map((r) => providerRegion(i, r)).sort()).toEqual(["us-east-1", "us-east-2"]);
        const config = one(i, "aws:s3/bucketReplicationConfig:BucketReplicationConfig");
        expect((inputsOf(config).rules as { id: string }[]).map((r) => r.id)).toEqual(["backups-to-us-east-1", "backups-to-us-east-2"]);
    });

    it("refuses a second failover target on the primary's DNS name (a real deploy has only the interconnect to see it)", async () => {
        const planned = mustGet(await plan({ projectDir: withSecond("10.30.0.0/16", "api.intelgraph.example.com"), stacks: ["interconnect-us"] }), "interconnect-us");
        expect(planned.error?.kind).toBe("config");
        expect(planned.error?.message).toContain(
            'Pulumi.interconnect-us.yaml: intelgraph:secondaryStacks is ["us-east-1","us-east-2"]; allowed: one secondary on the primary\'s DNS name api.intelgraph.example.com (the failover target); the others serve reads under a name of their own (intelgraph:dns.apiDomain)',
        );
        expect(planned.registeredBeforeError).toEqual([]);
    });

    it("refuses siblings with overlapping VPC CIDRs, naming both stacks and the key to change", async () => {
        const planned = mustGet(await plan({ projectDir: withSecond("10.20.0.0/16"), stacks: ["interconnect-us"] }), "interconnect-us");
        expect(planned.error?.kind).toBe("config");
        expect(planned.error?.message).toContain(
            'Pulumi.interconnect-us.yaml: intelgraph:secondaryStacks is ["us-east-1","us-east-2"]; allowed: stacks with disjoint VPC CIDRs (us-east-1 has 10.20.0.0/16, us-east-2 has 10.20.0.0/16: change intelgraph:vpcCidr in Pulumi.us-east-2.yaml)',
        );
        expect(planned.registeredBeforeError).toEqual([]);
    });
});
