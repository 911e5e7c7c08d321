import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { inputsOf, mustGet, ofType, one, plan, providerRegion } from "../../helpers/plan";

let west: PlannedStack;
let east: PlannedStack;
beforeAll(async () => {
    const stacks = await plan();
    west = mustGet(stacks, "us-west-2");
    east = mustGet(stacks, "us-east-1");
});

const peeringRoutes = (side: "requester" | "accepter") => ofType(east, "aws:ec2/route:Route").filter((r) => r.name.startsWith(`peering-route-${side}-`));

describe("cross-region VPC peering (owned by the secondary)", () => {
    it("is absent from the primary stack", () => {
        expect(ofType(west, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")).toHaveLength(0);
    });

    it("is requested from the secondary's VPC in us-east-1 to the primary's VPC in us-west-2", () => {
        const request = one(east, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        expect(providerRegion(east, request)).toBe("us-east-1");
        expect(inputsOf(request)).toMatchObject({
            vpcId: one(east, "aws:ec2/vpc:Vpc").id,
            peerVpcId: (west.outputs as Record<string, unknown>).vpcId,
            peerRegion: "us-west-2",
            autoAccept: false,
        });
    });

    it("is accepted in the primary's region", () => {
        const accepter = one(east, "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
        expect(providerRegion(east, accepter)).toBe("us-west-2");
        expect(inputsOf(accepter)).toMatchObject({ autoAccept: true, vpcPeeringConnectionId: one(east, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").id });
    });

    it("enables DNS resolution across the peering on both sides", () => {
        const options = ofType(east, "aws:ec2/peeringConnectionOptions:PeeringConnectionOptions");
        const bySide = Object.fromEntries(options.map((o) => [o.name, { region: providerRegion(east, o), ...inputsOf(o) }]));
        expect(bySide["peering-requester-options"]).toMatchObject({ region: "us-east-1", requester: { allowRemoteVpcDnsResolution: true } });
        expect(bySide["peering-accepter-options"]).toMatchObject({ region: "us-west-2", accepter: { allowRemoteVpcDnsResolution: true } });
    });

    it("routes the secondary's private and isolated tables to the primary's CIDR", () => {
        const out = east.outputs as Record<string, string[]>;
        const routes = peeringRoutes("requester");
        expect(routes.map((r) => inputsOf(r).routeTableId).sort()).toEqual([...out.privateRouteTableIds, ...out.isolatedRouteTableIds].sort());
        expect(routes.every((r) => inputsOf(r).destinationCidrBlock === "10.10.0.0/16" && providerRegion(east, r) === "us-east-1")).toBe(true);
    });

    it("routes the primary's private and isolated tables (from its outputs) to the secondary's CIDR, in us-west-2", () => {
        const out = west.outputs as Record<string, string[]>;
        const routes = peeringRoutes("accepter");
        expect(routes.map((r) => inputsOf(r).routeTableId).sort()).toEqual([...out.privateRouteTableIds, ...out.isolatedRouteTableIds].sort());
        expect(routes.every((r) => inputsOf(r).destinationCidrBlock === "10.20.0.0/16" && providerRegion(east, r) === "us-west-2")).toBe(true);
    });

    it("tags the primary-side resources with the primary's region", () => {
        const provider = ofType(east, "pulumi:providers:aws").find((p) => inputsOf(p).region === "us-west-2");
        const tags = JSON.parse(inputsOf(provider!).defaultTags as string) as { tags: Record<string, string> };
        expect(tags.tags).toMatchObject({ "residency-region": "us-west-2", "residency-zone": "us" });
    });
});
