import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { type Residency, residencyTags } from "./config/residency";

/**
 * One explicit provider per region the stack touches, pinned to the environment's account. defaultTags put the residency tags on every taggable
 * resource, so no component has to remember them and the policy pack can read them from the provider.
 */
export function regionalProvider(config: { readonly residency: Residency; readonly stack: string; readonly accountId: string }, region: string): aws.Provider {
    return new aws.Provider(`aws-${region}`, {
        region,
        // Credentials of any other account fail the deploy before anything is created (pulumi-aws provider
        // config "allowedAccountIds"): a deploy to prod with staging credentials, or the reverse, stops here.
        allowedAccountIds: [config.accountId],
        defaultTags: { tags: residencyTags(config.residency, region, config.stack) },
    });
}

/**
 * The stack files disable every default provider (`pulumi:disable-default-providers: ["*"]`), so the
 * generators of passwords and certificates get explicit providers too. Neither has configuration.
 */
export function generatorProviders(): [random.Provider, tls.Provider] {
    return [new random.Provider("random"), new tls.Provider("tls")];
}
