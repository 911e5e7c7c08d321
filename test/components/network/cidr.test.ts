import { describe, expect, it } from "vitest";
import { cidrsOverlap, formatCidr, mustParseCidr, parseCidr, planSubnets, subnetOf } from "../../../components/network/cidr";

describe("parseCidr", () => {
    it("parses a canonical network", () => {
        expect(parseCidr("10.10.0.0/16")).toEqual({ network: (10 << 24 | 10 << 16) >>> 0, prefix: 16 });
    });
    it.each([
        ["10.10.0.0", "is not an IPv4 CIDR"],
        ["10.300.0.0/16", "has an octet above 255"],
        ["10.10.0.0/33", "has a prefix above /32"],
        ["10.10.1.0/16", "has host bits set (the network is 10.10.0.0/16)"],
    ])("rejects %s", (text, why) => {
        expect(parseCidr(text)).toContain(why);
    });
    it("round-trips through formatCidr", () => {
        expect(formatCidr(mustParseCidr("172.16.32.0/20"))).toBe("172.16.32.0/20");
    });
});

describe("cidrsOverlap", () => {
    const c = mustParseCidr;
    it("detects containment and partial overlap", () => {
        expect(cidrsOverlap(c("10.10.0.0/16"), c("10.10.128.0/20"))).toBe(true);
        expect(cidrsOverlap(c("10.0.0.0/8"), c("10.20.0.0/16"))).toBe(true);
    });
    it("accepts adjacent and disjoint ranges", () => {
        expect(cidrsOverlap(c("10.10.0.0/16"), c("10.11.0.0/16"))).toBe(false);
        expect(cidrsOverlap(c("10.10.0.0/16"), c("10.20.0.0/16"))).toBe(false);
    });
});

describe("subnetOf", () => {
    it("carves the n-th subnet", () => {
        expect(formatCidr(subnetOf(mustParseCidr("10.10.0.0/16"), 18, 3))).toBe("10.10.192.0/18");
    });
    it("refuses an index outside the parent", () => {
        expect(() => subnetOf(mustParseCidr("10.10.0.0/16"), 18, 4)).toThrow("holds 4 /18 subnets; index 4 is out of range");
    });
});

describe("planSubnets", () => {
    const azs = ["us-west-2a", "us-west-2b", "us-west-2c"];

    it("lays out public, private and isolated subnets in each of three AZs", () => {
        expect(planSubnets("10.10.0.0/16", azs)).toEqual([
            { az: "us-west-2a", tier: "public", cidr: "10.10.192.0/21" },
            { az: "us-west-2a", tier: "private", cidr: "10.10.0.0/18" },
            { az: "us-west-2a", tier: "isolated", cidr: "10.10.224.0/21" },
            { az: "us-west-2b", tier: "public", cidr: "10.10.200.0/21" },
            { az: "us-west-2b", tier: "private", cidr: "10.10.64.0/18" },
            { az: "us-west-2b", tier: "isolated", cidr: "10.10.232.0/21" },
            { az: "us-west-2c", tier: "public", cidr: "10.10.208.0/21" },
            { az: "us-west-2c", tier: "private", cidr: "10.10.128.0/18" },
            { az: "us-west-2c", tier: "isolated", cidr: "10.10.240.0/21" },
        ]);
    });

    it.each(["10.10.0.0/16", "10.10.0.0/18", "192.168.16.0/20"])("never overlaps and stays inside %s", (vpc) => {
        const subnets = planSubnets(vpc, azs).map((s) => mustParseCidr(s.cidr));
        for (const s of subnets) expect(cidrsOverlap(s, mustParseCidr(vpc)) && s.prefix > mustParseCidr(vpc).prefix).toBe(true);
        for (let i = 0; i < subnets.length; i++) for (let j = i + 1; j < subnets.length; j++) expect(cidrsOverlap(subnets[i], subnets[j])).toBe(false);
    });

    it("refuses VPCs outside /16-/20 and anything but three distinct AZs", () => {
        expect(() => planSubnets("10.0.0.0/8", azs)).toThrow("VPC CIDR 10.0.0.0/8 must be /16 to /20");
        expect(() => planSubnets("10.10.0.0/21", azs)).toThrow("must be /16 to /20");
        expect(() => planSubnets("10.10.0.0/16", ["us-west-2a", "us-west-2a", "us-west-2b"])).toThrow("exactly three distinct AZs");
    });
});
