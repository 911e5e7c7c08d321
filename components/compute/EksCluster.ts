import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { Problems, duplicatesOf, isIntIn } from "../boundary";
import { TIER_LABEL } from "../labels";
import { buildKubeconfig, irsaTrustPolicy } from "./irsa";

export interface NodeGroupSize {
    readonly instanceTypes: readonly string[];
    readonly minSize: number;
    readonly desiredSize: number;
    readonly maxSize: number;
}

export interface EksClusterArgs {
    /** Physical cluster name; also names the pre-created control-plane log group. */
    readonly clusterName: string;
    readonly region: string;
    readonly partition: pulumi.Input<string>;
    /** Pinned minor version, e.g. "1.31": upgrades are a reviewed config change. */
    readonly kubernetesVersion: string;
    /** Private subnets in the order of `availabilityZones`. */
    readonly privateSubnetIds: readonly pulumi.Input<string>[];
    readonly availabilityZones: readonly string[];
    /** The region's customer-managed key: secrets envelope encryption, EBS, control-plane logs. */
    readonly kmsKeyArn: pulumi.Input<string>;
    /** Empty: the API endpoint is private only. */
    readonly publicAccessCidrs: readonly string[];
    /** Where the deploy runners reach the private endpoint from (inside the VPC or routed to it): admitted on 443. */
    readonly privateAccessCidrs: readonly string[];
    /** The identities that get an access entry, by what they do; full IAM role ARNs, each listed once. */
    readonly access: ClusterAccess;
    readonly general: NodeGroupSize;
    /** Sizes of each per-AZ graph node group. */
    readonly graphPerAz: NodeGroupSize;
    /** Tags for instances and volumes the node groups launch (provider defaultTags do not reach them). */
    readonly instanceTags: Readonly<Record<string, string>>;
    /**
     * Tags of the EBS volumes the StorageClass provisions (the Neo4j data), e.g. the one the backup plan selects
     * by. Set at provisioning only: volumes that exist keep their tags.
     */
    readonly volumeTags?: Readonly<Record<string, string>>;
}

export interface IrsaRoleArgs {
    readonly namespace: string;
    readonly serviceAccount: string;
    readonly managedPolicyArns?: readonly pulumi.Input<string>[];
    /** Inline policy document (JSON). */
    readonly policy?: pulumi.Input<string>;
}

/** IAM roles with an access entry, by what they do in the cluster. */
export interface ClusterAccess {
    readonly admins: readonly string[];
    readonly deployers: readonly string[];
    readonly previewers: readonly string[];
    readonly breakGlass: readonly string[];
}

/**
 * The EKS access policy each kind gets, cluster-wide (EKS User Guide, "Access policy permissions"). The program
 * creates cluster-scoped objects (StorageClass, CRDs and ClusterRoles through the controller's chart, webhook
 * configurations, a ValidatingAdmissionPolicy), which none of the Admin, Edit or View policies allows: deploying
 * needs ClusterAdmin. A preview only reads: AdminView (get/list/watch on everything, Secrets included, which a
 * refresh of the Helm release reads); dry-run applies it may not make fall back to a client-side preview.
 */
export const ACCESS_POLICIES: Readonly<Record<keyof ClusterAccess, string>> = {
    admins: "AmazonEKSClusterAdminPolicy",
    deployers: "AmazonEKSClusterAdminPolicy",
    previewers: "AmazonEKSAdminViewPolicy",
    breakGlass: "AmazonEKSClusterAdminPolicy",
};

const ROLE_ARN = /^arn:[^:]+:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/;

/**
 * A logical name per principal, not per list position: reordering the config never replaces an entry (a
 * replacement is created before the old one is deleted, and a second entry for one principal is refused).
 */
export function accessEntryName(principalArn: string): string {
    const m = ROLE_ARN.exec(principalArn);
    if (!m) throw new Error(`EksCluster: access principal ${principalArn} is not an IAM role ARN`);
    return `${m[1]}-${m[2]}`;
}

const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
/** An IRSA role and the policies that give it its permissions. */
export interface IrsaRole {
    readonly arn: pulumi.Output<string>;
    /**
     * The role with its policies: what a workload using the role depends on, so it never starts before its
     * permissions exist, and a destroy removes them only after the workload (its finalizers still need them).
     */
    readonly grants: pulumi.Resource[];
}

export const GRAPH_TAINT = { key: "intelgraph.io/graph", value: "true", effect: "NO_SCHEDULE" } as const;
export const STORAGE_CLASS_NAME = "gp3-encrypted";

/**
 * A region's EKS cluster: private endpoint, secrets encrypted with the regional key, access entries (API
 * authentication mode), managed node groups (a `general` tier over the three private subnets and one `graph`
 * node group per AZ, because EBS volumes are zonal and Neo4j's must be rescheduled in their own AZ), IRSA,
 * the core add-ons and a Retain gp3 StorageClass under the regional key.
 */
export class EksCluster extends pulumi.ComponentResource {
    readonly clusterName: pulumi.Output<string>;
    readonly endpoint: pulumi.Output<string>;
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly oidcIssuerUrl: pulumi.Output<string>;
    readonly nodeGroupNames: pulumi.Output<string>[];
    readonly graphNodeGroupNames: pulumi.Output<string>[];
    /** Secret: an exec kubeconfig (aws eks get-token), no static credentials. */
    readonly kubeconfig: pulumi.Output<string>;
    readonly kubernetesProvider: k8s.Provider;
    readonly storageClassName: pulumi.Output<string>;
    /** The security group EKS creates for the control plane and managed nodes; pods on the VPC CNI use it too. */
    readonly clusterSecurityGroupId: pulumi.Output<string>;
    /**
     * What a workload on the general tier needs before it can become ready (nodes, pod networking, DNS). Depending
     * on it also keeps the nodes until the workload is gone on destroy, so its finalizers can still run.
     */
    readonly generalTierReady: pulumi.Resource[];
    /** The same for workloads on the graph tier: its per-AZ node groups, pod networking, DNS and the EBS CSI driver. */
    readonly graphTierReady: pulumi.Resource[];

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:compute:EksCluster", name, {}, opts);
        validateArgs(args).throwIfAny(this, "EksCluster", name);
        const policyArn = (policy: string) => pulumi.interpolate`arn:${args.partition}:iam::aws:policy/${policy}`;
        const tag = (suffix: string) => ({ Name: `${args.clusterName}-${suffix}` });

        const clusterRole = new aws.iam.Role(
            `${name}-cluster-role`,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
                }),
                tags: tag("cluster-role"),
            },
            { parent: this },
        );
        const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-cluster-policy`, { role: clusterRole.name, policyArn: policyArn("AmazonEKSClusterPolicy") }, { parent: this });

        // EKS writes control-plane logs to this exact name; creating it first keeps them encrypted and retained.
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-control-plane-logs`,
            { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: 365, kmsKeyId: args.kmsKeyArn, tags: tag("control-plane-logs") },
            { parent: this },
        );

        const cluster = new aws.eks.Cluster(
            `${name}-cluster`,
            {
                name: args.clusterName,
                version: args.kubernetesVersion,
                roleArn: clusterRole.arn,
                vpcConfig: {
                    subnetIds: [...args.privateSubnetIds],
                    endpointPrivateAccess: true,
                    endpointPublicAccess: args.publicAccessCidrs.length > 0,
                    ...(args.publicAccessCidrs.length ? { publicAccessCidrs: [...args.publicAccessCidrs] } : {}),
                },
                // Envelope encryption of Secrets; once enabled it cannot be removed (AWS).
                encryptionConfig: { provider: { keyArn: args.kmsKeyArn }, resources: ["secrets"] },
                enabledClusterLogTypes: CONTROL_PLANE_LOGS,
                accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
                // Add-ons are managed below, pinned to this program, instead of the self-managed defaults.
                bootstrapSelfManagedAddons: false,
                deletionProtection: true,
                tags: tag("cluster"),
            },
            { parent: this, protect: true, dependsOn: [clusterPolicy, logGroup] },
        );

        // Typed as always present; known only once the cluster exists.
        const clusterSecurityGroupId = cluster.vpcConfig.apply((c) => c?.clusterSecurityGroupId ?? "");
        const accessGrants: pulumi.Resource[] = [];
        for (const kind of Object.keys(ACCESS_POLICIES) as (keyof ClusterAccess)[]) {
            for (const principalArn of args.access[kind]) {
                const id = `${name}-access-${accessEntryName(principalArn)}`;
                const entry = new aws.eks.AccessEntry(id, { clusterName: cluster.name, principalArn, type: "STANDARD", tags: tag(`access-${kind}`) }, { parent: this });
                const association = new aws.eks.AccessPolicyAssociation(
                    `${id}-policy`,
                    {
                        clusterName: cluster.name,
                        principalArn: entry.principalArn,
                        policyArn: pulumi.interpolate`arn:${args.partition}:eks::aws:cluster-access-policy/${ACCESS_POLICIES[kind]}`,
                        accessScope: { type: "cluster" },
                    },
                    { parent: this },
                );
                accessGrants.push(entry, association);
            }
        }

        // The deploy runners' path to the private endpoint: the control plane's network interfaces carry the
        // cluster security group, so the rule goes there (EKS User Guide, "Cluster API server endpoint").
        const endpointRules = args.privateAccessCidrs.map(
            (cidrIpv4, i) =>
                new aws.vpc.SecurityGroupIngressRule(
                    `${name}-api-from-runners-${i}`,
                    {
                        securityGroupId: clusterSecurityGroupId,
                        ipProtocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        cidrIpv4,
                        description: "Kubernetes API from the deploy runners",
                    },
                    { parent: this },
                ),
        );

        const nodeRole = new aws.iam.Role(
            `${name}-node-role`,
            {
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: tag("node-role"),
            },
            { parent: this },
        );
        const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonEKS_CNI_Policy"].map(
            (p) => new aws.iam.RolePolicyAttachment(`${name}-node-${p}`, { role: nodeRole.name, policyArn: policyArn(p) }, { parent: this }),
        );

        const launchTemplate = new aws.ec2.LaunchTemplate(
            `${name}-nodes`,
            {
                description: `IntelGraph ${args.clusterName} managed nodes`,
                updateDefaultVersion: true,
                // IMDSv2 only, hop limit 1: pods (one network hop away) cannot reach the node's credentials;
                // they get their own through IRSA. Host-network daemons (EBS CSI node) still reach IMDS.
                metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", kmsKeyId: args.kmsKeyArn, deleteOnTermination: "true" },
                    },
                ],
                tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
                    resourceType,
                    tags: { ...args.instanceTags, Name: `${args.clusterName}-node` },
                })),
                tags: tag("nodes"),
            },
            { parent: this },
        );

        const nodeGroup = (suffix: string, sizing: NodeGroupSize, subnetIds: pulumi.Input<string>[], extra: Partial<aws.eks.NodeGroupArgs>) =>
            new aws.eks.NodeGroup(
                `${name}-ng-${suffix}`,
                {
                    clusterName: cluster.name,
                    nodeGroupName: `${args.clusterName}-${suffix}`,
                    nodeRoleArn: nodeRole.arn,
                    subnetIds,
                    amiType: "AL2023_x86_64_STANDARD",
                    capacityType: "ON_DEMAND",
                    instanceTypes: [...sizing.instanceTypes],
                    scalingConfig: { minSize: sizing.minSize, desiredSize: sizing.desiredSize, maxSize: sizing.maxSize },
                    updateConfig: { maxUnavailable: 1 },
                    launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
                    tags: tag(`ng-${suffix}`),
                    ...extra,
                },
                // The cluster autoscaler (and failover scale-up) own desiredSize at run time.
                { parent: this, dependsOn: nodePolicies, ignoreChanges: ["scalingConfig.desiredSize"] },
            );

        const general = nodeGroup("general", args.general, [...args.privateSubnetIds], { labels: { [TIER_LABEL]: "general" } });
        const graph = args.availabilityZones.map((az, i) =>
            nodeGroup(`graph-${az.slice(-1)}`, args.graphPerAz, [args.privateSubnetIds[i]], {
                labels: { [TIER_LABEL]: "graph" },
                taints: [GRAPH_TAINT],
            }),
        );

        // Typed as always present, but a provider may leave them out until the cluster is ACTIVE.
        const issuer = cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? "");
        const certificate = tls.getCertificateOutput({ url: issuer }, { parent: this });
        const oidc = new aws.iam.OpenIdConnectProvider(
            `${name}-oidc`,
            {
                url: issuer,
                clientIdLists: ["sts.amazonaws.com"],
                thumbprintLists: [certificate.certificates.apply((c) => c?.[0]?.sha1Fingerprint ?? "")],
                tags: tag("oidc"),
            },
            { parent: this },
        );
        this.oidcProviderArn = oidc.arn;
        this.oidcIssuerUrl = issuer;

        const ebsCsiRole = this.irsaRole(`${name}-ebs-csi`, {
            namespace: "kube-system",
            serviceAccount: "ebs-csi-controller-sa",
            managedPolicyArns: [policyArn("service-role/AmazonEBSCSIDriverPolicy")],
            // Volumes encrypted with a customer-managed key need the driver to create grants on it.
            policy: pulumi.output(args.kmsKeyArn).apply((keyArn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], Resource: keyArn, Condition: { Bool: { "kms:GrantIsForAWSResource": true } } },
                        { Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"], Resource: keyArn },
                    ],
                }),
            ),
        });

        const addon = (addonName: string, extra: Partial<aws.eks.AddonArgs> = {}, dependsOn: pulumi.Resource[] = []) =>
            new aws.eks.Addon(
                `${name}-addon-${addonName}`,
                { clusterName: cluster.name, addonName, resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE", ...extra },
                { parent: this, dependsOn },
            );
        const vpcCni = addon("vpc-cni");
        const kubeProxy = addon("kube-proxy");
        // CoreDNS and the EBS CSI controller are Deployments: they need nodes to become ACTIVE.
        const coreDns = addon("coredns", {}, [general]);
        this.generalTierReady = [general, vpcCni, kubeProxy, coreDns];
        const ebsCsi = addon("aws-ebs-csi-driver", { serviceAccountRoleArn: ebsCsiRole.arn }, [general, ...ebsCsiRole.grants]);
        this.graphTierReady = [...graph, vpcCni, kubeProxy, coreDns, ebsCsi];

        this.kubeconfig = pulumi.secret(
            pulumi.all([cluster.name, cluster.endpoint, cluster.certificateAuthority]).apply(([clusterName, endpoint, ca]) =>
                buildKubeconfig({ clusterName, endpoint, certificateAuthority: ca?.data ?? "", region: args.region }),
            ),
        );
        // The provider reaches the API as whoever runs `pulumi up`, which has no permissions until its access policy
        // is associated, and access changes are eventually consistent ("may take several seconds to be effective",
        // EKS User Guide, "Create access entries"); the provider retries neither 401 nor 403. So it waits for every
        // association and the runners' network path, and for the general node group (minutes after the associations,
        // and every Kubernetes object here needs nodes anyway).
        this.kubernetesProvider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, enableServerSideApply: true },
            { parent: this, dependsOn: [...accessGrants, ...endpointRules, general] },
        );

        const storageClass = new k8s.storage.v1.StorageClass(
            `${name}-${STORAGE_CLASS_NAME}`,
            {
                metadata: { name: STORAGE_CLASS_NAME },
                provisioner: "ebs.csi.aws.com",
                // Retain: deleting a PVC (or the Neo4j release) never deletes the graph's data volume.
                reclaimPolicy: "Retain",
                volumeBindingMode: "WaitForFirstConsumer",
                allowVolumeExpansion: true,
                parameters: { type: "gp3", encrypted: "true", kmsKeyId: args.kmsKeyArn, ...volumeTagParameters(args.volumeTags ?? {}) },
            },
            { parent: this, provider: this.kubernetesProvider, dependsOn: [ebsCsi] },
        );

        this.clusterName = cluster.name;
        this.endpoint = cluster.endpoint;
        this.nodeGroupNames = [general, ...graph].map((g) => g.nodeGroupName);
        this.graphNodeGroupNames = graph.map((g) => g.nodeGroupName);
        this.storageClassName = storageClass.metadata.name;
        this.clusterSecurityGroupId = clusterSecurityGroupId;
        this.registerOutputs({
            clusterName: this.clusterName,
            endpoint: this.endpoint,
            oidcProviderArn: this.oidcProviderArn,
            nodeGroupNames: this.nodeGroupNames,
            storageClassName: this.storageClassName,
        });
    }

    /**
     * An IAM role only the given Kubernetes service account of this cluster can assume (IRSA). `parent` places
     * the role (and its policies) under the component that uses it, so an auditor finds them together.
     */
    irsaRole(name: string, args: IrsaRoleArgs, parent: pulumi.Resource = this): IrsaRole {
        const role = new aws.iam.Role(
            name,
            {
                assumeRolePolicy: pulumi
                    .all([this.oidcProviderArn, this.oidcIssuerUrl])
                    .apply(([arn, url]) => irsaTrustPolicy(arn, url, args.namespace, args.serviceAccount)),
                tags: { "kubernetes-service-account": `${args.namespace}/${args.serviceAccount}` },
            },
            { parent },
        );
        const grants: pulumi.Resource[] = (args.managedPolicyArns ?? []).map((policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-managed-${i}`, { role: role.name, policyArn }, { parent }));
        if (args.policy) grants.push(new aws.iam.RolePolicy(`${name}-inline`, { role: role.id, policy: args.policy }, { parent }));
        return { arn: role.arn, grants: [role, ...grants] };
    }
}

function sizeProblems(p: Problems, field: string, s: NodeGroupSize): void {
    p.check(s.instanceTypes.length > 0, `${field}.instanceTypes must name at least one instance type`);
    const ordered = isIntIn(s.minSize, 0) && isIntIn(s.desiredSize, 0) && isIntIn(s.maxSize, 1) && s.minSize <= s.desiredSize && s.desiredSize <= s.maxSize;
    p.check(ordered, `${field} must have whole sizes with 0 <= minSize <= desiredSize <= maxSize and maxSize >= 1, got ${s.minSize}/${s.desiredSize}/${s.maxSize}`);
}

function validateArgs(args: EksClusterArgs): Problems {
    const p = new Problems();
    const azs = args.availabilityZones;
    p.check(
        args.privateSubnetIds.length === azs.length,
        `privateSubnetIds (${args.privateSubnetIds.length}) and availabilityZones (${azs.length}) must have the same length: one private subnet per AZ, in the same order`,
    );
    p.check(azs.length >= 2, `availabilityZones must list at least two AZs (EKS requires subnets in two), got ${azs.length}`);
    // Graph node groups are named by the AZ's letter: two AZs with one letter would collide.
    const dup = duplicatesOf(azs.map((az) => az.slice(-1)));
    p.check(dup.length === 0, `availabilityZones must end in distinct letters (they name the graph node groups), ${dup.join(", ")} is used twice`);
    p.check(/^1\.\d+$/.test(args.kubernetesVersion), `kubernetesVersion must be a pinned minor version such as "1.31", got ${JSON.stringify(args.kubernetesVersion)}`);

    const principals = (Object.keys(ACCESS_POLICIES) as (keyof ClusterAccess)[]).flatMap((kind) => args.access[kind]);
    p.check(
        args.access.admins.length + args.access.deployers.length > 0,
        "access must list at least one admin or deployer: the cluster grants its creator nothing (bootstrapClusterCreatorAdminPermissions false), and pulumi up needs cluster admin",
    );
    const notRoles = principals.filter((arn) => !ROLE_ARN.test(arn));
    p.check(notRoles.length === 0, `access principals must be IAM role ARNs (arn:aws:iam::<account>:role/<path/name>), got ${notRoles.join(", ")}`);
    const twice = duplicatesOf(principals);
    p.check(twice.length === 0, `access principals must be listed once across admins, deployers, previewers and breakGlass (EKS refuses a second access entry), ${twice.join(", ")} is listed twice`);

    p.check(!args.publicAccessCidrs.includes("0.0.0.0/0"), "publicAccessCidrs must not contain 0.0.0.0/0: the API endpoint is never open to the whole internet");
    p.check(args.publicAccessCidrs.length + args.privateAccessCidrs.length > 0, "privateAccessCidrs or publicAccessCidrs must list at least one CIDR: otherwise no deploy runner reaches the API");
    sizeProblems(p, "general", args.general);
    sizeProblems(p, "graphPerAz", args.graphPerAz);
    p.check(args.clusterName.length > 0 && args.clusterName.length <= 100 && /^[0-9A-Za-z][A-Za-z0-9_-]*$/.test(args.clusterName), `clusterName must be 1-100 letters, digits, "-" or "_", starting with a letter or digit, got ${JSON.stringify(args.clusterName)}`);
    return p;
}

/**
 * The EBS CSI driver tags each volume it provisions with every StorageClass parameter named `tagSpecification_<n>`
 * whose value is `key=value` (aws-ebs-csi-driver docs/tagging.md, v1.6.0 and later).
 */
export function volumeTagParameters(tags: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(tags).map(([k, v], i) => [`tagSpecification_${i + 1}`, `${k}=${v}`]));
}
