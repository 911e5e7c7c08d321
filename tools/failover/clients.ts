/**
 * SDK clients per region, built with the region alone so the SDK's standard settings apply (credentials chain,
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, retries mode: AWS SDKs and Tools Reference Guide,
 * "Service-specific endpoints"); the CLI can so run against a local AWS-compatible endpoint.
 */
import { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { EKSClient } from "@aws-sdk/client-eks";
import { ElastiCacheClient } from "@aws-sdk/client-elasticache";
import { RDSClient } from "@aws-sdk/client-rds";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";

export interface RegionClients {
    readonly rds: RDSClient;
    readonly elasticache: ElastiCacheClient;
    readonly eks: EKSClient;
    readonly autoscaling: AutoScalingClient;
    readonly cloudwatch: CloudWatchClient;
    readonly s3: S3Client;
    readonly sts: STSClient;
}

export interface Clients {
    /** Refuses a region the run declared lost: the unplanned path never calls it. */
    in(region: string): RegionClients;
}

export function regionalClients(lostRegion?: string): Clients {
    const cache = new Map<string, RegionClients>();
    return {
        in(region: string): RegionClients {
            if (region === lostRegion) throw new Error(`internal: a call to ${region}, the region this unplanned failover treats as lost`);
            let c = cache.get(region);
            if (!c) {
                // Only the region is set (plus timeouts, so an unreachable endpoint fails in seconds, not minutes).
                const config = { region, requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 } };
                c = {
                    rds: new RDSClient(config),
                    elasticache: new ElastiCacheClient(config),
                    eks: new EKSClient(config),
                    autoscaling: new AutoScalingClient(config),
                    cloudwatch: new CloudWatchClient(config),
                    s3: new S3Client(config),
                    // The regional STS endpoint: the global one is in us-east-1 (IAM User Guide, "Managing AWS STS in an AWS Region").
                    sts: new STSClient(config),
                };
                cache.set(region, c);
            }
            return c;
        },
    };
}
