import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Problems, isIntIn } from "../boundary";
import { dataSecurityGroup } from "../network/securityGroups";

export const REDIS_PORT = 6379;

export type RedisRole =
    | { readonly kind: "primary"; readonly engineVersion: string; readonly nodeType: string; readonly globalIdSuffix: string }
    /** A member inherits engine, version, node type, parameter group, shards and encryption flags. */
    | {
          readonly kind: "secondary";
          readonly globalReplicationGroupId: pulumi.Input<string>;
          /** The datastore's AUTH token (the member inherits it); kept in this region's Secrets Manager for after a failover. */
          readonly authToken: pulumi.Input<string>;
      };

export interface RedisGlobalArgs {
    readonly role: RedisRole;
    readonly replicationGroupId: string;
    readonly vpcId: pulumi.Input<string>;
    readonly isolatedSubnetIds: readonly pulumi.Input<string>[];
    /** App subnets of this region allowed on 6379 (the peer region's are added by the secondary stack). */
    readonly allowedCidrs: readonly pulumi.Input<string>[];
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly nodes: number;
    readonly snapshotRetentionDays: number;
}

/**
 * ElastiCache (Redis OSS) Global Datastore member: a Multi-AZ replication group with automatic failover,
 * TLS and at-rest encryption under the region's key. The primary also creates the global datastore;
 * promoting a secondary is a manual step (runbook).
 */
export class RedisGlobal extends pulumi.ComponentResource {
    readonly replicationGroupId: pulumi.Output<string>;
    readonly primaryEndpoint: pulumi.Output<string>;
    readonly readerEndpoint: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    readonly globalReplicationGroupId: pulumi.Output<string>;
    /** This region's Secrets Manager secret with the datastore's AUTH token. */
    readonly authSecretArn: pulumi.Output<string>;
    /** Secret. */
    readonly authToken: pulumi.Output<string>;

    constructor(name: string, args: RedisGlobalArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:data:RedisGlobal", name, {}, opts);
        validateArgs(args).throwIfAny(this, "RedisGlobal", name);
        const role = args.role;

        const subnetGroup = new aws.elasticache.SubnetGroup(
            `${name}-subnets`,
            { name: `${args.replicationGroupId}-subnets`, description: `Redis ${args.replicationGroupId} (isolated subnets)`, subnetIds: [...args.isolatedSubnetIds] },
            { parent: this },
        );
        const sg = dataSecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, port: REDIS_PORT, allowedCidrs: args.allowedCidrs, description: `Redis ${args.replicationGroupId}`, nameTag: `${args.replicationGroupId}-sg` },
            this,
        );

        const common: aws.elasticache.ReplicationGroupArgs = {
            replicationGroupId: args.replicationGroupId,
            description: `IntelGraph cache ${args.replicationGroupId}`,
            numCacheClusters: args.nodes,
            automaticFailoverEnabled: true,
            multiAzEnabled: true,
            kmsKeyId: args.kmsKeyArn,
            subnetGroupName: subnetGroup.name,
            securityGroupIds: [sg.id],
            snapshotRetentionLimit: args.snapshotRetentionDays,
            snapshotWindow: "04:00-05:00",
            finalSnapshotIdentifier: `${args.replicationGroupId}-final`,
            autoMinorVersionUpgrade: false,
            tags: { Name: args.replicationGroupId },
        };
        // AWS flips automaticFailoverEnabled on members during global datastore operations.
        const stateful = { parent: this, protect: true, ignoreChanges: ["automaticFailoverEnabled"] };

        let group: aws.elasticache.ReplicationGroup;
        if (role.kind === "primary") {
            const token = new random.RandomPassword(`${name}-auth-token`, { length: 64, special: false }, { parent: this });
            group = new aws.elasticache.ReplicationGroup(
                `${name}-group`,
                {
                    ...common,
                    engine: "redis",
                    engineVersion: role.engineVersion,
                    nodeType: role.nodeType,
                    port: REDIS_PORT,
                    transitEncryptionEnabled: true,
                    atRestEncryptionEnabled: true,
                    authToken: token.result,
                },
                stateful,
            );
            const globalGroup = new aws.elasticache.GlobalReplicationGroup(
                `${name}-global`,
                { globalReplicationGroupIdSuffix: role.globalIdSuffix, primaryReplicationGroupId: group.id, globalReplicationGroupDescription: "IntelGraph global cache" },
                // primaryReplicationGroupId forces replacement, and the provider reads it back from whichever member
                // is primary now: after a promotion to another region it differs from this group, and a `pulumi up`
                // would replace the global datastore (terraform-provider-aws#46121). A promotion is an operator action.
                { parent: this, protect: true, ignoreChanges: ["primaryReplicationGroupId"] },
            );
            // The resource id is the global replication group id (with AWS's prefix), known as soon as it is created.
            this.globalReplicationGroupId = globalGroup.id;
            this.authToken = token.result;
        } else {
            group = new aws.elasticache.ReplicationGroup(
                `${name}-group`,
                { ...common, globalReplicationGroupId: role.globalReplicationGroupId },
                // An unplanned failover disassociates this member, which then stands alone holding the live cache
                // (DisassociateGlobalReplicationGroup, ElastiCache API Reference) and reads back without a global id;
                // globalReplicationGroupId forces replacement (registry: aws.elasticache.ReplicationGroup), so a
                // `pulumi up` would delete the survivor. Re-joining a datastore is a deliberate `--replace` (failback.md).
                { ...stateful, ignoreChanges: [...stateful.ignoreChanges, "globalReplicationGroupId"] },
            );
            this.globalReplicationGroupId = pulumi.output(role.globalReplicationGroupId);
            this.authToken = pulumi.secret(role.authToken);
        }
        const secret = new aws.secretsmanager.Secret(
            `${name}-auth-secret`,
            { name: `intelgraph/${args.replicationGroupId}/auth`, description: `AUTH token of the global datastore, for ${args.replicationGroupId}`, kmsKeyId: args.kmsKeyArn, recoveryWindowInDays: 30 },
            { parent: this },
        );
        new aws.secretsmanager.SecretVersion(`${name}-auth-secret-value`, { secretId: secret.id, secretString: pulumi.secret(this.authToken) }, { parent: this });
        this.authSecretArn = secret.arn;

        this.replicationGroupId = group.id;
        this.primaryEndpoint = group.primaryEndpointAddress;
        this.readerEndpoint = group.readerEndpointAddress;
        this.securityGroupId = sg.id;
        this.registerOutputs({
            replicationGroupId: this.replicationGroupId,
            primaryEndpoint: this.primaryEndpoint,
            readerEndpoint: this.readerEndpoint,
            globalReplicationGroupId: this.globalReplicationGroupId,
        });
    }
}

function validateArgs(args: RedisGlobalArgs): Problems {
    const p = new Problems();
    p.check(isIntIn(args.nodes, 2, 6), `nodes must be a whole number from 2 to 6 (Multi-AZ automatic failover needs a replica; a shard holds at most 6), got ${args.nodes}`);
    p.check(isIntIn(args.snapshotRetentionDays, 1, 35), `snapshotRetentionDays must be a whole number of days from 1 to 35 (0 would turn snapshots off), got ${args.snapshotRetentionDays}`);
    p.check(args.isolatedSubnetIds.length >= 2, `isolatedSubnetIds must list at least two subnets (Multi-AZ places the replica in another AZ), got ${args.isolatedSubnetIds.length}`);
    // The subnet group (<id>-subnets, at most 255) and final snapshot (<id>-final) derive from it.
    p.check(/^[a-z](?!.*--)[a-z0-9-]{0,39}$/.test(args.replicationGroupId) && !args.replicationGroupId.endsWith("-"),
        `replicationGroupId must be 1-40 lowercase letters, digits and single hyphens, starting with a letter and not ending in a hyphen, got ${JSON.stringify(args.replicationGroupId)}`);
    const role = args.role;
    if (role.kind === "primary") {
        p.check(/^cache\.[a-z0-9]+\.[a-z0-9]+$/.test(role.nodeType), `role.nodeType must be an ElastiCache node type such as cache.r7g.large, got ${JSON.stringify(role.nodeType)}`);
        p.check(/^\d+\.\d+$/.test(role.engineVersion), `role.engineVersion must be a pinned major.minor version such as "7.1", got ${JSON.stringify(role.engineVersion)}`);
        p.check(role.globalIdSuffix.length > 0, "role.globalIdSuffix must not be empty");
    }
    return p;
}
