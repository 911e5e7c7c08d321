import { beforeAll, describe, expect, it } from "vitest";
import { RegionalEntrypoint, type RegionalEntrypointArgs } from "../../../components/edge/RegionalEntrypoint";
import type { PlannedStack } from "../../../tools/offline/engine";
import { type ComponentPlan, expectRefused, planComponent } from "../../helpers/component";
import { inputsOf, mustGet, ofType, one, outputsOf, plan } from "../../helpers/plan";

let stacks: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
});

describe.each(["us-west-2", "us-east-1"] as const)("RegionalEntrypoint in %s", (region) => {
    const s = () => mustGet(stacks, region);
    const listener = (port: number) => ofType(s(), "aws:lb/listener:Listener").filter((l) => l.name.startsWith("api-")).map(inputsOf).find((l) => l.port === port)!;

    it("is an internet-facing ALB in the public subnets, dropping invalid headers, with deletion protection", () => {
        expect(inputsOf(one(s(), "aws:lb/loadBalancer:LoadBalancer", "api-alb"))).toMatchObject({
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
        expect(https.defaultActions).toEqual([{ type: "forward", targetGroupArn: outputsOf(one(s(), "aws:lb/targetGroup:TargetGroup", "api-api")).arn }]);
        expect(inputsOf(one(s(), "aws:lb/targetGroup:TargetGroup", "api-api"))).toMatchObject({ targetType: "ip", port: 8080, healthCheck: { path: "/livez" } });
    });

    it("checks targets on the liveness path, never the writer-aware /healthz Route 53 checks (readiness gates would hold a standby's pods unready)", () => {
        const target = (inputsOf(one(s(), "aws:lb/targetGroup:TargetGroup", "api-api")).healthCheck as { path: string }).path;
        const route53 = inputsOf(one(s(), "aws:route53/healthCheck:HealthCheck")).resourcePath;
        expect(route53).toBe("/healthz");
        expect(target).toBe("/livez");
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
        // Besides the ALB on the API port, only the graph NLBs' group, on the graph servers' peer ports (GraphEndpoints).
        const graph = one(s(), "aws:ec2/securityGroup:SecurityGroup", "neo4j-nlb-sg").id;
        expect(fromAlb.filter((r) => r.referencedSecurityGroupId !== graph)).toEqual([expect.objectContaining({ ipProtocol: "tcp", fromPort: 8080, toPort: 8080, referencedSecurityGroupId: alb })]);
        expect(fromAlb.filter((r) => r.referencedSecurityGroupId === graph).map((r) => r.fromPort)).toEqual([6000, 7000, 7687, 7688]);
        expect(others.map((r) => [r.fromPort, r.toPort, r.description])).toEqual(others.map(() => [443, 443, "Kubernetes API from the deploy runners"]));
    });

    it("writes access logs to a locked-down bucket that ELB may write to", () => {
        const policy = JSON.parse(inputsOf(one(s(), "aws:s3/bucketPolicy:BucketPolicy", "api-access-logs-policy")).policy as string) as { Statement: { Sid: string; Principal: unknown }[] };
        expect(policy.Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${region === "us-east-1" ? "127311923021" : "797873946194"}:root` });
        expect(policy.Statement[1]).toEqual({
            Sid: "S3ServerAccessLogDelivery",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: `arn:aws:s3:::intelgraph-alb-logs-123456789012-${region}/s3/*`,
            Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        });
        expect(policy.Statement[2].Sid).toBe("DenyInsecureTransport");
        // The Neo4j backup and the evidence buckets log every access there (the awsguard access-logging finding).
        const logging = inputsOf(one(s(), "aws:s3/bucketLogging:BucketLogging", "neo4j-backups-access-logging"));
        expect(logging).toEqual({ bucket: s().outputs.neo4jBackupBucketName, targetBucket: `intelgraph-alb-logs-123456789012-${region}`, targetPrefix: "s3/neo4j-backups/" });
        expect(inputsOf(one(s(), "aws:s3/bucketLogging:BucketLogging", "dr-evidence-access-logging"))).toEqual({ bucket: s().outputs.evidenceBucketName, targetBucket: `intelgraph-alb-logs-123456789012-${region}`, targetPrefix: "s3/dr-evidence/" });
        expect(inputsOf(one(s(), "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "api-access-logs-public-access")).restrictPublicBuckets).toBe(true);
    });
});

describe("RegionalEntrypoint with its own args", () => {
    const args: RegionalEntrypointArgs = {
        region: "eu-west-1",
        accountId: "123456789012",
        nameTag: "test-edge",
        vpcId: "vpc-test",
        publicSubnetIds: ["subnet-p1", "subnet-p2"],
        targetSecurityGroupId: "sg-pods",
        apiDomain: "api.test.example.org",
        hostedZoneId: "ZTEST",
        createValidationRecord: true,
        accessLogBucketName: "test-alb-logs-eu-west-1",
        targetPort: 9000,
        livenessPath: "/ready",
    };
    const build = (over: Partial<RegionalEntrypointArgs> = {}) => planComponent(({ onRegion }) => new RegionalEntrypoint("edge", { ...args, ...over }, onRegion), { region: "eu-west-1" });

    it("puts the ALB in the given subnets after its log bucket policy, targets the given port and health path, and opens only that port to the pods", async () => {
        const p = await build();
        expect(p.error).toBeUndefined();
        const alb = p.one("aws:lb/loadBalancer:LoadBalancer");
        expect(p.inputs(alb.type)).toMatchObject({ internal: false, subnets: ["subnet-p1", "subnet-p2"], enableDeletionProtection: true, accessLogs: { bucket: "test-alb-logs-eu-west-1", prefix: "alb", enabled: true } });
        // ELB checks it may write the bucket when logging is turned on: the policy must exist first.
        expect(alb.dependencies).toContain(p.one("aws:s3/bucketPolicy:BucketPolicy").urn);
        expect(p.inputs("aws:lb/targetGroup:TargetGroup")).toMatchObject({ targetType: "ip", port: 9000, protocol: "HTTP", healthCheck: { path: "/ready", matcher: "200" } });
        expect(p.inputs("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")).toMatchObject({ referencedSecurityGroupId: "sg-pods", fromPort: 9000, toPort: 9000 });
        expect(p.inputs("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "edge-pods-from-alb")).toMatchObject({ securityGroupId: "sg-pods", fromPort: 9000, toPort: 9000 });
        const policy = JSON.parse(p.inputs("aws:s3/bucketPolicy:BucketPolicy").policy as string) as { Statement: { Sid: string; Principal: unknown }[] };
        expect(policy.Statement[0].Principal).toEqual({ AWS: "arn:aws:iam::156460612806:root" });
        expect(p.inputs("aws:s3/bucket:Bucket", "edge-access-logs-bucket").bucket).toBe("test-alb-logs-eu-west-1");
    });

    it("validates the certificate through its own record only when told to create it", async () => {
        const withRecord = await build();
        expect(p53(withRecord)).toHaveLength(1);
        expect(withRecord.inputs("aws:route53/record:Record")).toMatchObject({ zoneId: "ZTEST", ttl: 300, allowOverwrite: true });
        expect(withRecord.inputs("aws:acm/certificate:Certificate")).toMatchObject({ domainName: "api.test.example.org", validationMethod: "DNS" });
        const without = await build({ createValidationRecord: false });
        expect(p53(without)).toEqual([]);
        expect(without.inputs("aws:acm/certificateValidation:CertificateValidation").validationRecordFqdns).toBeUndefined();
    });

    it("lets the regional ELB service write logs where AWS has no delivery account", async () => {
        const p = await build({ region: "eu-south-2" });
        const policy = JSON.parse(p.inputs("aws:s3/bucketPolicy:BucketPolicy").policy as string) as { Statement: { Principal: unknown }[] };
        expect(policy.Statement[0].Principal).toEqual({ Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
    });

    const refused = "RegionalEntrypoint 'edge': ";
    it.each<[string, Partial<RegionalEntrypointArgs>, string]>([
        ["one public subnet", { publicSubnetIds: ["subnet-p1"] }, "publicSubnetIds must list at least two subnets (an ALB spans two AZs), got 1"],
        ["a port out of range", { targetPort: 0 }, "targetPort must be a TCP port from 1 to 65535, got 0"],
        ["a relative liveness path", { livenessPath: "livez" }, 'livenessPath must start with "/", got "livez"'],
        ["a wildcard domain", { apiDomain: "*.test.example.org" }, 'apiDomain must be a lowercase DNS name such as api.example.com (one certificate, no wildcard), got "*.test.example.org"'],
        [
            "a log bucket name S3 refuses, before creating the bucket",
            { accessLogBucketName: "Logs" },
            'accessLogBucketName must be a valid S3 bucket name (3-63 lowercase letters, digits, "." and "-", starting and ending with a letter or digit), got "Logs"',
        ],
    ])("refuses %s", async (_, over, problem) => {
        expectRefused(await build(over), RegionalEntrypoint, refused + problem);
    });
});

const p53 = (p: ComponentPlan) => p.ofType("aws:route53/record:Record");
