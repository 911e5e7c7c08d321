/**
 * IAM policy of the AWS Load Balancer Controller when it only binds pods to target groups this program owns
 * (TargetGroupBinding) and creates no load balancer of its own.
 *
 * The upstream policy (docs/install/iam_policy.json) lets the controller create, tag and delete load balancers,
 * listeners, target groups and security groups anywhere in the account. Here the ALB, its listeners, target group
 * and security-group rules are Pulumi resources; the controller's part is to register and deregister pod IPs.
 * So an Ingress or a `type: LoadBalancer` Service fails with AccessDenied instead of opening an unreviewed public
 * entry: every way into the platform stays in this program and under the policy pack.
 */

/** Read-only calls of the TargetGroupBinding reconciler and its webhooks; EC2/ELB Describe* take no resource ARNs. */
export const DISCOVERY_ACTIONS = [
    // Webhooks fill in and validate targetType, ipAddressType and vpcID from the target group.
    "elasticloadbalancing:DescribeTargetGroups",
    // The reconciler diffs registered targets against the Service's endpoints.
    "elasticloadbalancing:DescribeTargetHealth",
    // Pod IPs are registered as in-VPC targets only after checking them against the VPC's CIDRs.
    "ec2:DescribeVpcs",
    // The networking step runs even without `networking` rules: it reads the cluster's security groups.
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeInstances",
] as const;

/** The only write calls: membership of the given target groups. */
export const REGISTRATION_ACTIONS = ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"] as const;

export function loadBalancerControllerPolicy(targetGroupArns: readonly string[]): string {
    if (targetGroupArns.length === 0) throw new Error("loadBalancerControllerPolicy: at least one target group ARN to bind");
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Sid: "Discover", Effect: "Allow", Action: [...DISCOVERY_ACTIONS], Resource: "*" },
            { Sid: "RegisterPodsInOwnTargetGroups", Effect: "Allow", Action: [...REGISTRATION_ACTIONS], Resource: [...targetGroupArns] },
        ],
    });
}
