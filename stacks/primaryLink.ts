import * as pulumi from "@pulumi/pulumi";
import { type SecondaryStackConfig, validateAgainstPrimary } from "./config/schema";
import { PRIMARY_OUTPUTS_FOR_SECONDARY, PRIMARY_SECRETS_FOR_SECONDARY, type StackOutputs } from "./outputs";

export type PrimaryNetwork = Pick<StackOutputs, (typeof PRIMARY_OUTPUTS_FOR_SECONDARY)[number]>;

export interface PrimaryLink {
    readonly stackName: string;
    readonly reference: pulumi.StackReference;
    readonly network: PrimaryNetwork;
    /** Secret Outputs, never plain values. */
    readonly secrets: Readonly<Record<(typeof PRIMARY_SECRETS_FOR_SECONDARY)[number], pulumi.Output<string>>>;
}

/** `us-west-2` -> `<org>/intelgraph/us-west-2`; a fully qualified name is used as written. */
export function primaryReferenceName(primaryStack: string): string {
    return primaryStack.includes("/") ? primaryStack : `${pulumi.getOrganization()}/${pulumi.getProject()}/${primaryStack}`;
}

/**
 * Reads the primary's outputs and checks them against this stack's config before anything is created:
 * the peer CIDR, zone and region exist only in the primary's state in a real deploy.
 */
export async function readPrimary(config: SecondaryStackConfig): Promise<PrimaryLink> {
    const stackName = primaryReferenceName(config.primaryStack);
    const reference = new pulumi.StackReference(stackName);
    const required = [...PRIMARY_OUTPUTS_FOR_SECONDARY, ...PRIMARY_SECRETS_FOR_SECONDARY];
    const values = await Promise.all(required.map((k) => reference.getOutputDetails(k)));
    const missing = required.filter((_, i) => values[i].value === undefined && values[i].secretValue === undefined);
    if (missing.length) {
        throw new Error(
            `${config.file}: intelgraph:primaryStack "${config.primaryStack}" (${stackName}) has no output(s) ${missing.join(", ")}; ` +
                `deploy the primary stack first (pulumi up -s ${config.primaryStack}): the secondary joins its global cluster and datastore, and peers with its VPC`,
        );
    }
    const network = Object.fromEntries(PRIMARY_OUTPUTS_FOR_SECONDARY.map((k, i) => [k, values[i].value ?? values[i].secretValue])) as unknown as PrimaryNetwork;
    validateAgainstPrimary(config, { stack: config.primaryStack, region: network.region, residencyZone: network.residencyZone, vpcCidr: network.vpcCidr });
    const secrets = Object.fromEntries(PRIMARY_SECRETS_FOR_SECONDARY.map((k) => [k, pulumi.secret(reference.getOutput(k)) as pulumi.Output<string>])) as PrimaryLink["secrets"];
    return { stackName, reference, network, secrets };
}
