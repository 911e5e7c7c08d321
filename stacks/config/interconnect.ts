/**
 * The interconnect stack of a residency zone (and environment): it owns everything that spans two regions
 * (peering, peer routes, cross-region security-group rules, backup replication), reads the regional stacks it
 * links through StackReferences, and is deployed after them. Nothing in a failover needs it. Its stack file
 * names the stacks, never a region: every region it touches comes from their outputs.
 */
import { z } from "zod";
import { type Residency, interconnectStackNames } from "./residency";
import { parseKeyed } from "./keyed";
import { ConfigError, keySchemas } from "./schema";

export interface InterconnectStackConfig {
    readonly role: "interconnect";
    readonly stack: string;
    readonly file: string;
    /** The environment's account: the linked stacks' providers are pinned to it, and must be in it. */
    readonly accountId: string;
    readonly residency: Residency;
    /** The zone's primary stack (owner of the global cluster and datastore, the peering accepter). */
    readonly primaryStack: string;
    /** The zone's secondaries, each peered with the primary and receiving its graph backups. */
    readonly secondaryStacks: readonly string[];
    /** The synthetic probes each linked region runs against the others' API entries. */
    readonly probe: ProbeConfig;
}

/**
 * `intelgraph:probe`: every linked region probes every other one's public entry from outside it, so the loss of
 * any region (us-east-1 included, where Route 53's health-check metrics live) is alarmed on somewhere else.
 */
export const PROBE_DEFAULTS = {
    /** A run a minute: the probe of a primary is on the failover decision's path. */
    everyMinutes: 1,
    /** Three failed runs in a row: one lost run (a cold start, a blip) never pages. */
    failedRuns: 3,
    /** A Node.js Synthetics runtime (CloudWatch User Guide, "Synthetics runtime versions"); deprecated ones cannot create canaries. */
    runtimeVersion: "syn-nodejs-puppeteer-13.1",
} as const;

const wholeIn = (what: string, min: number, max: number) => {
    const error = `${what}, from ${min} to ${max}`;
    return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};

const probeSchema = z
    .object(
        {
            // Synthetics runs at most once a minute and at least once an hour by rate() (CanaryScheduleInput Expression).
            everyMinutes: wholeIn("whole minutes between probe runs", 1, 60).default(PROBE_DEFAULTS.everyMinutes),
            failedRuns: wholeIn("consecutive failed runs before the alarm", 1, 60).default(PROBE_DEFAULTS.failedRuns),
            runtimeVersion: z.string().regex(/^syn-nodejs-[a-z]+-\d+\.\d+$/, { error: "a Node.js Synthetics runtime such as syn-nodejs-puppeteer-13.1 (the probe is a Node.js handler)" }).default(PROBE_DEFAULTS.runtimeVersion),
        },
        { error: "an object { everyMinutes?, failedRuns?, runtimeVersion? }" },
    )
    .strict()
    .default({ ...PROBE_DEFAULTS });

export type ProbeConfig = z.infer<typeof probeSchema>;

const stackName = z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+)?$/, { error: "a stack name or org/project/stack" });

const INTERCONNECT_KEYS = {
    "pulumi:disable-default-providers": keySchemas["pulumi:disable-default-providers"],
    "intelgraph:role": z.literal("interconnect"),
    "intelgraph:residencyZone": keySchemas["intelgraph:residencyZone"],
    "intelgraph:owner": keySchemas["intelgraph:owner"],
    "intelgraph:environment": keySchemas["intelgraph:environment"],
    "intelgraph:costCentre": keySchemas["intelgraph:costCentre"],
    "intelgraph:accountId": keySchemas["intelgraph:accountId"],
    "intelgraph:primaryStack": stackName.refine((s) => s !== "", { error: "the zone's primary stack (e.g. us-west-2)" }),
    "intelgraph:secondaryStacks": z
        .array(stackName, { error: "a list of the zone's secondary stacks (e.g. [us-east-1])" })
        .min(1, { error: "at least one secondary stack to link with the primary" })
        // An ElastiCache global datastore replicates to "up to two other AWS Regions" (ElastiCache User Guide,
        // "Prerequisites and limitations" of global datastores), the tighter of the two global tiers' limits.
        .max(2, { error: "at most 2 secondary stacks: a global datastore has at most two secondary regions" })
        .refine((a) => new Set(a).size === a.length, { error: "distinct secondary stacks" }),
    "intelgraph:probe": probeSchema,
} as const;
type InterconnectKey = keyof typeof INTERCONNECT_KEYS;
const JSON_KEYS: readonly InterconnectKey[] = ["pulumi:disable-default-providers", "intelgraph:secondaryStacks", "intelgraph:probe"];

/** Parses an interconnect stack file; every problem at once, unknown keys (a region's keys among them) included. */
export function parseInterconnectConfig(stack: string, config: Readonly<Record<string, string | undefined>>): InterconnectStackConfig {
    const { file, data: c, problems } = parseKeyed(stack, config, INTERCONNECT_KEYS, JSON_KEYS, "unset: an interconnect touches the regions of the stacks it links, through an explicit provider each");
    if (!c) throw new ConfigError(problems);
    const primary = c["intelgraph:primaryStack"];
    const secondaries = c["intelgraph:secondaryStacks"];
    const short = (s: string) => s.split("/").pop();
    if (secondaries.some((s) => short(s) === short(primary))) {
        problems.push({ file, key: "intelgraph:secondaryStacks", value: secondaries, allowed: `stacks other than the primary ${primary}` });
    }
    if ([primary, ...secondaries].some((s) => short(s) === stack)) {
        problems.push({ file, key: "intelgraph:primaryStack", value: primary, allowed: "regional stacks, not this interconnect" });
    }
    const names = interconnectStackNames(c["intelgraph:environment"], c["intelgraph:residencyZone"]);
    if (!names.includes(stack)) {
        problems.push({ file, key: "intelgraph:residencyZone", value: c["intelgraph:residencyZone"], allowed: `the zone the stack "${stack}" is named after: the ${c["intelgraph:environment"]} interconnect of zone ${c["intelgraph:residencyZone"]} is named ${names.join(" or ")}` });
    }
    if (problems.length) throw new ConfigError(problems);
    return {
        role: "interconnect",
        stack,
        file,
        accountId: c["intelgraph:accountId"],
        residency: {
            zone: c["intelgraph:residencyZone"],
            owner: c["intelgraph:owner"],
            environment: c["intelgraph:environment"],
            costCentre: c["intelgraph:costCentre"],
        },
        primaryStack: primary,
        secondaryStacks: secondaries,
        probe: c["intelgraph:probe"],
    };
}
