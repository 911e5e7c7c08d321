/** The graph servers' fixed addresses: pure rules shared by the component and the stack config's checks. */
import { formatCidr, mustParseCidr, parseCidr } from "../network/cidr";

/** Size of the range reserved at the top of each private subnet for the graph's fixed addresses. */
export const GRAPH_RESERVATION_PREFIX = 28;

/** The last /28 of a subnet: where the fixed addresses live, reserved so EC2 never hands them to a node or pod. */
export function reservationOf(subnetCidr: string): string {
    const c = mustParseCidr(subnetCidr);
    const size = 2 ** (32 - GRAPH_RESERVATION_PREFIX);
    return formatCidr({ network: c.network + 2 ** (32 - c.prefix) - size, prefix: GRAPH_RESERVATION_PREFIX });
}

const ipToInt = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);

/** Why `address` cannot be a graph server's fixed address in `subnetCidr`, or undefined if it can. */
export function addressProblem(address: string, subnetCidr: string): string | undefined {
    if (!/^(\d{1,3})(\.\d{1,3}){3}$/.test(address) || address.split(".").some((o) => Number(o) > 255)) return `${JSON.stringify(address)} is not an IPv4 address`;
    const reserved = reservationOf(subnetCidr);
    const r = parseCidr(reserved);
    if (typeof r === "string") return r;
    const ip = ipToInt(address);
    const last = r.network + 2 ** (32 - r.prefix) - 1;
    if (ip < r.network || ip > last) return `${address} is outside ${reserved}, the reserved top /${GRAPH_RESERVATION_PREFIX} of private subnet ${subnetCidr}`;
    // AWS reserves the last address of every subnet (Amazon VPC User Guide, "Subnet CIDR blocks": reserved addresses).
    if (ip === last) return `${address} is the last address of ${subnetCidr}, which AWS reserves`;
    return undefined;
}


/** Offset of a server's address inside its reservation: past the network address, clear of nothing else. */
export const GRAPH_ADDRESS_OFFSET = 4;

/**
 * The fixed address of the server in each AZ: a fixed offset into the reserved top /28 of that AZ's private subnet
 * (e.g. 10.20.63.244 for 10.20.0.0/18). Derived from the VPC layout, so it is the same at every pulumi up, in the
 * stack files' CIDR, and known to the other region's rules before anything is deployed.
 */
export function graphAddresses(privateSubnetCidrs: readonly string[], servers: number): string[] {
    if (servers > privateSubnetCidrs.length) throw new Error(`${servers} servers need as many private subnets (one per AZ), got ${privateSubnetCidrs.length}`);
    return privateSubnetCidrs.slice(0, servers).map((cidr) => {
        const r = mustParseCidr(reservationOf(cidr));
        const ip = r.network + GRAPH_ADDRESS_OFFSET;
        return [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join(".");
    });
}
