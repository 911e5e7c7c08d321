import * as aws from "@pulumi/aws";
import type { StackConfig } from "./config/schema";
import { residencyTags } from "./config/residency";

/**
 * One explicit provider per region the stack touches. defaultTags put the residency tags on every taggable
 * resource, so no component has to remember them and the policy pack can read them from the provider.
 */
export function regionalProvider(config: StackConfig, region: string): aws.Provider {
    return new aws.Provider(`aws-${region}`, {
        region,
        defaultTags: { tags: residencyTags(config.residency, region, config.stack) },
    });
}
