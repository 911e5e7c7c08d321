import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { Problems, isIntIn, isRegion } from "../boundary";
import { dataSecurityGroup } from "../network/securityGroups";

export const AURORA_ENGINE = "aurora-postgresql";
export const AURORA_PORT = 5432;

/** The primary defines the global cluster; a secondary joins it with what the primary's outputs say. */
export type AuroraRole =
    | {
          readonly kind: "primary";
          readonly globalClusterIdentifier: string;
          readonly engineVersion: string;
          readonly databaseName: string;
          /**
           * Where this cluster stands in the global database now (operational state from the stack file): "writer",
           * or "secondary" after a switchover or a managed failover made it a member. The cluster, its storage
           * and its identifier stay (Aurora re-adds an old primary as a secondary of the same global cluster when
           * its region recovers, Aurora User Guide "Performing managed failovers for Aurora global databases");
           * only what a member may not send changes.
           */
          readonly membership: "writer" | "secondary";
      }
    | {
          readonly kind: "secondary";
          readonly globalClusterIdentifier: pulumi.Input<string>;
          readonly engine: pulumi.Input<string>;
          readonly engineVersion: pulumi.Input<string>;
          /** The primary's region: encrypted cross-region replicas need it. */
          readonly sourceRegion: string;
          /**
           * The global database's master credentials (from the primary's outputs). Kept in this region's Secrets
           * Manager too, so that after a failover nobody needs the lost region to reach its database.
           */
          readonly credentials: { readonly username: pulumi.Input<string>; readonly password: pulumi.Input<string>; readonly databaseName: pulumi.Input<string> };
      };

export const MASTER_USERNAME = "intelgraph_admin";

export interface AuroraGlobalArgs {
    readonly role: AuroraRole;
    readonly clusterIdentifier: string;
    readonly vpcId: pulumi.Input<string>;
    readonly isolatedSubnetIds: readonly pulumi.Input<string>[];
    readonly availabilityZones: readonly string[];
    /** App subnets of this region allowed on 5432 (the peer region's are added by the secondary stack). */
    readonly allowedCidrs: readonly pulumi.Input<string>[];
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly instanceClass: string;
    readonly instances: number;
    readonly backupRetentionDays: number;
}

/** `16.4` -> `aurora-postgresql16`: parameter group families follow the major version. */
export function parameterGroupFamily(engineVersion: string): string {
    return `${AURORA_ENGINE}${engineVersion.split(".")[0]}`;
}

/**
 * Aurora PostgreSQL Global Database member. The primary creates the global cluster and a writer; a
 * secondary joins with `globalClusterIdentifier` and sets no credentials, database name or snapshot on its
 * cluster (it keeps a copy of the credentials in its own region's Secrets Manager, for after a failover).
 * Both keep at least two instances in different AZs so each region has a standby, also after promotion.
 */
export class AuroraGlobal extends pulumi.ComponentResource {
    readonly clusterArn: pulumi.Output<string>;
    readonly clusterIdentifier: pulumi.Output<string>;
    readonly writerEndpoint: pulumi.Output<string>;
    readonly readerEndpoint: pulumi.Output<string>;
    readonly globalClusterIdentifier: pulumi.Output<string>;
    readonly engine: pulumi.Output<string>;
    readonly engineVersion: pulumi.Output<string>;
    readonly securityGroupId: pulumi.Output<string>;
    /** Its isolated subnets' group (a restore test restores into it, not into a default VPC). */
    readonly subnetGroupName: pulumi.Output<string>;
    readonly instanceArns: pulumi.Output<string>[];
    /** Primary only. */
    readonly globalWriterEndpoint?: pulumi.Output<string>;
    /** This region's Secrets Manager secret with the master credentials and this region's cluster endpoint. */
    readonly masterSecretArn: pulumi.Output<string>;
    readonly masterUsername: pulumi.Output<string>;
    /** Secret. */
    readonly masterPassword: pulumi.Output<string>;
    readonly databaseName: pulumi.Output<string>;

    constructor(name: string, args: AuroraGlobalArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:data:AuroraGlobal", name, {}, opts);
        validateArgs(args).throwIfAny(this, "AuroraGlobal", name);
        const role = args.role;
        const stateful = { parent: this, protect: true };

        const subnetGroup = new aws.rds.SubnetGroup(
            `${name}-subnets`,
            { description: `Aurora ${args.clusterIdentifier} (isolated subnets)`, subnetIds: [...args.isolatedSubnetIds], tags: { Name: `${args.clusterIdentifier}-subnets` } },
            { parent: this },
        );
        const sg = dataSecurityGroup(
            `${name}-sg`,
            { vpcId: args.vpcId, port: AURORA_PORT, allowedCidrs: args.allowedCidrs, description: `Aurora PostgreSQL ${args.clusterIdentifier}`, nameTag: `${args.clusterIdentifier}-sg` },
            this,
        );

        let global: aws.rds.GlobalCluster | undefined;
        let engine: pulumi.Input<string>;
        let engineVersion: pulumi.Input<string>;
        let globalClusterIdentifier: pulumi.Input<string>;
        if (role.kind === "primary") {
            global = new aws.rds.GlobalCluster(
                `${name}-global`,
                {
                    globalClusterIdentifier: role.globalClusterIdentifier,
                    engine: AURORA_ENGINE,
                    engineVersion: role.engineVersion,
                    databaseName: role.databaseName,
                    storageEncrypted: true,
                    deletionProtection: true,
                },
                // Version upgrades are made on the global cluster and flow to the members.
                { ...stateful },
            );
            engine = global.engine;
            engineVersion = global.engineVersion;
            globalClusterIdentifier = global.id;
        } else {
            engine = role.engine;
            engineVersion = role.engineVersion;
            globalClusterIdentifier = role.globalClusterIdentifier;
        }

        const parameterGroup = new aws.rds.ClusterParameterGroup(
            `${name}-params`,
            {
                family: pulumi.output(engineVersion).apply(parameterGroupFamily),
                description: `Aurora ${args.clusterIdentifier}: TLS only`,
                parameters: [{ name: "rds.force_ssl", value: "1", applyMethod: "pending-reboot" }],
            },
            { parent: this },
        );

        const common: aws.rds.ClusterArgs = {
            clusterIdentifier: args.clusterIdentifier,
            engine,
            engineVersion,
            globalClusterIdentifier,
            storageEncrypted: true,
            kmsKeyId: args.kmsKeyArn,
            dbSubnetGroupName: subnetGroup.name,
            vpcSecurityGroupIds: [sg.id],
            dbClusterParameterGroupName: parameterGroup.name,
            backupRetentionPeriod: args.backupRetentionDays,
            preferredBackupWindow: "03:00-04:00",
            copyTagsToSnapshot: true,
            skipFinalSnapshot: false,
            finalSnapshotIdentifier: `${args.clusterIdentifier}-final`,
            deletionProtection: true,
            enabledCloudwatchLogsExports: ["postgresql"],
            iamDatabaseAuthenticationEnabled: true,
            performanceInsightsEnabled: true,
            performanceInsightsKmsKeyId: args.kmsKeyArn,
            tags: { Name: args.clusterIdentifier },
        };

        let cluster: aws.rds.Cluster;
        let password: random.RandomPassword | undefined;
        if (role.kind === "primary") {
            // Global clusters do not support RDS-managed master passwords (manageMasterUserPassword).
            password = new random.RandomPassword(`${name}-master-password`, { length: 32, special: true, overrideSpecial: "!#%^*()-_=+[]{}:?" }, { parent: this });
            // A member takes the global database's credentials and database; RDS refuses them from a cross-Region
            // member ("Cannot specify password for cross region replication cluster", crossplane-contrib/provider-aws#2072;
            // changing them on a global database's cluster fails, terraform-aws-rds-aurora#504). While this cluster is a
            // member they are state only: never sent, never diffed (masterUsername and databaseName would replace it).
            const memberOnly = role.membership === "secondary" ? ["masterUsername", "masterPassword", "databaseName"] : [];
            cluster = new aws.rds.Cluster(
                `${name}-cluster`,
                { ...common, masterUsername: MASTER_USERNAME, masterPassword: password.result, databaseName: role.databaseName },
                { ...stateful, dependsOn: [global!], ignoreChanges: ["engineVersion", "globalClusterIdentifier", "replicationSourceIdentifier", ...memberOnly] },
            );
        } else {
            cluster = new aws.rds.Cluster(
                `${name}-cluster`,
                { ...common, sourceRegion: role.sourceRegion },
                // After a switchover AWS rewrites these on the members; engine upgrades go through the global cluster.
                { ...stateful, ignoreChanges: ["replicationSourceIdentifier", "globalClusterIdentifier", "engineVersion"] },
            );
        }

        const instances = Array.from({ length: args.instances }, (_, i) => {
            const az = args.availabilityZones[i % args.availabilityZones.length];
            return new aws.rds.ClusterInstance(
                `${name}-instance-${i}`,
                {
                    identifier: `${args.clusterIdentifier}-${i}`,
                    clusterIdentifier: cluster.id,
                    engine: engine as pulumi.Input<aws.rds.EngineType>,
                    engineVersion,
                    instanceClass: args.instanceClass,
                    availabilityZone: az,
                    dbSubnetGroupName: subnetGroup.name,
                    publiclyAccessible: false,
                    performanceInsightsEnabled: true,
                    performanceInsightsKmsKeyId: args.kmsKeyArn,
                    // Instance 0 is the preferred writer; the others are equal failover candidates.
                    promotionTier: i === 0 ? 0 : 1,
                    autoMinorVersionUpgrade: false,
                    tags: { Name: `${args.clusterIdentifier}-${i}` },
                },
                { ...stateful, ignoreChanges: ["engineVersion"] },
            );
        });

        const credentials =
            role.kind === "primary" ? { username: MASTER_USERNAME, password: password!.result, databaseName: role.databaseName } : role.credentials;
        const secret = new aws.secretsmanager.Secret(
            `${name}-master-secret`,
            {
                name: `intelgraph/${args.clusterIdentifier}/master`,
                description: `Master credentials of the global database, with the endpoint of ${args.clusterIdentifier}`,
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: 30,
            },
            { parent: this },
        );
        new aws.secretsmanager.SecretVersion(
            `${name}-master-secret-value`,
            {
                secretId: secret.id,
                secretString: pulumi.secret(
                    pulumi
                        .all([credentials.username, credentials.password, credentials.databaseName, cluster.endpoint])
                        .apply(([username, pw, dbname, host]) => JSON.stringify({ engine: "postgres", username, password: pw, host, port: AURORA_PORT, dbname })),
                ),
            },
            { parent: this },
        );
        if (global) this.globalWriterEndpoint = global.endpoint;
        this.masterSecretArn = secret.arn;
        this.masterUsername = pulumi.output(credentials.username);
        this.masterPassword = pulumi.secret(credentials.password);
        this.databaseName = pulumi.output(credentials.databaseName);

        this.clusterArn = cluster.arn;
        this.clusterIdentifier = cluster.clusterIdentifier;
        this.writerEndpoint = cluster.endpoint;
        this.readerEndpoint = cluster.readerEndpoint;
        this.globalClusterIdentifier = pulumi.output(globalClusterIdentifier);
        this.engine = pulumi.output(engine);
        this.engineVersion = pulumi.output(engineVersion);
        this.securityGroupId = sg.id;
        this.subnetGroupName = subnetGroup.name;
        this.instanceArns = instances.map((x) => x.arn);
        this.registerOutputs({
            clusterArn: this.clusterArn,
            writerEndpoint: this.writerEndpoint,
            readerEndpoint: this.readerEndpoint,
            globalClusterIdentifier: this.globalClusterIdentifier,
            instanceArns: this.instanceArns,
        });
    }
}

/** RDS identifiers: 1-63 letters, digits and single hyphens, starting with a letter, not ending in a hyphen. */
const RDS_IDENTIFIER = /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{0,62}$/;

function validateArgs(args: AuroraGlobalArgs): Problems {
    const p = new Problems();
    p.check(isIntIn(args.instances, 2, 16), `instances must be a whole number from 2 to 16 (a writer and at least one standby in another AZ), got ${args.instances}`);
    const distinctAzs = new Set(args.availabilityZones).size;
    p.check(distinctAzs >= 2 && distinctAzs === args.availabilityZones.length, `availabilityZones must list at least two distinct AZs (the instances are spread over them), got ${JSON.stringify(args.availabilityZones)}`);
    p.check(args.isolatedSubnetIds.length >= 2, `isolatedSubnetIds must list at least two subnets (a DB subnet group spans two AZs), got ${args.isolatedSubnetIds.length}`);
    p.check(isIntIn(args.backupRetentionDays, 1, 35), `backupRetentionDays must be a whole number of days from 1 to 35 (Aurora's range), got ${args.backupRetentionDays}`);
    p.check(/^db\.[a-z0-9]+\.[a-z0-9]+$/.test(args.instanceClass) && !args.instanceClass.startsWith("db.serverless"), `instanceClass must be a provisioned DB instance class such as db.r6g.large, got ${JSON.stringify(args.instanceClass)}`);
    // The final snapshot is named <clusterIdentifier>-final, an identifier too.
    p.check(RDS_IDENTIFIER.test(args.clusterIdentifier) && !args.clusterIdentifier.endsWith("-") && args.clusterIdentifier.length <= 57,
        `clusterIdentifier must be 1-57 letters, digits and single hyphens, starting with a letter and not ending in a hyphen (its final snapshot adds "-final"), got ${JSON.stringify(args.clusterIdentifier)}`);
    const role = args.role;
    if (role.kind === "primary") {
        p.check(/^\d+\.\d+$/.test(role.engineVersion), `role.engineVersion must be a pinned major.minor version such as "16.4", got ${JSON.stringify(role.engineVersion)}`);
        p.check(RDS_IDENTIFIER.test(role.globalClusterIdentifier) && !role.globalClusterIdentifier.endsWith("-"), `role.globalClusterIdentifier must be letters, digits and single hyphens, starting with a letter, got ${JSON.stringify(role.globalClusterIdentifier)}`);
        p.check(/^[a-zA-Z][a-zA-Z0-9_]{0,62}$/.test(role.databaseName), `role.databaseName must be 1-63 letters, digits or "_", starting with a letter, got ${JSON.stringify(role.databaseName)}`);
        p.check(role.membership === "writer" || role.membership === "secondary", `role.membership must be "writer" or "secondary", got ${JSON.stringify(role.membership)}`);
    } else {
        p.check(isRegion(role.sourceRegion), `role.sourceRegion must be the primary's AWS region such as us-west-2, got ${JSON.stringify(role.sourceRegion)}`);
    }
    return p;
}
