import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn, isRegion } from "../boundary";
import type { IrsaRole, IrsaRoleArgs } from "../compute/EksCluster";
import { loadBalancerControllerPolicy } from "./loadBalancerControllerPolicy";
import { PUBLIC_ENTRY_POLICY, PUBLIC_ENTRY_RESOURCE_RULES, PUBLIC_ENTRY_VALIDATIONS } from "./publicEntryPolicy";

export const LOAD_BALANCER_CONTROLLER = {
    chart: "aws-load-balancer-controller",
    repo: "https://aws.github.io/eks-charts",
    namespace: "kube-system",
    serviceAccount: "aws-load-balancer-controller",
} as const;

/** What the controller needs of its EKS cluster (an `EksCluster` satisfies it). */
export interface ControllerCluster {
    readonly clusterName: pulumi.Output<string>;
    /** Its replicas (two, on separate nodes) must be able to become ready within the release's timeout. */
    readonly generalTierReady: pulumi.Resource[];
    irsaRole(name: string, args: IrsaRoleArgs, parent?: pulumi.Resource): IrsaRole;
}

export interface LoadBalancerControllerArgs {
    readonly cluster: ControllerCluster;
    readonly region: string;
    readonly vpcId: pulumi.Input<string>;
    /** The target groups it may register pods in; nothing else is writable for it. */
    readonly targetGroupArns: readonly pulumi.Input<string>[];
    /** Exact eks-charts chart version. */
    readonly chartVersion: string;
    readonly replicas: number;
    /** The controller's image from this region's ECR cache (components/registry/images.ts chartImage): repository and tag@digest. */
    readonly image: { readonly repository: string; readonly tag: string };
    /** What must exist before its pods pull (the region's registry cache). */
    readonly imageReady: readonly pulumi.Resource[];
    /** Node label of the tier it runs on (not the tainted graph nodes). */
    readonly nodeSelector: Readonly<Record<string, string>>;
}

const ZONE_KEY = "topology.kubernetes.io/zone";
const HOST_KEY = "kubernetes.io/hostname";

/**
 * The AWS Load Balancer Controller, installed from its Helm chart with an IRSA role that may only register
 * targets in this program's target groups (see loadBalancerControllerPolicy). Replicas run on separate nodes,
 * preferably in separate zones, behind a PodDisruptionBudget: its webhooks admit the API's pods.
 *
 * The role alone does not close every way in: EKS's own cloud provider still creates a Classic ELB for a
 * `type: LoadBalancer` Service. A ValidatingAdmissionPolicy refuses creating such a Service (or turning one into
 * it) and creating an Ingress, so the only public entry is the ALB this program manages and the policy pack checks.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
    readonly roleArn: pulumi.Output<string>;
    readonly release: k8s.helm.v3.Release;
    readonly admissionPolicyName: pulumi.Output<string>;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:edge:LoadBalancerController", name, {}, opts);
        validateArgs(args).throwIfAny(this, "LoadBalancerController", name);
        const role = args.cluster.irsaRole(
            `${name}-role`,
            {
                namespace: LOAD_BALANCER_CONTROLLER.namespace,
                serviceAccount: LOAD_BALANCER_CONTROLLER.serviceAccount,
                policy: pulumi.all([...args.targetGroupArns]).apply((arns) => loadBalancerControllerPolicy(arns)),
            },
            this,
        );

        const podLabels = { "app.kubernetes.io/name": LOAD_BALANCER_CONTROLLER.chart, "app.kubernetes.io/instance": LOAD_BALANCER_CONTROLLER.chart };
        this.release = new k8s.helm.v3.Release(
            name,
            {
                name: LOAD_BALANCER_CONTROLLER.chart,
                chart: LOAD_BALANCER_CONTROLLER.chart,
                version: args.chartVersion,
                repositoryOpts: { repo: LOAD_BALANCER_CONTROLLER.repo },
                namespace: LOAD_BALANCER_CONTROLLER.namespace,
                // A failed install or upgrade rolls back instead of leaving a half-configured controller.
                atomic: true,
                cleanupOnFail: true,
                timeout: 600,
                maxHistory: 10,
                values: {
                    clusterName: args.cluster.clusterName,
                    // Pods cannot reach IMDS (IMDSv2, hop limit 1): region and VPC must be given, not discovered.
                    region: args.region,
                    vpcId: args.vpcId,
                    replicaCount: args.replicas,
                    // The chart's default image is on ECR Public: this region's cache instead, pinned by digest.
                    image: { repository: args.image.repository, tag: args.image.tag },
                    serviceAccount: {
                        create: true,
                        name: LOAD_BALANCER_CONTROLLER.serviceAccount,
                        annotations: { "eks.amazonaws.com/role-arn": role.arn },
                    },
                    // Ingress is not a way in: the role cannot create load balancers, and no IngressClass invites it.
                    createIngressClassResource: false,
                    enableShield: false,
                    enableWaf: false,
                    enableWafv2: false,
                    defaultTargetType: "ip",
                    // Its Service webhook intercepts every Service create in the cluster and fails closed while the
                    // controller is down; with LoadBalancer Services refused below it has nothing to do.
                    enableServiceMutatorWebhook: false,
                    // Surge-free rollouts: the replicas' required node anti-affinity leaves no node for a surge pod
                    // on a standby-sized node group, and an atomic release would roll back after the timeout.
                    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
                    nodeSelector: { ...args.nodeSelector },
                    podDisruptionBudget: { maxUnavailable: 1 },
                    affinity: {
                        podAntiAffinity: {
                            requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOST_KEY, labelSelector: { matchLabels: podLabels } }],
                            preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: ZONE_KEY, labelSelector: { matchLabels: podLabels } } }],
                        },
                    },
                    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
                },
            },
            // Its webhooks call AWS on admission: the role's policy must exist before the first pod starts. On
            // destroy, the nodes stay until it is gone: it removes the TargetGroupBinding's finalizer.
            { parent: this, dependsOn: [...role.grants, ...args.cluster.generalTierReady, ...args.imageReady] },
        );

        const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
            `${name}-public-entry-policy`,
            {
                metadata: { name: PUBLIC_ENTRY_POLICY },
                spec: {
                    failurePolicy: "Fail",
                    matchConstraints: { resourceRules: PUBLIC_ENTRY_RESOURCE_RULES },
                    validations: PUBLIC_ENTRY_VALIDATIONS,
                },
            },
            { parent: this },
        );
        // The policy's name as a literal, so CrossGuard can match binding and policy at a first preview too.
        new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
            `${name}-public-entry-binding`,
            { metadata: { name: PUBLIC_ENTRY_POLICY }, spec: { policyName: PUBLIC_ENTRY_POLICY, validationActions: ["Deny"] } },
            { parent: this, dependsOn: [policy] },
        );

        this.roleArn = role.arn;
        this.admissionPolicyName = policy.metadata.name;
        this.registerOutputs({ roleArn: this.roleArn, releaseStatus: this.release.status, admissionPolicyName: this.admissionPolicyName });
    }
}

function validateArgs(args: LoadBalancerControllerArgs): Problems {
    const p = new Problems();
    p.check(isIntIn(args.replicas, 2), `replicas must be a whole number of at least 2 (its webhooks admit the API's pods; the PDB keeps one up), got ${args.replicas}`);
    p.check(args.targetGroupArns.length > 0, "targetGroupArns must list at least one target group: the controller's role may register targets nowhere else");
    p.check(/^\d+\.\d+\.\d+$/.test(args.chartVersion), `chartVersion must be an exact chart version such as 1.17.1, got ${JSON.stringify(args.chartVersion)}`);
    p.check(isRegion(args.region), `region must be an AWS region such as us-west-2 (pods cannot discover it through IMDS), got ${JSON.stringify(args.region)}`);
    p.check(
        /\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com\//.test(args.image.repository) && /@sha256:[0-9a-f]{64}$/.test(args.image.tag),
        `image must be a repository of this region's ECR registry with a tag ending in @sha256:<digest>, got ${args.image.repository}:${args.image.tag}`,
    );
    p.check(Object.keys(args.nodeSelector).length > 0, "nodeSelector must select the general tier's nodes (the graph nodes are tainted)");
    return p;
}
