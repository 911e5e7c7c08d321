/**
 * SDK clients of the one region a drill runs in (plus the regions whose deploys it freezes), built like
 * tools/failover/clients.ts: the region alone, so the SDK's standard settings apply (credentials chain,
 * AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>: AWS SDKs and Tools Reference Guide, "Service-specific
 * endpoints"), and timeouts so an unreachable endpoint fails in seconds.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { FisClient } from "@aws-sdk/client-fis";
import { S3Client } from "@aws-sdk/client-s3";
import { STSClient } from "@aws-sdk/client-sts";

export interface DrillRegionClients {
    readonly fis: FisClient;
    readonly cloudwatch: CloudWatchClient;
    readonly s3: S3Client;
    readonly sts: STSClient;
}

export interface DrillClients {
    in(region: string): DrillRegionClients;
}

export function drillClients(): DrillClients {
    const cache = new Map<string, DrillRegionClients>();
    return {
        in(region: string): DrillRegionClients {
            let c = cache.get(region);
            if (!c) {
                const config = { region, requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 } };
                c = { fis: new FisClient(config), cloudwatch: new CloudWatchClient(config), s3: new S3Client(config), sts: new STSClient(config) };
                cache.set(region, c);
            }
            return c;
        },
    };
}
