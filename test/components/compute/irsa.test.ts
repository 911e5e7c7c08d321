import { describe, expect, it } from "vitest";
import { buildKubeconfig, irsaTrustPolicy, issuerHost } from "../../../components/compute/irsa";

describe("IRSA trust policy", () => {
    const policy = JSON.parse(
        irsaTrustPolicy("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC", "https://oidc.eks.us-west-2.amazonaws.com/id/ABC", "neo4j", "backup"),
    ) as { Statement: { Principal: { Federated: string }; Action: string; Condition: { StringEquals: Record<string, string> } }[] };

    it("trusts only the cluster's OIDC provider through web identity", () => {
        expect(policy.Statement).toHaveLength(1);
        expect(policy.Statement[0].Principal.Federated).toBe("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC");
        expect(policy.Statement[0].Action).toBe("sts:AssumeRoleWithWebIdentity");
    });

    it("pins both the service account (sub) and the STS audience (aud)", () => {
        expect(policy.Statement[0].Condition.StringEquals).toEqual({
            "oidc.eks.us-west-2.amazonaws.com/id/ABC:sub": "system:serviceaccount:neo4j:backup",
            "oidc.eks.us-west-2.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
        });
    });

    it("strips the scheme from the issuer for condition keys", () => {
        expect(issuerHost("https://oidc.eks.us-east-1.amazonaws.com/id/X")).toBe("oidc.eks.us-east-1.amazonaws.com/id/X");
    });
});

describe("kubeconfig", () => {
    const kubeconfig = JSON.parse(buildKubeconfig({ clusterName: "intelgraph-us-east-1", endpoint: "https://x.eks.amazonaws.com", certificateAuthority: "Q0E=", region: "us-east-1" }));

    it("authenticates with aws eks get-token for the cluster's region, with no static credentials", () => {
        const user = kubeconfig.users[0].user;
        expect(user.exec).toMatchObject({ command: "aws", args: ["eks", "get-token", "--cluster-name", "intelgraph-us-east-1", "--region", "us-east-1", "--output", "json"] });
        expect(user.token).toBeUndefined();
        expect(user["client-key-data"]).toBeUndefined();
    });

    it("points at the cluster endpoint with its CA", () => {
        expect(kubeconfig.clusters[0].cluster).toEqual({ server: "https://x.eks.amazonaws.com", "certificate-authority-data": "Q0E=" });
        expect(kubeconfig["current-context"]).toBe("intelgraph-us-east-1");
    });
});
