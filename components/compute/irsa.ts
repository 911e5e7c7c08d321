/** Pure helpers of the EKS cluster: IRSA trust policies and the exec-based kubeconfig. */

/** `https://oidc.eks.us-west-2.amazonaws.com/id/ABC` -> `oidc.eks.us-west-2.amazonaws.com/id/ABC` (the IAM condition key prefix). */
export function issuerHost(issuerUrl: string): string {
    return issuerUrl.replace(/^https:\/\//, "");
}

/**
 * Trust policy for a role assumed by one Kubernetes service account through the cluster's OIDC provider.
 * Both `sub` and `aud` are pinned: without `sub` any pod of the cluster could assume the role.
 */
export function irsaTrustPolicy(oidcProviderArn: string, issuerUrl: string, namespace: string, serviceAccount: string): string {
    const host = issuerHost(issuerUrl);
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${host}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                        [`${host}:aud`]: "sts.amazonaws.com",
                    },
                },
            },
        ],
    });
}

export interface KubeconfigInput {
    readonly clusterName: string;
    readonly endpoint: string;
    readonly certificateAuthority: string;
    readonly region: string;
}

/** A kubeconfig that gets short-lived tokens from `aws eks get-token`: no static credentials anywhere. */
export function buildKubeconfig({ clusterName, endpoint, certificateAuthority, region }: KubeconfigInput): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [
            {
                name: clusterName,
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "aws",
                        args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
                    },
                },
            },
        ],
    });
}
