import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

const CIDR = { "us-west-2": "10.10.0.0/16", "us-east-1": "10.20.0.0/16" } as const;

describe.each(["us-west-2", "us-east-1"] as const)("RegionalVpc in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const inNetwork = (type: string) => ofType(s(), type).filter((r) => r.name.startsWith("network-"));

    it("creates the VPC with the configured CIDR, DNS support and hostnames", () => {
        expect(inputsOf(one(s(), "aws:ec2/vpc:Vpc"))).toMatchObject({ cidrBlock: CIDR[region], enableDnsSupport: true, enableDnsHostnames: true });
    });

    it("spreads public, private and isolated subnets over the three configured AZs", () => {
        const subnets = inNetwork("aws:ec2/subnet:Subnet").map(inputsOf);
        expect(subnets).toHaveLength(9);
        for (const tier of ["public", "private", "isolated"]) {
            const azs = subnets.filter((x) => (x.tags as Record<string, string>).tier === tier).map((x) => x.availabilityZone);
            expect(azs.sort()).toEqual([`${region}a`, `${region}b`, `${region}c`]);
        }
        expect(subnets.every((x) => x.mapPublicIpOnLaunch === false)).toBe(true);
    });

    it("has one NAT gateway with its own EIP in each AZ's public subnet", () => {
        const nats = ofType(s(), "aws:ec2/natGateway:NatGateway");
        expect(nats).toHaveLength(3);
        const publicSubnets = new Map(
            inNetwork("aws:ec2/subnet:Subnet")
                .filter((x) => (inputsOf(x).tags as Record<string, string>).tier === "public")
                .map((x) => [outputsOf(x).id ?? x.id, inputsOf(x).availabilityZone]),
        );
        const natAzs = nats.map((n) => publicSubnets.get(inputsOf(n).subnetId as string));
        expect(natAzs.sort()).toEqual([`${region}a`, `${region}b`, `${region}c`]);
        expect(new Set(nats.map((n) => inputsOf(n).allocationId)).size).toBe(3);
    });

    it("has one route table per AZ and tier with no inline routes", () => {
        const tables = inNetwork("aws:ec2/routeTable:RouteTable");
        expect(tables).toHaveLength(9);
        expect(tables.every((t) => inputsOf(t).routes === undefined)).toBe(true);
        expect(inNetwork("aws:ec2/routeTableAssociation:RouteTableAssociation")).toHaveLength(9);
    });

    it("routes public tables to the internet gateway and private tables to their AZ's NAT, isolated tables nowhere", () => {
        const routes = inNetwork("aws:ec2/route:Route").map((r) => ({ ...inputsOf(r), name: r.name }) as Record<string, unknown> & { name: string });
        expect(routes.filter((r) => r.gatewayId).map((r) => r.name).sort()).toEqual(["network-route-public-a-internet", "network-route-public-b-internet", "network-route-public-c-internet"]);
        const natByAz = new Map(ofType(s(), "aws:ec2/natGateway:NatGateway").map((n) => [n.name.slice(-1), n.id]));
        for (const az of ["a", "b", "c"]) {
            expect(routes.find((r) => r.name === `network-route-private-${az}-egress`)).toMatchObject({ destinationCidrBlock: "0.0.0.0/0", natGatewayId: natByAz.get(az) });
        }
        expect(routes.some((r) => r.name.includes("isolated"))).toBe(false);
    });

    it("sends flow logs to a log group encrypted with the region's own key", () => {
        const key = one(s(), "aws:kms/key:Key");
        const group = one(s(), "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs");
        expect(inputsOf(group).kmsKeyId).toBe(outputsOf(key).arn);
        expect(group.propertyDependencies.kmsKeyId).toEqual([key.urn]);
        expect(inputsOf(group).retentionInDays).toBe(365);
        const flow = inputsOf(one(s(), "aws:ec2/flowLog:FlowLog"));
        expect(flow).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs", logDestination: outputsOf(group).arn });
    });

    it("creates everything with the region's provider", () => {
        for (const r of s().resources.filter((x) => x.custom && x.type.startsWith("aws:") && x.name.startsWith("network-"))) {
            expect(providerRegion(s(), r), r.name).toBe(region);
        }
    });

    it("exports subnets and route tables per tier in AZ order", () => {
        const out = s().outputs as Record<string, unknown>;
        for (const k of ["publicSubnetIds", "privateSubnetIds", "isolatedSubnetIds", "privateRouteTableIds", "isolatedRouteTableIds", "natGatewayIds"]) {
            expect(out[k], k).toHaveLength(3);
        }
        expect(out.vpcCidr).toBe(CIDR[region]);
    });
});
