import { describe, expect, it } from "vitest";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-data-no-public-data-tier";

describe(RULE, () => {
    it("passes the compliant stacks", async () => {
        expect(await messages(await stackResources("us-west-2"), "us-west-2", RULE)).toEqual([]);
    });

    it("flags a publicly accessible database instance", async () => {
        const resources = await stackResources("us-west-2");
        setProp(byName(resources, "aurora-instance-1"), "publiclyAccessible", true);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            "aws:rds/clusterInstance:ClusterInstance 'aurora-instance-1' (us-west-2): publiclyAccessible is true; required: false. Set publiclyAccessible false; apps reach the database over the VPC.",
        ]);
    });

    it("flags an EKS API open to the internet", async () => {
        const resources = await stackResources("us-east-1");
        const cluster = byName(resources, "eks-cluster");
        setProp(cluster, "vpcConfig", { ...(cluster.inputs!.vpcConfig as Record<string, never>), endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] });
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            "aws:eks/cluster:Cluster 'eks-cluster' (us-east-1): vpcConfig.publicAccessCidrs is [\"0.0.0.0/0\"]; required: explicit CIDRs, never 0.0.0.0/0 (or keep the endpoint private). List the operators' CIDRs in intelgraph:eks.publicAccessCidrs.",
        ]);
    });
});
