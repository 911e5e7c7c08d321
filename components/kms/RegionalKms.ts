import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn, isRegion } from "../boundary";
import { buildKeyPolicy } from "./keyPolicy";

export interface RegionalKmsArgs {
    /** Region the key lives in; the key policy scopes services to it. Must match the parent's provider. */
    readonly region: string;
    readonly accountId: pulumi.Input<string>;
    readonly partition: pulumi.Input<string>;
    /** Alias without the `alias/` prefix, e.g. `intelgraph-us-west-2`. */
    readonly alias: string;
    /** Days AWS waits before deleting a scheduled key (7-30); 30 gives the longest window to cancel. */
    readonly deletionWindowInDays?: number;
}

/**
 * The region's one customer-managed key: everything in the region encrypts with it, nothing outside the
 * region does. Single-region on purpose (a multi-region replica would carry key material across regions).
 */
export class RegionalKms extends pulumi.ComponentResource {
    readonly keyArn: pulumi.Output<string>;
    readonly keyId: pulumi.Output<string>;
    readonly aliasName: pulumi.Output<string>;

    constructor(name: string, args: RegionalKmsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:security:RegionalKms", name, {}, opts);
        validateArgs(args).throwIfAny(this, "RegionalKms", name);

        const policy = pulumi
            .all([args.accountId, args.partition])
            .apply(([accountId, partition]) => JSON.stringify(buildKeyPolicy({ accountId, partition, region: args.region })));

        const key = new aws.kms.Key(
            `${name}-key`,
            {
                description: `IntelGraph regional key for ${args.region}`,
                keyUsage: "ENCRYPT_DECRYPT",
                customerMasterKeySpec: "SYMMETRIC_DEFAULT",
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                multiRegion: false,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
                bypassPolicyLockoutSafetyCheck: false,
                policy,
                tags: { Name: args.alias },
            },
            // Losing the key loses every volume, snapshot and backup encrypted with it.
            { parent: this, protect: true },
        );

        const alias = new aws.kms.Alias(`${name}-alias`, { name: `alias/${args.alias}`, targetKeyId: key.keyId }, { parent: this });

        this.keyArn = key.arn;
        this.keyId = key.keyId;
        this.aliasName = alias.name;
        this.registerOutputs({ keyArn: this.keyArn, keyId: this.keyId, aliasName: this.aliasName });
    }
}

/** KMS accepts a 7-30 day deletion window; alias names are `alias/` + letters, digits, `/_-` and not AWS's own `aws/`. */
function validateArgs(args: RegionalKmsArgs): Problems {
    const p = new Problems();
    const window = args.deletionWindowInDays;
    p.check(window === undefined || isIntIn(window, 7, 30), `deletionWindowInDays must be a whole number of days from 7 to 30, got ${window}`);
    p.check(/^[a-zA-Z0-9/_-]{1,250}$/.test(args.alias) && !args.alias.startsWith("alias/") && !args.alias.startsWith("aws/"),
        `alias must be the name without the "alias/" prefix (letters, digits, "/", "_", "-"; not "aws/..."), got ${JSON.stringify(args.alias)}`);
    p.check(isRegion(args.region), `region must be an AWS region such as us-west-2 (the key policy scopes services to it), got ${JSON.stringify(args.region)}`);
    return p;
}
