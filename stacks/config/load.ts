import * as pulumi from "@pulumi/pulumi";
import { type InterconnectStackConfig, parseInterconnectConfig } from "./interconnect";
import { type StackConfig, parseStackConfig } from "./schema";

/**
 * The only place the program reads configuration: the whole config map (so an unknown or misspelt key is an
 * error, not a silent default) in, a validated config of the stack's kind out.
 */
export function loadStackConfig(): StackConfig | InterconnectStackConfig {
    const config = pulumi.runtime.allConfig();
    return config["intelgraph:role"] === "interconnect" ? parseInterconnectConfig(pulumi.getStack(), config) : parseStackConfig(pulumi.getStack(), config);
}
