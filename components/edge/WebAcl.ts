import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn } from "../boundary";
import { type RateLimit, type WafEvaluationWindow, isHeaderName, rateLimitProblems, wafRules } from "./wafRules";

/** WAF sends logs only to destinations whose name starts with this (AWS WAF API Reference, LoggingConfiguration). */
export const WAF_LOG_GROUP_PREFIX = "aws-waf-logs-";
/** Headers whose values never reach the logs (credentials and session tokens). */
export const REDACTED_HEADERS = ["authorization", "cookie"] as const;

export interface WebAclArgs {
    /** Name of the ACL, its metrics and its log group (`aws-waf-logs-<name>`). */
    readonly aclName: string;
    /** The internet-facing load balancers the ACL protects (one association each). */
    readonly loadBalancerArns: readonly pulumi.Input<string>[];
    /** The region's key: the log group is encrypted with it. */
    readonly kmsKeyArn: pulumi.Input<string>;
    readonly region: string;
    readonly accountId: string;
    readonly partition: string;
    readonly perIp: RateLimit;
    readonly perTenant: RateLimit & { readonly header: string };
    /** The zone's countries (ISO 3166-1 alpha-2); requests from elsewhere are blocked. Undefined: no geo rule. */
    readonly allowedCountries?: readonly string[];
    readonly logRetentionDays: number;
}

/**
 * A regional WAFv2 web ACL in front of the public load balancers: AWS managed rule groups (IP reputation,
 * common, known bad inputs), a rate limit per client IP and one per tenant header, an optional geo rule for the
 * residency zone, metrics per rule, and full request logs to a KMS-encrypted log group with credentials redacted.
 */
export class WebAcl extends pulumi.ComponentResource {
    readonly webAclArn: pulumi.Output<string>;
    readonly logGroupName: pulumi.Output<string>;

    constructor(name: string, args: WebAclArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:edge:WebAcl", name, {}, opts);
        validateArgs(args).throwIfAny(this, "WebAcl", name);
        const child = { parent: this };

        const acl = new aws.wafv2.WebAcl(
            `${name}-acl`,
            {
                name: args.aclName,
                scope: "REGIONAL",
                description: `Public entry of ${args.aclName}`,
                defaultAction: { allow: {} },
                rules: wafRules({ metricPrefix: args.aclName, perIp: args.perIp, perTenant: args.perTenant, allowedCountries: args.allowedCountries }),
                visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: args.aclName },
                tags: { Name: args.aclName },
            },
            child,
        );

        const logGroupName = `${WAF_LOG_GROUP_PREFIX}${args.aclName}`;
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { name: logGroupName, kmsKeyId: args.kmsKeyArn, retentionInDays: args.logRetentionDays, tags: { Name: logGroupName } },
            child,
        );
        // Our own resource policy for the log delivery, so WAF does not append to the account's shared
        // AWSWAF-LOGS policy, which can outgrow the 5,120-character limit and fail the logging configuration
        // (@pulumi/aws docs, wafv2.WebAclLoggingConfiguration; CloudWatch Logs User Guide, "Logging that requires
        // additional permissions [V1]").
        const logsArn = `arn:${args.partition}:logs:${args.region}:${args.accountId}`;
        const delivery = new aws.cloudwatch.LogResourcePolicy(
            `${name}-log-delivery`,
            {
                policyName: `${args.aclName}-waf-log-delivery`,
                policyDocument: logGroup.arn.apply((arn) =>
                    JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            {
                                Sid: "WafLogDelivery",
                                Effect: "Allow",
                                Principal: { Service: "delivery.logs.amazonaws.com" },
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                                Resource: `${arn}:*`,
                                Condition: { StringEquals: { "aws:SourceAccount": args.accountId }, ArnLike: { "aws:SourceArn": `${logsArn}:*` } },
                            },
                        ],
                    }),
                ),
            },
            child,
        );
        new aws.wafv2.WebAclLoggingConfiguration(
            `${name}-logging`,
            {
                resourceArn: acl.arn,
                logDestinationConfigs: [logGroup.arn],
                redactedFields: REDACTED_HEADERS.map((h) => ({ singleHeader: { name: h } })),
            },
            { ...child, dependsOn: [delivery] },
        );

        args.loadBalancerArns.forEach((lb, i) => {
            new aws.wafv2.WebAclAssociation(`${name}-association${args.loadBalancerArns.length > 1 ? `-${i}` : ""}`, { resourceArn: lb, webAclArn: acl.arn }, child);
        });

        this.webAclArn = acl.arn;
        this.logGroupName = logGroup.name;
        this.registerOutputs({ webAclArn: this.webAclArn, logGroupName: this.logGroupName });
    }
}

/** CloudWatch Logs' allowed retention values (API Reference, PutRetentionPolicy). */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function validateArgs(args: WebAclArgs): Problems {
    const p = new Problems();
    // Names: 1-128 of A-Z a-z 0-9 - _ (AWS WAF API Reference, CreateWebACL); the log group adds its prefix.
    p.check(/^[\w-]{1,115}$/.test(args.aclName), `aclName must be 1-115 letters, digits, dashes or underscores, got ${JSON.stringify(args.aclName)}`);
    p.check(args.loadBalancerArns.length >= 1, "loadBalancerArns must list at least one load balancer (an ACL protects nothing otherwise)");
    for (const problem of [...rateLimitProblems("perIp", args.perIp), ...rateLimitProblems("perTenant", args.perTenant)]) p.add(problem);
    p.check(isHeaderName(args.perTenant.header), `perTenant.header must be a lowercase HTTP header name such as x-tenant-id, got ${JSON.stringify(args.perTenant.header)}`);
    if (args.allowedCountries) {
        p.check(args.allowedCountries.length >= 1 && args.allowedCountries.every((c) => /^[A-Z]{2}$/.test(c)), `allowedCountries must list ISO 3166-1 alpha-2 codes such as US, got ${JSON.stringify(args.allowedCountries)}`);
    }
    p.check(isIntIn(args.logRetentionDays, 1) && LOG_RETENTION_DAYS.includes(args.logRetentionDays), `logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}, got ${args.logRetentionDays}`);
    return p;
}

export type { RateLimit, WafEvaluationWindow };
