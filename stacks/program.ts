import { billingStack } from "./billingStack";
import { loadStackConfig } from "./config/load";
import { interconnectStack } from "./interconnectStack";
import type { BillingStackOutputs, InterconnectStackOutputs, PrimaryStackOutputs, ProgramOutputs, SecondaryStackOutputs } from "./outputs";
import { readPrimary } from "./primaryLink";
import { primaryStack } from "./primaryStack";
import { secondaryStack } from "./secondaryStack";

/**
 * The same program runs every stack of the project: a region's (primaryStack.ts, secondaryStack.ts, by the
 * stack's ownership role) or a zone's interconnect (interconnectStack.ts). What differs between regions, zones
 * and environments is in the stack files. Config (and the outputs of the stacks it reads) is validated before
 * the first resource is registered, so a bad stack file never leaves a half-created stack.
 */
export async function program(): Promise<ProgramOutputs<PrimaryStackOutputs> | ProgramOutputs<SecondaryStackOutputs> | ProgramOutputs<InterconnectStackOutputs> | ProgramOutputs<BillingStackOutputs>> {
    const config = loadStackConfig();
    switch (config.role) {
        case "primary":
            return primaryStack(config);
        case "secondary":
            return secondaryStack(config, await readPrimary(config));
        case "interconnect":
            return interconnectStack(config);
        case "billing":
            return billingStack(config);
    }
}
