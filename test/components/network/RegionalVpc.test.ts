import { beforeAll, describe, expect, it } from "vitest";
import { RegionalVpc, type RegionalVpcArgs } from "../../../components/network/RegionalVpc";
import type { PlannedStack } from "../../../tools/offline/engine";
import { expectRefused, planComponent } from "../../helpers/component";
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

describe("RegionalVpc with its own args", () => {
    const args: RegionalVpcArgs = { cidrBlock: "10.40.0.0/20", availabilityZones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"], kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/test", nameTag: "test-eu" };
    const build = (over: Partial<RegionalVpcArgs> = {}) => planComponent(({ onRegion }) => new RegionalVpc("net", { ...args, ...over }, onRegion), { region: "eu-west-1" });

    it("lays out a /20 over the given AZs: 9 subnets, 3 NAT gateways each with its EIP in its AZ's public subnet, all in the provider's region", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        expect(p.inputs("aws:ec2/vpc:Vpc")).toMatchObject({ cidrBlock: "10.40.0.0/20", tags: { Name: "test-eu-vpc" } });
        const subnets = p.ofType("aws:ec2/subnet:Subnet");
        expect(Object.fromEntries(subnets.map((s) => [s.name, [p.inputs(s.type, s.name).availabilityZone, p.inputs(s.type, s.name).cidrBlock]]))).toEqual({
            "net-subnet-public-a": ["eu-west-1a", "10.40.12.0/25"],
            "net-subnet-private-a": ["eu-west-1a", "10.40.0.0/22"],
            "net-subnet-isolated-a": ["eu-west-1a", "10.40.14.0/25"],
            "net-subnet-public-b": ["eu-west-1b", "10.40.12.128/25"],
            "net-subnet-private-b": ["eu-west-1b", "10.40.4.0/22"],
            "net-subnet-isolated-b": ["eu-west-1b", "10.40.14.128/25"],
            "net-subnet-public-c": ["eu-west-1c", "10.40.13.0/25"],
            "net-subnet-private-c": ["eu-west-1c", "10.40.8.0/22"],
            "net-subnet-isolated-c": ["eu-west-1c", "10.40.15.0/25"],
        });
        const nats = p.ofType("aws:ec2/natGateway:NatGateway");
        expect(nats.map((n) => n.name).sort()).toEqual(["net-nat-a", "net-nat-b", "net-nat-c"]);
        const igw = p.one("aws:ec2/internetGateway:InternetGateway");
        for (const az of ["a", "b", "c"]) {
            const nat = p.one("aws:ec2/natGateway:NatGateway", `net-nat-${az}`);
            const eip = p.one("aws:ec2/eip:Eip", `net-nat-eip-${az}`);
            expect(p.inputs(nat.type, nat.name)).toMatchObject({ subnetId: p.one("aws:ec2/subnet:Subnet", `net-subnet-public-${az}`).id, allocationId: eip.id });
            // An EIP or NAT gateway created before the internet gateway fails to attach.
            expect(nat.dependencies).toContain(igw.urn);
            expect(eip.dependencies).toContain(igw.urn);
            expect(p.inputs("aws:ec2/route:Route", `net-route-private-${az}-egress`).natGatewayId).toBe(nat.id);
        }
        for (const r of p.resources.filter((x) => x.custom && x.type.startsWith("aws:"))) expect(p.regionOf(r), r.name).toBe("eu-west-1");
    });

    it("keeps flow logs for the given retention, encrypted with the given key", async () => {
        const p = await build({ flowLogRetentionDays: 731 });
        expect(p.inputs("aws:cloudwatch/logGroup:LogGroup")).toMatchObject({ name: "/intelgraph/test-eu/vpc-flow-logs", retentionInDays: 731, kmsKeyId: args.kmsKeyArn });
    });

    it.each([
        [["eu-west-1a", "eu-west-1b"], 'availabilityZones must list exactly three AZs (one NAT gateway, route table and subnet per tier in each), got 2: ["eu-west-1a","eu-west-1b"]'],
        [["eu-west-1a", "eu-west-1b", "eu-west-1a"], "availabilityZones must be distinct, eu-west-1a is listed twice"],
        [["eu-west-1a", "eu-west-1b", "eu-central-1c"], "availabilityZones must all be in one region (a VPC is regional), got eu-west-1, eu-central-1"],
        [["eu-west-1a", "eu-west-1b", "euw1-az3"], 'availabilityZones must be AZ names such as us-west-2a, got "euw1-az3"'],
    ])("refuses availabilityZones %j", async (availabilityZones, problem) => {
        expectRefused(await build({ availabilityZones }), RegionalVpc, `RegionalVpc 'net': ${problem}`);
    });

    it.each([
        ["10.40.0.0/24", "cidrBlock 10.40.0.0/24 must be a /16 to /20"],
        ["10.40.0.1/20", 'cidrBlock "10.40.0.1/20" has host bits set (the network is 10.40.0.0/20)'],
    ])("refuses cidrBlock %s", async (cidrBlock, problem) => {
        expectRefused(await build({ cidrBlock }), RegionalVpc, `RegionalVpc 'net': ${problem}`);
    });

    it("refuses a flow-log retention CloudWatch does not offer", async () => {
        expectRefused(
            await build({ flowLogRetentionDays: 100 }),
            RegionalVpc,
            "RegionalVpc 'net': flowLogRetentionDays must be one of CloudWatch's retention values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653), got 100",
        );
    });
});
