import * as pulumi from "@pulumi/pulumi";
import { type StackConfig, parseStackConfig } from "./schema";

/**
 * The only place the program reads configuration: the whole config map (so an unknown or misspelt key is an
 * error, not a silent default) in, a validated StackConfig out.
 */
export function loadStackConfig(): StackConfig {
    return parseStackConfig(pulumi.getStack(), pulumi.runtime.allConfig());
}
