import { loadStackConfig } from "./config/load";
import type { PrimaryStackOutputs, ProgramOutputs, SecondaryStackOutputs } from "./outputs";
import { readPrimary } from "./primaryLink";
import { primaryStack } from "./primaryStack";
import { secondaryStack } from "./secondaryStack";

/**
 * One region of the platform. The same program runs every stack; what differs between regions is in
 * Pulumi.<region>.yaml, and what differs between ownership roles is in primaryStack.ts and secondaryStack.ts.
 * Config (and, for a secondary, the primary's outputs) is validated before the first resource is registered,
 * so a bad stack file never leaves a half-created region.
 */
export async function program(): Promise<ProgramOutputs<PrimaryStackOutputs> | ProgramOutputs<SecondaryStackOutputs>> {
    const config = loadStackConfig();
    return config.role === "primary" ? primaryStack(config) : secondaryStack(config, await readPrimary(config));
}
