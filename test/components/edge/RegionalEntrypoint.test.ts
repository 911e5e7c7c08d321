import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { inputsOf, mustGet, ofType, one, outputsOf, plan } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each(["us-west-2", "us-east-1"] as const)("RegionalEntrypoint in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const listener = (port: number) => ofType(s(), "aws:lb/listener:Listener").map(inputsOf).find((l) => l.port === port)!;

    it("is an internet-facing ALB in the public subnets, dropping invalid headers, with deletion protection", () => {
        expect(inputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer"))).toMatchObject({
            loadBalancerType: "application",
            internal: false,
            subnets: s().outputs.publicSubnetIds,
            dropInvalidHeaderFields: true,
            enableDeletionProtection: true,
            accessLogs: { bucket: `intelgraph-alb-logs-123456789012-${region}`, prefix: "alb", enabled: true },
        });
    });

    it("serves HTTPS with a pinned TLS policy and the validated ACM certificate, forwarding to the API target group", () => {
        const https = listener(443);
        expect(https).toMatchObject({ protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06" });
        expect(https.certificateArn).toBe(outputsOf(one(s(), "aws:acm/certificate:Certificate")).arn);
        expect(https.defaultActions).toEqual([{ type: "forward", targetGroupArn: outputsOf(one(s(), "aws:lb/targetGroup:TargetGroup")).arn }]);
        expect(inputsOf(one(s(), "aws:lb/targetGroup:TargetGroup"))).toMatchObject({ targetType: "ip", port: 8080, healthCheck: { path: "/healthz" } });
    });

    it("redirects HTTP to HTTPS", () => {
        expect(listener(80)).toMatchObject({ protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }] });
    });

    it("validates the certificate by DNS in the hosted zone (the record is created once, by the primary)", () => {
        expect(inputsOf(one(s(), "aws:acm/certificate:Certificate"))).toMatchObject({ domainName: "api.intelgraph.example.com", validationMethod: "DNS" });
        const records = ofType(s(), "aws:route53/record:Record").filter((r) => r.name === "api-cert-validation");
        expect(records).toHaveLength(region === "us-west-2" ? 1 : 0);
        if (records.length) expect(inputsOf(records[0])).toMatchObject({ zoneId: "Z0INTELGRAPHEXAMPLE1", type: "CNAME" });
    });

    it("opens only 443 and 80 to the internet, tagged as the load balancer's", () => {
        const sg = one(s(), "aws:ec2/securityGroup:SecurityGroup", "api-sg");
        const ingress = ofType(s(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) => inputsOf(r).securityGroupId === sg.id).map(inputsOf);
        expect(ingress.map((r) => [r.fromPort, r.cidrIpv4, (r.tags as Record<string, string>)["intelgraph.io/exposure"]])).toEqual([
            [443, "0.0.0.0/0", "public-https"],
            [80, "0.0.0.0/0", "public-http-redirect"],
        ]);
    });

    it("reaches the API pods' security group on the target port only, and that group admits the ALB there", () => {
        const alb = one(s(), "aws:ec2/securityGroup:SecurityGroup", "api-sg").id;
        // Managed nodes and VPC CNI pods sit in the security group EKS creates for the cluster.
        const pods = (outputsOf(one(s(), "aws:eks/cluster:Cluster")).vpcConfig as { clusterSecurityGroupId: string }).clusterSecurityGroupId;
        expect(pods).toMatch(/^sg-/);
        const egress = ofType(s(), "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").map(inputsOf).filter((r) => r.securityGroupId === alb);
        expect(egress).toEqual([expect.objectContaining({ ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: pods })]);
        expect(egress[0]).not.toHaveProperty("cidrIpv4");
        const intoPods = ofType(s(), "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputsOf).filter((r) => r.securityGroupId === pods);
        // Besides the ALB, only the deploy runners reach that group, on the Kubernetes API port (EksCluster).
        const [fromAlb, others] = [intoPods.filter((r) => r.referencedSecurityGroupId !== undefined), intoPods.filter((r) => r.referencedSecurityGroupId === undefined)];
        expect(fromAlb).toEqual([expect.objectContaining({ ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: alb })]);
        expect(others.map((r) => [r.fromPort, r.toPort, r.description])).toEqual(others.map(() => [443, 443, "Kubernetes API from the deploy runners"]));
    });

    it("writes access logs to a locked-down bucket that ELB may write to", () => {
        const policy = JSON.parse(inputsOf(one(s(), "aws:s3/bucketPolicy:BucketPolicy")).policy as string) as { Statement: { Sid: string; Principal: unknown }[] };
        expect(policy.Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${region === "us-east-1" ? "127311923021" : "797873946194"}:root` });
        expect(policy.Statement[1].Sid).toBe("DenyInsecureTransport");
        expect(inputsOf(one(s(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "api-access-logs-public-access")).restrictPublicBuckets).toBe(true);
    });
});
