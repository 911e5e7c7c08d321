import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ACCESS_LOGS_PURPOSE, EXPOSURES, EXPOSURE_TAG } from "../labels";
import { Problems, isPort, isRegion } from "../boundary";
import { SecureBucket, bucketNameProblem } from "../storage/SecureBucket";


/** AWS accounts that deliver ELB access logs in regions launched before August 2022 (AWS: "Enable access logs"). */
export const ELB_LOG_DELIVERY_ACCOUNTS: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-west-3": "009996457667",
    "eu-central-1": "054676820928",
    "eu-north-1": "897822967062",
    "ca-central-1": "985666609251",
};

/** Where S3 server access logs of the region's buckets go in the access-log bucket. */
export const S3_ACCESS_LOG_PREFIX = "s3/";

export interface RegionalEntrypointArgs {
    readonly region: string;
    /** The account whose buckets may deliver S3 server access logs to the access-log bucket. */
    readonly accountId: string;
    readonly nameTag: string;
    readonly vpcId: pulumi.Input<string>;
    readonly publicSubnetIds: readonly pulumi.Input<string>[];
    /**
     * Security group of the API pods' network interfaces (on the VPC CNI, the EKS cluster security group). The
     * load balancer may reach it on the target port, and it admits the load balancer there: nothing wider.
     */
    readonly targetSecurityGroupId: pulumi.Input<string>;
    readonly apiDomain: string;
    readonly hostedZoneId: string;
    /** The ACM DNS-validation CNAME is the same in every region of an account: one stack creates it. */
    readonly createValidationRecord: boolean;
    readonly accessLogBucketName: string;
    readonly targetPort: number;
    /**
     * The target group's health check: liveness only. Not the writer-aware /healthz Route 53 checks: the load
     * balancer controller's readiness gates hold a pod unready until its target is healthy (AWS Load Balancer
     * Controller docs, "Pod readiness gate"), so a writer-aware
     * check would keep a standby's pods unready and drain the old primary's after a failover.
     */
    readonly livenessPath: string;
}

/**
 * The region's public HTTPS entry for the API: an internet-facing ALB in the public subnets with an ACM
 * certificate validated in the hosted zone, a pinned TLS 1.2/1.3 policy, HTTP redirected to HTTPS, access logs
 * to a locked-down bucket, and an IP target group the AWS Load Balancer Controller binds the API pods to
 * (ApiTargetBinding).
 */
export class RegionalEntrypoint extends pulumi.ComponentResource {
    readonly dnsName: pulumi.Output<string>;
    readonly zoneId: pulumi.Output<string>;
    readonly loadBalancerArn: pulumi.Output<string>;
    readonly targetGroupArn: pulumi.Output<string>;
    readonly certificateArn: pulumi.Output<string>;
    /** `app/<name>/<id>` and `targetgroup/<name>/<id>`: the LoadBalancer and TargetGroup dimensions of AWS/ApplicationELB metrics. */
    readonly loadBalancerArnSuffix: pulumi.Output<string>;
    readonly targetGroupArnSuffix: pulumi.Output<string>;
    readonly accessLogBucketName: pulumi.Output<string>;

    constructor(name: string, args: RegionalEntrypointArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:edge:RegionalEntrypoint", name, {}, opts);
        validateArgs(args).throwIfAny(this, "RegionalEntrypoint", name);
        const child = { parent: this };
        const tag = (suffix: string) => ({ Name: `${args.nameTag}-${suffix}` });

        const logs = new SecureBucket(
            `${name}-access-logs`,
            {
                bucketName: args.accessLogBucketName,
                // ELB log delivery supports only SSE-S3; KMS-encrypted buckets silently receive no logs.
                encryption: { kind: "s3-managed", reason: "ELB access-log delivery supports only SSE-S3" },
                retentionDays: 90,
                purpose: ACCESS_LOGS_PURPOSE,
            },
            child,
        );
        const deliveryAccount = ELB_LOG_DELIVERY_ACCOUNTS[args.region];
        const logPolicy = new aws.s3.BucketPolicy(
            `${name}-access-logs-policy`,
            {
                bucket: logs.bucketName,
                policy: logs.bucketArn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "ElbLogDelivery",
                                Effect: "Allow",
                                Principal: deliveryAccount ? { AWS: `arn:aws:iam::${deliveryAccount}:root` } : { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
                                Action: "s3:PutObject",
                                Resource: `${arn}/alb/*`,
                            },
                            // S3 server access logs of the region's buckets (SecureBucket accessLogs): the log
                            // delivery service, for this account's buckets only (Amazon S3 User Guide, "Permissions
                            // for log delivery"). Server access logs can be delivered only to an SSE-S3 bucket, as this one is.
                            {
                                Sid: "S3ServerAccessLogDelivery",
                                Effect: "Allow",
                                Principal: { Service: "logging.s3.amazonaws.com" },
                                Action: "s3:PutObject",
                                Resource: `${arn}/${S3_ACCESS_LOG_PREFIX}*`,
                                Condition: { StringEquals: { "aws:SourceAccount": args.accountId } },
                            },
                            { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
                        ],
                    }),
                ),
            },
            child,
        );

        const sg = new aws.ec2.SecurityGroup(`${name}-sg`, { vpcId: args.vpcId, description: `Public ALB of ${args.nameTag}`, tags: tag("alb-sg") }, child);
        for (const [port, exposure] of [
            [443, EXPOSURES.https],
            [80, EXPOSURES.httpRedirect],
        ] as const) {
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-in-${port}`,
                { securityGroupId: sg.id, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0", description: `${exposure} from the internet`, tags: { [EXPOSURE_TAG]: exposure } },
                child,
            );
        }
        const toTargets = { ipProtocol: "tcp", fromPort: args.targetPort, toPort: args.targetPort };
        new aws.vpc.SecurityGroupEgressRule(
            `${name}-to-pods`,
            { securityGroupId: sg.id, referencedSecurityGroupId: args.targetSecurityGroupId, description: "to the API pods (target group and health checks)", ...toTargets },
            child,
        );
        new aws.vpc.SecurityGroupIngressRule(
            `${name}-pods-from-alb`,
            { securityGroupId: args.targetSecurityGroupId, referencedSecurityGroupId: sg.id, description: `from the ${args.nameTag} public ALB`, ...toTargets },
            child,
        );

        const cert = new aws.acm.Certificate(`${name}-cert`, { domainName: args.apiDomain, validationMethod: "DNS", keyAlgorithm: "EC_prime256v1", tags: tag("cert") }, child);
        // One domain, one validation option (typed as always present; a provider may omit it until issued).
        const option = cert.domainValidationOptions.apply((o) => ({
            resourceRecordName: o?.[0]?.resourceRecordName ?? "",
            resourceRecordType: o?.[0]?.resourceRecordType ?? "CNAME",
            resourceRecordValue: o?.[0]?.resourceRecordValue ?? "",
        }));
        const validationFqdns: pulumi.Input<string>[] = [];
        if (args.createValidationRecord) {
            const record = new aws.route53.Record(
                `${name}-cert-validation`,
                { zoneId: args.hostedZoneId, name: option.resourceRecordName, type: option.resourceRecordType, records: [option.resourceRecordValue], ttl: 300, allowOverwrite: true },
                child,
            );
            validationFqdns.push(record.fqdn);
        }
        const validated = new aws.acm.CertificateValidation(
            `${name}-cert-validated`,
            { certificateArn: cert.arn, ...(validationFqdns.length ? { validationRecordFqdns: validationFqdns } : {}) },
            child,
        );

        const alb = new aws.lb.LoadBalancer(
            `${name}-alb`,
            {
                loadBalancerType: "application",
                internal: false,
                subnets: [...args.publicSubnetIds],
                securityGroups: [sg.id],
                dropInvalidHeaderFields: true,
                enableDeletionProtection: true,
                accessLogs: { bucket: logs.bucketName, prefix: "alb", enabled: true },
                tags: tag("alb"),
            },
            { ...child, dependsOn: [logPolicy] },
        );
        const targets = new aws.lb.TargetGroup(
            `${name}-api`,
            {
                vpcId: args.vpcId,
                targetType: "ip",
                port: args.targetPort,
                protocol: "HTTP",
                deregistrationDelay: 30,
                healthCheck: { path: args.livenessPath, matcher: "200", interval: 10, healthyThreshold: 2, unhealthyThreshold: 3 },
                tags: tag("api-tg"),
            },
            child,
        );
        new aws.lb.Listener(
            `${name}-https`,
            {
                loadBalancerArn: alb.arn,
                port: 443,
                protocol: "HTTPS",
                // TLS 1.3 with TLS 1.2 fallback; pinned so a default change never weakens it silently.
                sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
                certificateArn: validated.certificateArn,
                defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
                tags: tag("https"),
            },
            child,
        );
        new aws.lb.Listener(
            `${name}-http`,
            { loadBalancerArn: alb.arn, port: 80, protocol: "HTTP", defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }], tags: tag("http") },
            child,
        );

        this.dnsName = alb.dnsName;
        this.zoneId = alb.zoneId;
        this.loadBalancerArn = alb.arn;
        this.targetGroupArn = targets.arn;
        this.certificateArn = validated.certificateArn;
        this.loadBalancerArnSuffix = alb.arnSuffix;
        this.targetGroupArnSuffix = targets.arnSuffix;
        this.accessLogBucketName = logs.bucketName;
        this.registerOutputs({ dnsName: this.dnsName, loadBalancerArn: this.loadBalancerArn, targetGroupArn: this.targetGroupArn, certificateArn: this.certificateArn });
    }
}

function validateArgs(args: RegionalEntrypointArgs): Problems {
    const p = new Problems();
    p.check(isRegion(args.region), `region must be an AWS region such as us-west-2, got ${JSON.stringify(args.region)}`);
    p.check(args.publicSubnetIds.length >= 2, `publicSubnetIds must list at least two subnets (an ALB spans two AZs), got ${args.publicSubnetIds.length}`);
    p.check(isPort(args.targetPort), `targetPort must be a TCP port from 1 to 65535, got ${args.targetPort}`);
    p.check(args.livenessPath.startsWith("/"), `livenessPath must start with "/", got ${JSON.stringify(args.livenessPath)}`);
    p.check(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/.test(args.apiDomain), `apiDomain must be a lowercase DNS name such as api.example.com (one certificate, no wildcard), got ${JSON.stringify(args.apiDomain)}`);
    p.check(args.hostedZoneId.length > 0, "hostedZoneId must name the hosted zone of apiDomain");
    // Checked here too, so the entrypoint registers nothing (not even its log bucket) for a bad name.
    const bucket = bucketNameProblem(args.accessLogBucketName);
    if (bucket) p.add(`accessLog${bucket[0].toUpperCase()}${bucket.slice(1)}`);
    return p;
}
