import * as pulumi from "@pulumi/pulumi";
import { type BillingStackConfig, parseBillingConfig } from "./billing";
import { type InterconnectStackConfig, parseInterconnectConfig } from "./interconnect";
import { type StackConfig, parseStackConfig } from "./schema";

/**
 * The only place the program reads configuration: the whole config map (so an unknown or misspelt key is an
 * error, not a silent default) in, a validated config of the stack's kind out.
 */
export function loadStackConfig(): StackConfig | InterconnectStackConfig | BillingStackConfig {
    const config = pulumi.runtime.allConfig();
    switch (config["intelgraph:role"]) {
        case "interconnect":
            return parseInterconnectConfig(pulumi.getStack(), config);
        case "billing":
            return parseBillingConfig(pulumi.getStack(), config);
        default:
            return parseStackConfig(pulumi.getStack(), config);
    }
}
