/**
 * Pure IPv4 CIDR maths for the regional network: parsing, overlap and the subnet layout of a VPC.
 * No Pulumi here, so it is unit-tested without mocks and reused by config validation.
 */

export interface Cidr {
    /** Network address as an unsigned 32-bit integer. */
    readonly network: number;
    readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns an error string for anything that is not a canonical IPv4 network. */
export function parseCidr(text: string): Cidr | string {
    const m = CIDR_RE.exec(text.trim());
    if (!m) return `"${text}" is not an IPv4 CIDR (a.b.c.d/n)`;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255)) return `"${text}" has an octet above 255`;
    if (prefix > 32) return `"${text}" has a prefix above /32`;
    const address = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const network = (address & mask(prefix)) >>> 0;
    if (network !== address) return `"${text}" has host bits set (the network is ${formatCidr({ network, prefix })})`;
    return { network, prefix };
}

/** Parses a CIDR the caller has already validated; throws on bad input. */
export function mustParseCidr(text: string): Cidr {
    const c = parseCidr(text);
    if (typeof c === "string") throw new Error(c);
    return c;
}

export function formatCidr(c: Cidr): string {
    const n = c.network;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${c.prefix}`;
}

function mask(prefix: number): number {
    return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function size(prefix: number): number {
    return 2 ** (32 - prefix);
}

/** True when the two networks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    const aEnd = a.network + size(a.prefix) - 1;
    const bEnd = b.network + size(b.prefix) - 1;
    return a.network <= bEnd && b.network <= aEnd;
}

/** The `index`-th subnet of `newPrefix` inside `parent`. */
export function subnetOf(parent: Cidr, newPrefix: number, index: number): Cidr {
    if (newPrefix < parent.prefix || newPrefix > 28) {
        throw new Error(`cannot carve a /${newPrefix} out of ${formatCidr(parent)}`);
    }
    const count = 2 ** (newPrefix - parent.prefix);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new Error(`${formatCidr(parent)} holds ${count} /${newPrefix} subnets; index ${index} is out of range`);
    }
    return { network: parent.network + index * size(newPrefix), prefix: newPrefix };
}

export type SubnetTier = "public" | "private" | "isolated";
export const SUBNET_TIERS: readonly SubnetTier[] = ["public", "private", "isolated"];

export interface SubnetPlan {
    readonly az: string;
    readonly tier: SubnetTier;
    readonly cidr: string;
}

/** VPC prefixes the layout supports: /16 gives /18 private subnets, /20 still gives 1,024 pod addresses per AZ. */
export const MIN_VPC_PREFIX = 16;
export const MAX_VPC_PREFIX = 20;

/**
 * Lays out three tiers over the given AZs without overlap.
 * Private (EKS nodes and pods, VPC CNI gives every pod a VPC address) gets a quarter of the VPC per AZ;
 * the last quarter is cut in eighths: public (load balancers, NAT) in the first three,
 * isolated (Aurora, ElastiCache) in eighths 4-6. Eighths 3 and 7 stay free for later tiers.
 */
export function planSubnets(vpcCidr: string, azs: readonly string[]): SubnetPlan[] {
    const vpc = mustParseCidr(vpcCidr);
    if (vpc.prefix < MIN_VPC_PREFIX || vpc.prefix > MAX_VPC_PREFIX) {
        throw new Error(`VPC CIDR ${vpcCidr} must be /${MIN_VPC_PREFIX} to /${MAX_VPC_PREFIX}`);
    }
    if (azs.length !== 3 || new Set(azs).size !== 3) {
        throw new Error(`the subnet layout needs exactly three distinct AZs, got ${JSON.stringify(azs)}`);
    }
    const lastQuarter = subnetOf(vpc, vpc.prefix + 2, 3);
    return azs.flatMap((az, i) => [
        { az, tier: "public" as const, cidr: formatCidr(subnetOf(lastQuarter, vpc.prefix + 5, i)) },
        { az, tier: "private" as const, cidr: formatCidr(subnetOf(vpc, vpc.prefix + 2, i)) },
        { az, tier: "isolated" as const, cidr: formatCidr(subnetOf(lastQuarter, vpc.prefix + 5, 4 + i)) },
    ]);
}
