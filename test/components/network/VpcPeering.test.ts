import { beforeAll, describe, expect, it } from "vitest";
import { VpcPeering, type VpcPeeringArgs } from "../../../components/network/VpcPeering";
import type { PlannedStack } from "../../../tools/offline/engine";
import { type TestProviders, expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, ofType, one, plan, providerRegion } from "../../helpers/plan";

let west: PlannedStack;
let east: PlannedStack;
// The zone's interconnect stack owns the peering; the regional stacks own only their region.
let link: PlannedStack;
beforeAll(async () => {
    const stacks = await plan();
    west = mustGet(stacks, "us-west-2");
    east = mustGet(stacks, "us-east-1");
    link = mustGet(stacks, "interconnect-us");
});

const peeringRoutes = (side: "requester" | "accepter") => ofType(link, "aws:ec2/route:Route").filter((r) => r.name.startsWith(`peering-us-east-1-route-${side}-`));

describe("cross-region VPC peering (owned by the zone's interconnect stack)", () => {
    it("is absent from both regional stacks", () => {
        expect(ofType(west, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")).toHaveLength(0);
        expect(ofType(east, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")).toHaveLength(0);
    });

    it("is requested from the secondary's VPC in us-east-1 to the primary's VPC in us-west-2", () => {
        const request = one(link, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        expect(providerRegion(link, request)).toBe("us-east-1");
        expect(inputsOf(request)).toMatchObject({
            vpcId: one(east, "aws:ec2/vpc:Vpc").id,
            peerVpcId: (west.outputs as Record<string, unknown>).vpcId,
            peerRegion: "us-west-2",
            autoAccept: false,
        });
    });

    it("is accepted in the primary's region", () => {
        const accepter = one(link, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
        expect(providerRegion(link, accepter)).toBe("us-west-2");
        expect(inputsOf(accepter)).toMatchObject({ autoAccept: true, vpcPeeringConnectionId: one(link, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").id });
    });

    it("enables DNS resolution across the peering on both sides", () => {
        const options = ofType(link, "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions");
        const bySide = Object.fromEntries(options.map((o) => [o.name, { region: providerRegion(link, o), ...inputsOf(o) }]));
        expect(bySide["peering-us-east-1-requester-options"]).toMatchObject({ region: "us-east-1", requester: { allowRemoteVpcDnsResolution: true } });
        expect(bySide["peering-us-east-1-accepter-options"]).toMatchObject({ region: "us-west-2", accepter: { allowRemoteVpcDnsResolution: true } });
    });

    it("routes the secondary's private and isolated tables to the primary's CIDR", () => {
        const out = east.outputs as Record<string, string[]>;
        const routes = peeringRoutes("requester");
        expect(routes.map((r) => inputsOf(r).routeTableId).sort()).toEqual([...out.privateRouteTableIds, ...out.isolatedRouteTableIds].sort());
        expect(routes.every((r) => inputsOf(r).destinationCidrBlock === "10.10.0.0/16" && providerRegion(link, r) === "us-east-1")).toBe(true);
    });

    it("routes the primary's private and isolated tables (from its outputs) to the secondary's CIDR, in us-west-2", () => {
        const out = west.outputs as Record<string, string[]>;
        const routes = peeringRoutes("accepter");
        expect(routes.map((r) => inputsOf(r).routeTableId).sort()).toEqual([...out.privateRouteTableIds, ...out.isolatedRouteTableIds].sort());
        expect(routes.every((r) => inputsOf(r).destinationCidrBlock === "10.20.0.0/16" && providerRegion(link, r) === "us-west-2")).toBe(true);
    });

    it("tags each side's resources with that side's region, and the interconnect stack", () => {
        for (const region of ["us-west-2", "us-east-1"]) {
            const provider = ofType(link, "pulumi:providers:aws").find((p) => inputsOf(p).region === region);
            const tags = JSON.parse(inputsOf(provider!).defaultTags as string) as { tags: Record<string, string> };
            expect(tags.tags).toMatchObject({ "residency-region": region, "residency-zone": "us", "pulumi-stack": "interconnect-us" });
        }
    });
});

describe("VpcPeering with its own args", () => {
    const side = (cidrBlock: string, tables: number, appSubnetCidrs: string[]) => ({
        vpcId: `vpc-${cidrBlock.split(".")[1]}`,
        cidrBlock,
        routeTableIds: Array.from({ length: tables }, (_, i) => `rtb-${cidrBlock.split(".")[1]}-${i}`),
        appSubnetCidrs,
    });
    const build = (over: (p: TestProviders) => Partial<VpcPeeringArgs> = () => ({})) =>
        planComponent(
            (p) =>
                new VpcPeering(
                    "peer",
                    {
                        requester: side("10.50.0.0/16", 2, ["10.50.0.0/18"]),
                        accepter: { ...side("10.60.0.0/16", 4, ["10.60.0.0/18", "10.60.64.0/18"]), region: "eu-central-1" },
                        accepterProvider: p.awsIn("eu-central-1"),
                        nameTag: "test-peer",
                        ports: [{ name: "pg", port: 5432, requesterSecurityGroupId: "sg-req", accepterSecurityGroupId: "sg-acc" }],
                        ...over(p),
                    },
                    p.onRegion,
                ),
            { region: "eu-west-1" },
        );

    it("requests in its own region, accepts and routes on the accepter side with the accepter's provider, one route per table", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        expect(p.inputs("aws:ec2/vpcPeeringConnection:VpcPeeringConnection")).toMatchObject({ vpcId: "vpc-50", peerVpcId: "vpc-60", peerRegion: "eu-central-1", autoAccept: false });
        expect(p.regionOf(p.one("aws:ec2/vpcPeeringConnection:VpcPeeringConnection"))).toBe("eu-west-1");
        const accepter = p.one("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
        expect(p.regionOf(accepter)).toBe("eu-central-1");
        const routes = p.ofType("aws:ec2/route:Route");
        const byRegion = (region: string) => routes.filter((r) => p.regionOf(r) === region).map((r) => [p.inputs(r.type, r.name).routeTableId, p.inputs(r.type, r.name).destinationCidrBlock]);
        expect(byRegion("eu-west-1").sort()).toEqual([["rtb-50-0", "10.60.0.0/16"], ["rtb-50-1", "10.60.0.0/16"]]);
        expect(byRegion("eu-central-1").sort()).toEqual([0, 1, 2, 3].map((i) => [`rtb-60-${i}`, "10.50.0.0/16"]));
        // Routes and options need the connection active: they wait for the accepter.
        for (const r of [...routes, ...p.ofType("aws:ec2/peeringConnectionOptions:PeeringConnectionOptions")]) expect(r.dependencies, r.name).toContain(accepter.urn);
    });

    it("opens each port to the other side's app subnets, one rule per CIDR, after the accepter", async () => {
        const p = await build();
        const accepter = p.one("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
        const rules = p.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        expect(rules.map((r) => [p.regionOf(r), p.inputs(r.type, r.name).securityGroupId, p.inputs(r.type, r.name).cidrIpv4, p.inputs(r.type, r.name).fromPort]).sort()).toEqual([
            ["eu-central-1", "sg-acc", "10.50.0.0/18", 5432],
            ["eu-west-1", "sg-req", "10.60.0.0/18", 5432],
            ["eu-west-1", "sg-req", "10.60.64.0/18", 5432],
        ]);
        for (const r of rules) expect(r.dependencies, r.name).toContain(accepter.urn);
    });

    it("refuses overlapping VPCs", async () => {
        expectRefused(
            await build(() => ({ accepter: { ...side("10.50.128.0/17", 1, ["10.50.128.0/18"]), region: "eu-central-1" } })),
            VpcPeering,
            "VpcPeering 'peer': requester 10.50.0.0/16 and accepter 10.50.128.0/17 overlap: AWS refuses to peer overlapping VPCs",
        );
    });

    it("refuses a side without route tables", async () => {
        expectRefused(
            await build(() => ({ requester: side("10.50.0.0/16", 0, ["10.50.0.0/18"]) })),
            VpcPeering,
            "VpcPeering 'peer': requester.routeTableIds must list at least one route table: without a route no traffic crosses the peering",
        );
    });

    it("refuses a bad port and a port name given twice", async () => {
        const port = { requesterSecurityGroupId: "sg-req", accepterSecurityGroupId: "sg-acc" };
        expectRefused(
            await build(() => ({ ports: [{ name: "pg", port: 5432, ...port }, { name: "pg", port: 70000, ...port }] })),
            VpcPeering,
            "VpcPeering 'peer': ports must have distinct names (they name the rules), pg is listed twice; port pg must be a TCP port from 1 to 65535, got 70000",
        );
    });
});
