import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
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
            group = new aws.elasticache.ReplicationGroup(`${name}-group`, { ...common, globalReplicationGroupId: role.globalReplicationGroupId }, stateful);
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
