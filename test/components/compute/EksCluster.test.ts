import { beforeAll, describe, expect, it } from "vitest";
import { EksCluster, type EksClusterArgs } from "../../../components/compute/EksCluster";
import type { PlannedStack } from "../../../tools/offline/engine";
import { expectRefused, planComponent } from "../../helpers/component";
import { SECRET_SIG, SIG_KEY } from "../../../tools/offline/wire";
import { inputsOf, mustGet, ofType, one, outputsOf, plan, providerRegion } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each(["us-west-2", "us-east-1"] as const)("EksCluster in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const cluster = () => one(s(), "aws:eks/cluster:Cluster");
    const key = () => one(s(), "aws:kms/key:Key");

    it("encrypts Kubernetes secrets with the region's own key (encryptionConfig)", () => {
        expect(inputsOf(cluster()).encryptionConfig).toEqual({ provider: { keyArn: outputsOf(key()).arn }, resources: ["secrets"] });
        expect(cluster().propertyDependencies.encryptionConfig).toContain(key().urn);
        expect(providerRegion(s(), cluster())).toBe(region);
    });

    it("has a private endpoint and no public endpoint when no CIDRs are configured", () => {
        expect(inputsOf(cluster()).vpcConfig).toMatchObject({ endpointPrivateAccess: true, endpointPublicAccess: false, subnetIds: s().outputs.privateSubnetIds });
    });

    it("pins the Kubernetes version and ships every control-plane log to an encrypted log group", () => {
        expect(inputsOf(cluster())).toMatchObject({ version: "1.31", enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"] });
        const logs = one(s(), "aws:cloudwatch/logGroup:LogGroup", "eks-control-plane-logs");
        expect(inputsOf(logs)).toMatchObject({ name: `/aws/eks/intelgraph-${region}/cluster`, kmsKeyId: outputsOf(key()).arn });
        expect(cluster().dependencies).toContain(logs.urn);
    });

    it("uses access entries (authenticationMode API): one per configured identity, with its kind's access policy", () => {
        expect(inputsOf(cluster()).accessConfig).toEqual({ authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false });
        const policyOf = (principal: string) =>
            ofType(s(), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
                .filter((a) => a.propertyDependencies.principalArn?.includes(ofType(s(), "aws:eks/accessEntry:AccessEntry").find((e) => inputsOf(e).principalArn === principal)?.urn ?? "-"))
                .map((a) => [inputsOf(a).policyArn, inputsOf(a).accessScope]);
        const admin = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
        expect(Object.fromEntries(ofType(s(), "aws:eks/accessEntry:AccessEntry").map((e) => [inputsOf(e).principalArn, policyOf(String(inputsOf(e).principalArn))]))).toEqual({
            "arn:aws:iam::123456789012:role/intelgraph-platform-admin": [[admin, { type: "cluster" }]],
            "arn:aws:iam::123456789012:role/ci/intelgraph-deploy": [[admin, { type: "cluster" }]],
            "arn:aws:iam::123456789012:role/ci/intelgraph-preview": [["arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy", { type: "cluster" }]],
            "arn:aws:iam::123456789012:role/intelgraph-break-glass": [[admin, { type: "cluster" }]],
        });
    });

    it("names access entries after their principal, so reordering the config replaces none", () => {
        expect(ofType(s(), "aws:eks/accessEntry:AccessEntry").map((e) => e.name).sort()).toEqual([
            "eks-access-123456789012-intelgraph-break-glass",
            "eks-access-123456789012-intelgraph-deploy",
            "eks-access-123456789012-intelgraph-platform-admin",
            "eks-access-123456789012-intelgraph-preview",
        ]);
    });

    it("admits the region's deploy runners to the private endpoint on 443 only", () => {
        const rules = ofType(s(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("eks-api-from-runners-"));
        const clusterSg = (outputsOf(cluster()).vpcConfig as { clusterSecurityGroupId: string }).clusterSecurityGroupId;
        expect(clusterSg).toMatch(/^sg-/);
        expect(rules.map((r) => inputsOf(r))).toEqual(
            (s().outputs.privateSubnetCidrs as string[]).map((cidrIpv4) => ({
                securityGroupId: clusterSg,
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4,
                description: "Kubernetes API from the deploy runners",
            })),
        );
    });

    it("configures the Kubernetes provider only after every access policy association, the runners' path and the general nodes", () => {
        const provider = one(s(), "pulumi:providers:kubernetes");
        const needed = [
            ...ofType(s(), "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
            ...ofType(s(), "aws:eks/accessEntry:AccessEntry"),
            ...ofType(s(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => r.name.startsWith("eks-api-from-runners-")),
            one(s(), "aws:eks/nodeGroup:NodeGroup", "eks-ng-general"),
        ].map((r) => r.urn);
        expect(needed).toHaveLength(12);
        expect(provider.dependencies).toEqual(expect.arrayContaining(needed));
    });

    it("is protected and has deletion protection", () => {
        expect(cluster().protect).toBe(true);
        expect(inputsOf(cluster()).deletionProtection).toBe(true);
    });

    it("gives the node role the worker, ECR pull and CNI policies", () => {
        const nodeRole = one(s(), "aws:iam/role:Role", "eks-node-role");
        const attached = ofType(s(), "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .filter((a) => inputsOf(a).role === outputsOf(nodeRole).name)
            .map((a) => inputsOf(a).policyArn);
        expect(attached.sort()).toEqual([
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        ]);
    });

    it("launch template requires IMDSv2 with hop limit 1 and encrypts gp3 root volumes with the regional key", () => {
        const lt = inputsOf(one(s(), "aws:ec2/launchTemplate:LaunchTemplate"));
        expect(lt.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" });
        expect(lt.blockDeviceMappings).toEqual([
            { deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true", kmsKeyId: outputsOf(key()).arn, deleteOnTermination: "true" } },
        ]);
    });

    it("leaves node security groups to EKS, so nodes and VPC CNI pods sit in the cluster security group the ALB rule opens", () => {
        const lt = inputsOf(one(s(), "aws:ec2/launchTemplate:LaunchTemplate"));
        for (const k of ["vpcSecurityGroupIds", "securityGroupNames", "networkInterfaces"]) expect(lt[k], k).toBeUndefined();
        expect(s().resources.filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup").map((g) => inputsOf(g).remoteAccess)).toEqual([undefined, undefined, undefined, undefined]);
    });

    it("tags instances and volumes the node groups launch with the residency tags", () => {
        const specs = inputsOf(one(s(), "aws:ec2/launchTemplate:LaunchTemplate")).tagSpecifications as { resourceType: string; tags: Record<string, string> }[];
        expect(specs.map((x) => x.resourceType)).toEqual(["instance", "volume", "network-interface"]);
        for (const spec of specs) expect(spec.tags).toMatchObject({ "residency-zone": "us", "residency-region": region, "cost-centre": "cc-4100" });
    });

    it("spreads the general node group over the three private subnets", () => {
        const general = inputsOf(one(s(), "aws:eks/nodeGroup:NodeGroup", "eks-ng-general"));
        expect(general.subnetIds).toEqual(s().outputs.privateSubnetIds);
        expect(general.launchTemplate).toMatchObject({ id: one(s(), "aws:ec2/launchTemplate:LaunchTemplate").id });
    });

    it("has one graph node group per AZ, each pinned to that AZ's subnet and tainted for Neo4j", () => {
        const graph = ofType(s(), "aws:eks/nodeGroup:NodeGroup").filter((g) => g.name.startsWith("eks-ng-graph-"));
        const subnets = s().outputs.privateSubnetIds as string[];
        expect(graph.map((g) => inputsOf(g).subnetIds)).toEqual(subnets.map((id) => [id]));
        for (const g of graph) expect(inputsOf(g).taints).toEqual([{ key: "intelgraph.io/graph", value: "true", effect: "NO_SCHEDULE" }]);
    });

    it("leaves desiredSize to the autoscaler", () => {
        for (const g of ofType(s(), "aws:eks/nodeGroup:NodeGroup")) expect(g.ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    });

    it("takes node group sizes from the stack file", () => {
        const general = inputsOf(one(s(), "aws:eks/nodeGroup:NodeGroup", "eks-ng-general")).scalingConfig;
        expect(general).toEqual(region === "us-west-2" ? { minSize: 4, desiredSize: 4, maxSize: 8 } : { minSize: 2, desiredSize: 2, maxSize: 8 });
    });

    it("registers an OIDC provider whose thumbprint comes from the issuer's certificate chain", () => {
        const oidc = inputsOf(one(s(), "aws:iam/openIdConnectProvider:OpenIdConnectProvider"));
        expect(oidc.url).toBe(s().outputs.eksOidcIssuerUrl);
        expect(oidc.clientIdLists).toEqual(["sts.amazonaws.com"]);
        expect(oidc.thumbprintLists).toEqual(["8da7f965ec5efc37910f1c6e59fdc1cc6a6ede16"]);
    });

    it("installs the core add-ons, EBS CSI with an IRSA role that can use the regional key", () => {
        // The cluster's own add-ons (Container Insights' is a component of its own, tested there).
        const addons = ofType(s(), "aws:eks/addon:Addon").filter((a) => a.name.startsWith("eks-addon-")).map((a) => inputsOf(a).addonName);
        expect(addons.sort()).toEqual(["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]);
        const ebs = one(s(), "aws:eks/addon:Addon", "eks-addon-aws-ebs-csi-driver");
        const role = one(s(), "aws:iam/role:Role", "eks-ebs-csi");
        expect(inputsOf(ebs).serviceAccountRoleArn).toBe(outputsOf(role).arn);
        const trust = JSON.parse(inputsOf(role).assumeRolePolicy as string);
        expect(Object.values(trust.Statement[0].Condition.StringEquals)).toContain("system:serviceaccount:kube-system:ebs-csi-controller-sa");
        const inline = JSON.parse(inputsOf(one(s(), "aws:iam/rolePolicy:RolePolicy", "eks-ebs-csi-inline")).policy as string);
        expect(inline.Statement.every((st: { Resource: string }) => st.Resource === outputsOf(key()).arn)).toBe(true);
    });

    it("declares an encrypted gp3 StorageClass with reclaimPolicy Retain and the regional key", () => {
        const sc = one(s(), "kubernetes:storage.k8s.io/v1:StorageClass", "eks-gp3-encrypted");
        expect(inputsOf(sc)).toMatchObject({
            metadata: { name: "gp3-encrypted" },
            provisioner: "ebs.csi.aws.com",
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            parameters: { type: "gp3", encrypted: "true", kmsKeyId: outputsOf(key()).arn },
        });
        expect(sc.provider).toMatch(/\$pulumi:providers:kubernetes::eks-k8s::/);
    });

    it("exports a secret exec kubeconfig", () => {
        const kubeconfig = s().outputs.kubeconfig as Record<string, unknown>;
        expect(kubeconfig[SIG_KEY]).toBe(SECRET_SIG);
        expect(JSON.parse(kubeconfig.value as string).users[0].user.exec.command).toBe("aws");
        expect(s().outputs.eksNodeGroupNames).toEqual([`intelgraph-${region}-general`, `intelgraph-${region}-graph-a`, `intelgraph-${region}-graph-b`, `intelgraph-${region}-graph-c`]);
    });
});

describe("EksCluster with its own args", () => {
    const size = (min: number, desired: number, max: number, type = "m6i.large") => ({ instanceTypes: [type], minSize: min, desiredSize: desired, maxSize: max });
    const args: EksClusterArgs = {
        clusterName: "test-eks",
        region: "eu-west-1",
        partition: "aws",
        kubernetesVersion: "1.32",
        privateSubnetIds: ["subnet-a", "subnet-b"],
        availabilityZones: ["eu-west-1a", "eu-west-1b"],
        kmsKeyArn: "arn:aws:kms:eu-west-1:210987654321:key/test",
        publicAccessCidrs: [],
        privateAccessCidrs: ["10.70.0.0/18"],
        access: {
            admins: [],
            deployers: ["arn:aws:iam::210987654321:role/ci/deploy"],
            previewers: ["arn:aws:iam::210987654321:role/ci/preview"],
            breakGlass: [],
        },
        general: size(1, 2, 3),
        graphPerAz: size(1, 1, 4, "r6i.xlarge"),
        instanceTags: { owner: "test" },
    };
    const build = (over: Partial<EksClusterArgs> = {}) => planComponent(({ onRegion }) => new EksCluster("eks", { ...args, ...over }, onRegion), { region: "eu-west-1" });

    it("2 AZs give one general node group over both subnets and 2 graph node groups, one per AZ subnet, desiredSize left to the autoscaler", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const groups = p.ofType("aws:eks/nodeGroup:NodeGroup");
        expect(groups.map((g) => g.name).sort()).toEqual(["eks-ng-general", "eks-ng-graph-a", "eks-ng-graph-b"]);
        expect(p.inputs("aws:eks/nodeGroup:NodeGroup", "eks-ng-general")).toMatchObject({ subnetIds: ["subnet-a", "subnet-b"], instanceTypes: ["m6i.large"], scalingConfig: { minSize: 1, desiredSize: 2, maxSize: 3 } });
        for (const [az, subnet] of [["a", "subnet-a"], ["b", "subnet-b"]]) {
            expect(p.inputs("aws:eks/nodeGroup:NodeGroup", `eks-ng-graph-${az}`)).toMatchObject({
                nodeGroupName: `test-eks-graph-${az}`,
                subnetIds: [subnet],
                scalingConfig: { minSize: 1, desiredSize: 1, maxSize: 4 },
                taints: [{ key: "intelgraph.io/graph", value: "true", effect: "NO_SCHEDULE" }],
            });
        }
        const policies = p.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((r) => r.name.startsWith("eks-node-")).map((r) => r.urn);
        for (const g of groups) {
            expect(g.ignoreChanges, g.name).toEqual(["scalingConfig.desiredSize"]);
            expect(g.dependencies, g.name).toEqual(expect.arrayContaining(policies));
        }
    });

    it("protects the cluster and creates it after its role's policy and its log group", async () => {
        const p = await build();
        const cluster = p.one("aws:eks/cluster:Cluster");
        expect(cluster.protect).toBe(true);
        expect(cluster.dependencies).toEqual(expect.arrayContaining([p.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "eks-cluster-policy").urn, p.one("aws:cloudwatch/logGroup:LogGroup").urn]));
        expect(p.inputs("aws:eks/cluster:Cluster")).toMatchObject({
            name: "test-eks",
            version: "1.32",
            vpcConfig: { subnetIds: ["subnet-a", "subnet-b"], endpointPrivateAccess: true, endpointPublicAccess: false },
            encryptionConfig: { provider: { keyArn: args.kmsKeyArn }, resources: ["secrets"] },
            deletionProtection: true,
        });
        expect(p.inputs("aws:cloudwatch/logGroup:LogGroup")).toMatchObject({ name: "/aws/eks/test-eks/cluster", kmsKeyId: args.kmsKeyArn });
    });

    it("gives each listed identity one access entry, and the Kubernetes provider waits for every grant, the runners' rule and the general nodes", async () => {
        const p = await build();
        const entries = p.ofType("aws:eks/accessEntry:AccessEntry");
        expect(entries.map((e) => e.name).sort()).toEqual(["eks-access-210987654321-deploy", "eks-access-210987654321-preview"]);
        const associations = p.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        expect(Object.fromEntries(associations.map((a) => [a.name, p.inputs(a.type, a.name).policyArn]))).toEqual({
            "eks-access-210987654321-deploy-policy": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
            "eks-access-210987654321-preview-policy": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy",
        });
        const rules = p.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        expect(rules.map((r) => p.inputs(r.type, r.name).cidrIpv4)).toEqual(["10.70.0.0/18"]);
        const provider = p.one("pulumi:providers:kubernetes", "eks-k8s");
        expect(provider.dependencies).toEqual(expect.arrayContaining([...entries, ...associations, ...rules, p.one("aws:eks/nodeGroup:NodeGroup", "eks-ng-general")].map((r) => r.urn)));
        const storageClass = p.one("kubernetes:storage.k8s.io/v1:StorageClass");
        expect(storageClass.dependencies).toContain(p.one("aws:eks/addon:Addon", "eks-addon-aws-ebs-csi-driver").urn);
        expect(p.inputs(storageClass.type, storageClass.name)).toMatchObject({ reclaimPolicy: "Retain", parameters: { kmsKeyId: args.kmsKeyArn } });
    });

    it("opens the public endpoint only to the listed CIDRs", async () => {
        const p = await build({ publicAccessCidrs: ["203.0.113.0/24"] });
        expect(p.inputs("aws:eks/cluster:Cluster").vpcConfig).toMatchObject({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] });
    });

    const refused = "EksCluster 'eks': ";
    it.each<[string, Partial<EksClusterArgs>, string]>([
        ["subnets and AZs of different lengths", { privateSubnetIds: ["subnet-a"] }, "privateSubnetIds (1) and availabilityZones (2) must have the same length: one private subnet per AZ, in the same order"],
        [
            "a single AZ",
            { privateSubnetIds: ["subnet-a"], availabilityZones: ["eu-west-1a"] },
            "availabilityZones must list at least two AZs (EKS requires subnets in two), got 1",
        ],
        [
            "an empty access list",
            { access: { admins: [], deployers: [], previewers: [], breakGlass: [] } },
            "access must list at least one admin or deployer: the cluster grants its creator nothing (bootstrapClusterCreatorAdminPermissions false), and pulumi up needs cluster admin",
        ],
        [
            "an identity listed twice",
            { access: { ...args.access, breakGlass: ["arn:aws:iam::210987654321:role/ci/deploy"] } },
            "access principals must be listed once across admins, deployers, previewers and breakGlass (EKS refuses a second access entry), arn:aws:iam::210987654321:role/ci/deploy is listed twice",
        ],
        [
            "an STS session instead of a role",
            { access: { ...args.access, admins: ["arn:aws:sts::210987654321:assumed-role/admin/alice"] } },
            "access principals must be IAM role ARNs (arn:aws:iam::<account>:role/<path/name>), got arn:aws:sts::210987654321:assumed-role/admin/alice",
        ],
        ["a world-open endpoint", { publicAccessCidrs: ["0.0.0.0/0"] }, "publicAccessCidrs must not contain 0.0.0.0/0: the API endpoint is never open to the whole internet"],
        ["no path to the endpoint", { privateAccessCidrs: [] }, "privateAccessCidrs or publicAccessCidrs must list at least one CIDR: otherwise no deploy runner reaches the API"],
        ["desired above max", { general: size(1, 4, 3) }, "general must have whole sizes with 0 <= minSize <= desiredSize <= maxSize and maxSize >= 1, got 1/4/3"],
        ["an unpinned version", { kubernetesVersion: "latest" }, 'kubernetesVersion must be a pinned minor version such as "1.31", got "latest"'],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), EksCluster, refused + problem);
    });
});
