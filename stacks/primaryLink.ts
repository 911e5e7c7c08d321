import { type SecondaryStackConfig, validateAgainstPrimary } from "./config/schema";
import { PRIMARY_OUTPUTS_FOR_SECONDARY, PRIMARY_SECRETS_FOR_SECONDARY } from "./outputs";
import { type StackLink, readStack } from "./stackLink";

export type PrimaryLink = StackLink<(typeof PRIMARY_OUTPUTS_FOR_SECONDARY)[number], (typeof PRIMARY_SECRETS_FOR_SECONDARY)[number]>;

/**
 * Reads the primary's outputs and checks them against this stack's config before anything is created:
 * the peer CIDR, zone and region exist only in the primary's state in a real deploy.
 */
export async function readPrimary(config: SecondaryStackConfig): Promise<PrimaryLink> {
    const link = await readStack(
        { file: config.file, key: "intelgraph:primaryStack", why: "the secondary joins its global cluster and datastore" },
        config.primaryStack,
        PRIMARY_OUTPUTS_FOR_SECONDARY,
        PRIMARY_SECRETS_FOR_SECONDARY,
    );
    const v = link.values;
    validateAgainstPrimary(config, { stack: config.primaryStack, region: v.region, residencyZone: v.residencyZone, environment: v.environment, accountId: v.accountId, vpcCidr: v.vpcCidr });
    return link;
}
