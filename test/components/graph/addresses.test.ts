import { describe, expect, it } from "vitest";
import { addressProblem, graphAddresses, reservationOf } from "../../../components/graph/addresses";
import { planSubnets } from "../../../components/network/cidr";

const privateOf = (vpc: string) => planSubnets(vpc, ["x1a", "x1b", "x1c"]).filter((s) => s.tier === "private").map((s) => s.cidr);

describe("the graph servers' fixed addresses", () => {
    it("reserves the top /28 of each private subnet", () => {
        expect(reservationOf("10.20.0.0/18")).toBe("10.20.63.240/28");
        expect(reservationOf("10.120.128.0/18")).toBe("10.120.191.240/28");
    });

    it("derives one address per server from the VPC layout, the same at every up", () => {
        expect(graphAddresses(privateOf("10.10.0.0/16"), 3)).toEqual(["10.10.63.244", "10.10.127.244", "10.10.191.244"]);
        expect(graphAddresses(privateOf("10.20.0.0/16"), 2)).toEqual(["10.20.63.244", "10.20.127.244"]);
        expect(() => graphAddresses(privateOf("10.20.0.0/16"), 4)).toThrow("4 servers need as many private subnets (one per AZ), got 3");
    });

    it("accepts only addresses inside the reservation, never the subnet's last (AWS-reserved) address", () => {
        expect(addressProblem("10.20.63.244", "10.20.0.0/18")).toBeUndefined();
        expect(addressProblem("10.20.12.7", "10.20.0.0/18")).toBe("10.20.12.7 is outside 10.20.63.240/28, the reserved top /28 of private subnet 10.20.0.0/18");
        expect(addressProblem("10.20.63.255", "10.20.0.0/18")).toBe("10.20.63.255 is the last address of 10.20.0.0/18, which AWS reserves");
        expect(addressProblem("10.20.63", "10.20.0.0/18")).toBe('"10.20.63" is not an IPv4 address');
    });
});
