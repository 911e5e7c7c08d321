import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Problems, isIntIn } from "../boundary";

/** Route 53 answers for an alias record are cached up to 60 s (alias records have no TTL of their own). */
export const ALIAS_CACHE_SECONDS = 60;

export interface HealthCheckSettings {
    /** 10 or 30 seconds: the only intervals Route 53 offers. */
    readonly requestInterval: 10 | 30;
    /** 1 to 10 consecutive failures before the endpoint counts as unhealthy. */
    readonly failureThreshold: number;
    readonly path: string;
}

/** Worst-case seconds before Route 53 stops answering with a failed region: interval x threshold + alias caching. */
export function failoverDetectionSeconds(h: Pick<HealthCheckSettings, "requestInterval" | "failureThreshold">): number {
    return h.requestInterval * h.failureThreshold + ALIAS_CACHE_SECONDS;
}

export interface WeightedDnsArgs {
    readonly hostedZoneId: string;
    /** Same name and type in every region's stack. */
    readonly recordName: string;
    /** Identifies this region's record among the weighted set. */
    readonly setIdentifier: string;
    /** 0 keeps the region a pure standby (Route 53 uses zero-weight records only when all others are unhealthy). */
    readonly weight: number;
    readonly healthCheck: HealthCheckSettings;
    /** The region's load balancer. */
    readonly target: { readonly dnsName: pulumi.Input<string>; readonly zoneId: pulumi.Input<string> };
    readonly nameTag: string;
}

/**
 * This region's member of the API's weighted record set: a health check of the region's /healthz over HTTPS
 * and a weighted alias record to the region's load balancer that Route 53 skips while the check fails.
 */
export class WeightedDns extends pulumi.ComponentResource {
    readonly healthCheckId: pulumi.Output<string>;
    readonly recordFqdn: pulumi.Output<string>;
    readonly failoverDetectionSeconds: number;

    constructor(name: string, args: WeightedDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("intelgraph:edge:WeightedDns", name, {}, opts);
        validateArgs(args).throwIfAny(this, "WeightedDns", name);
        const check = new aws.route53.HealthCheck(
            `${name}-health`,
            {
                type: "HTTPS",
                fqdn: args.target.dnsName,
                port: 443,
                resourcePath: args.healthCheck.path,
                enableSni: true,
                requestInterval: args.healthCheck.requestInterval,
                failureThreshold: args.healthCheck.failureThreshold,
                tags: { Name: `${args.nameTag}-healthz` },
            },
            { parent: this },
        );
        const record = new aws.route53.Record(
            `${name}-record`,
            {
                zoneId: args.hostedZoneId,
                name: args.recordName,
                type: "A",
                setIdentifier: args.setIdentifier,
                weightedRoutingPolicies: [{ weight: args.weight }],
                healthCheckId: check.id,
                aliases: [{ name: args.target.dnsName, zoneId: args.target.zoneId, evaluateTargetHealth: true }],
            },
            { parent: this },
        );
        this.healthCheckId = check.id;
        this.recordFqdn = record.fqdn;
        this.failoverDetectionSeconds = failoverDetectionSeconds(args.healthCheck);
        this.registerOutputs({ healthCheckId: this.healthCheckId, recordFqdn: this.recordFqdn, failoverDetectionSeconds: this.failoverDetectionSeconds });
    }
}

function validateArgs(args: WeightedDnsArgs): Problems {
    const p = new Problems();
    const h = args.healthCheck;
    p.check(isIntIn(args.weight, 0, 255), `weight must be a whole number from 0 to 255 (0 = standby), got ${args.weight}`);
    p.check(h.requestInterval === 10 || h.requestInterval === 30, `healthCheck.requestInterval must be 10 or 30 seconds (the intervals Route 53 offers), got ${h.requestInterval}`);
    p.check(isIntIn(h.failureThreshold, 1, 10), `healthCheck.failureThreshold must be a whole number from 1 to 10, got ${h.failureThreshold}`);
    p.check(h.path.startsWith("/") && h.path.length <= 255, `healthCheck.path must start with "/" (at most 255 characters), got ${JSON.stringify(h.path)}`);
    p.check(args.setIdentifier.length >= 1 && args.setIdentifier.length <= 128, `setIdentifier must be 1 to 128 characters, got ${JSON.stringify(args.setIdentifier)}`);
    p.check(args.recordName.length > 0, "recordName must not be empty");
    p.check(args.hostedZoneId.length > 0, "hostedZoneId must not be empty");
    return p;
}
