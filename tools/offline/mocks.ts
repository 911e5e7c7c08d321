/**
 * What the offline engine answers in place of AWS: plausible, deterministic ids, ARNs and computed outputs
 * (same URN -> same id on every run, so reports diff cleanly), and the few data-source invokes the program
 * is allowed to make. Any other invoke throws: adding a data-source call is a conscious decision.
 */
import { createHash } from "node:crypto";

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_PARTITION = "aws";

type Props = Record<string, unknown>;

export function hashHex(seed: string, length: number): string {
    let out = "";
    for (let i = 0; out.length < length; i++) out += createHash("sha256").update(`${seed}#${i}`).digest("hex");
    return out.slice(0, length);
}

function uuidFrom(seed: string): string {
    const h = hashHex(seed, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `aws:ec2/vpc:Vpc` -> { module: "ec2", kind: "vpc" } */
function typeParts(type: string): { pkg: string; module: string; kind: string } {
    const [pkg, mod = "", cls = ""] = type.split(":");
    return { pkg, module: mod.split("/")[0], kind: cls.charAt(0).toLowerCase() + cls.slice(1) };
}

const EC2_ID_PREFIX: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
    "aws:ec2/flowLog:FlowLog": "fl",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
};

/** Resources whose physical name is their id (given by the program, else auto-named like Pulumi does). */
const NAMED_TYPES = new Set([
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:kms/alias:Alias",
    "aws:eks/cluster:Cluster",
    "aws:rds/subnetGroup:SubnetGroup",
    "aws:rds/clusterParameterGroup:ClusterParameterGroup",
    "aws:elasticache/subnetGroup:SubnetGroup",
]);

/** Resources whose id is the identifier the program gives them. */
const IDENTIFIER_INPUT: Record<string, string> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:rds/globalCluster:GlobalCluster": "globalClusterIdentifier",
    "aws:rds/cluster:Cluster": "clusterIdentifier",
    "aws:rds/clusterInstance:ClusterInstance": "identifier",
    "aws:elasticache/replicationGroup:ReplicationGroup": "replicationGroupId",
};

/** Short AWS region code used in some DNS names: us-west-2 -> usw2. */
const regionCode = (region: string) => region.replace(/^(\w)\w*-(\w)\w*-(\d)$/, "$1$2$3");

const SERVICE_BY_MODULE: Record<string, string> = { cloudwatch: "logs", cloudwatchLogs: "logs" };
const GLOBAL_SERVICES = new Set(["iam", "route53", "cloudfront"]);

function physicalName(name: string, urn: string, inputs: Props): string {
    return typeof inputs.name === "string" && inputs.name !== "" ? inputs.name : `${name}-${hashHex(urn, 7)}`;
}

function arnFor(type: string, region: string, id: string, name: string, account: string): string {
    const { module, kind } = typeParts(type);
    const service = SERVICE_BY_MODULE[module] ?? module;
    const where = GLOBAL_SERVICES.has(service) ? "" : region;
    switch (type) {
        case "aws:kms/key:Key":
            return `arn:${MOCK_PARTITION}:kms:${region}:${account}:key/${id}`;
        case "aws:kms/alias:Alias":
            return `arn:${MOCK_PARTITION}:kms:${region}:${account}:${name}`;
        case "aws:cloudwatch/logGroup:LogGroup":
            return `arn:${MOCK_PARTITION}:logs:${region}:${account}:log-group:${name}`;
        case "aws:iam/role:Role":
            return `arn:${MOCK_PARTITION}:iam::${account}:role/${name}`;
        case "aws:iam/policy:Policy":
            return `arn:${MOCK_PARTITION}:iam::${account}:policy/${name}`;
        case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
            return `arn:${MOCK_PARTITION}:ec2:${region}:${account}:vpc-peering-connection/${id}`;
        case "aws:eks/cluster:Cluster":
            return `arn:${MOCK_PARTITION}:eks:${region}:${account}:cluster/${name}`;
        case "aws:rds/globalCluster:GlobalCluster":
            return `arn:${MOCK_PARTITION}:rds::${account}:global-cluster:${id}`;
        case "aws:rds/cluster:Cluster":
            return `arn:${MOCK_PARTITION}:rds:${region}:${account}:cluster:${id}`;
        case "aws:rds/clusterInstance:ClusterInstance":
            return `arn:${MOCK_PARTITION}:rds:${region}:${account}:db:${id}`;
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return `arn:${MOCK_PARTITION}:elasticache:${region}:${account}:replicationgroup:${id}`;
        case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
            return `arn:${MOCK_PARTITION}:elasticache::${account}:globalreplicationgroup:${id}`;
        case "aws:secretsmanager/secret:Secret":
            return `arn:${MOCK_PARTITION}:secretsmanager:${region}:${account}:secret:${name}-${hashHex(id, 6)}`;
        case "aws:s3/bucket:Bucket":
            return `arn:${MOCK_PARTITION}:s3:::${id}`;
        case "aws:lb/loadBalancer:LoadBalancer":
            return `arn:${MOCK_PARTITION}:elasticloadbalancing:${region}:${account}:loadbalancer/app/${id}`;
        case "aws:lb/targetGroup:TargetGroup":
            return `arn:${MOCK_PARTITION}:elasticloadbalancing:${region}:${account}:targetgroup/${id}`;
        case "aws:sns/topic:Topic":
            return `arn:${MOCK_PARTITION}:sns:${region}:${account}:${name}`;
        case "aws:cloudwatch/metricAlarm:MetricAlarm":
        case "aws:cloudwatch/compositeAlarm:CompositeAlarm":
            return `arn:${MOCK_PARTITION}:cloudwatch:${region}:${account}:alarm:${name}`;
        case "aws:cloudwatch/dashboard:Dashboard":
            return `arn:${MOCK_PARTITION}:cloudwatch::${account}:dashboard/${name}`;
        case "aws:acm/certificate:Certificate":
            return `arn:${MOCK_PARTITION}:acm:${region}:${account}:certificate/${id}`;
        default: {
            const resource = kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
            return `arn:${MOCK_PARTITION}:${service}:${where}:${account}:${resource}/${id}`;
        }
    }
}

export interface MockResourceContext {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Props;
    /** Region of the resource: its own `region` input, else its provider's. */
    readonly region: string;
    /** The provider's defaultTags, which AWS reports back in tagsAll. */
    readonly defaultTags: Readonly<Record<string, string>>;
    /** The account the provider deploys to: its allowedAccountIds' one entry (the deploy identity it insists on), else MOCK_ACCOUNT_ID. */
    readonly account: string;
}

/** The id a create would return. */
export function mockId(ctx: MockResourceContext): string {
    const { type, urn, inputs } = ctx;
    if (type.startsWith("pulumi:providers:")) return uuidFrom(urn);
    if (type === "aws:kms/key:Key") return uuidFrom(urn);
    if (NAMED_TYPES.has(type)) return physicalName(ctx.name, urn, inputs);
    const identifier = IDENTIFIER_INPUT[type];
    if (identifier && typeof inputs[identifier] === "string") return inputs[identifier];
    if (type === "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup") {
        // AWS prefixes the suffix with a fixed, account-specific code.
        return `ldgnf-${String(inputs.globalReplicationGroupIdSuffix)}`;
    }
    if (type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider") return `arn:${MOCK_PARTITION}:iam::${ctx.account}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`;
    if (type === "aws:secretsmanager/secret:Secret") return arnFor(type, ctx.region, hashHex(urn, 8), String(inputs.name ?? ctx.name), ctx.account);
    if (type === "aws:eks/nodeGroup:NodeGroup") return `${String(inputs.clusterName)}:${String(inputs.nodeGroupName)}`;
    if (type === "aws:acm/certificate:Certificate") return uuidFrom(urn);
    if (type === "aws:lb/loadBalancer:LoadBalancer") return `${ctx.name.slice(0, 20)}/${hashHex(urn, 16)}`;
    if (type === "aws:lb/targetGroup:TargetGroup") return `${ctx.name.slice(0, 20)}/${hashHex(urn, 16)}`;
    if (type === "aws:route53/healthCheck:HealthCheck") return uuidFrom(urn);
    if (type === "aws:route53/record:Record") return `${String(inputs.zoneId)}_${String(inputs.name)}_${String(inputs.type)}${inputs.setIdentifier ? `_${String(inputs.setIdentifier)}` : ""}`;
    if (type === "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter" && typeof inputs.vpcPeeringConnectionId === "string") {
        return inputs.vpcPeeringConnectionId;
    }
    if (type === "aws:ec2/route:Route") return `r-${String(inputs.routeTableId)}${hashHex(String(inputs.destinationCidrBlock), 8)}`;
    const prefix = EC2_ID_PREFIX[type];
    if (prefix) return `${prefix}-${hashHex(urn, 17)}`;
    return `${ctx.name}-${hashHex(urn, 8)}`;
}

/** Inputs plus what the provider computes on create (ids, ARNs, names, tagsAll). */
export function mockOutputs(ctx: MockResourceContext, id: string): Props {
    const { type, inputs } = ctx;
    const out: Props = { ...inputs };
    if (type.startsWith("tls:")) {
        // PEM-shaped stand-ins; the engine marks private keys secret (additionalSecretOutputs).
        const pem = (label: string) => `-----BEGIN ${label}-----\n${Buffer.from(hashHex(`${ctx.urn}/${label}`, 48)).toString("base64")}\n-----END ${label}-----\n`;
        if (type === "tls:index/privateKey:PrivateKey") Object.assign(out, { privateKeyPem: pem("PRIVATE KEY"), publicKeyPem: pem("PUBLIC KEY"), publicKeyFingerprintSha256: hashHex(ctx.urn, 64) });
        if (type === "tls:index/selfSignedCert:SelfSignedCert" || type === "tls:index/locallySignedCert:LocallySignedCert") out.certPem = pem("CERTIFICATE");
        if (type === "tls:index/certRequest:CertRequest") out.certRequestPem = pem("CERTIFICATE REQUEST");
        return out;
    }
    if (type === "random:index/randomPassword:RandomPassword") {
        // Deterministic stand-in; the engine marks it secret (additionalSecretOutputs) and reports never show it.
        out.result = hashHex(`${ctx.urn}/result`, Number(inputs.length ?? 32));
        out.bcryptHash = `$2a$10$${hashHex(`${ctx.urn}/bcrypt`, 53)}`;
        return out;
    }
    if (!type.startsWith("aws:")) return out;
    const name = NAMED_TYPES.has(type) ? id : physicalName(ctx.name, ctx.urn, inputs);
    if (NAMED_TYPES.has(type)) out.name = name;
    // A resource whose `arn` is an input (aws.sns.TopicPolicy: the topic's) reports that value back, as AWS does.
    out.arn =
        typeof inputs.arn === "string"
            ? inputs.arn
            : type === "aws:iam/openIdConnectProvider:OpenIdConnectProvider" || type === "aws:secretsmanager/secret:Secret"
              ? id
              : arnFor(type, ctx.region, id, name, ctx.account);
    if ("tags" in inputs || Object.keys(ctx.defaultTags).length) {
        out.tagsAll = { ...ctx.defaultTags, ...((inputs.tags as Record<string, string> | undefined) ?? {}) };
    }
    switch (type) {
        case "aws:kms/key:Key":
            out.keyId = id;
            break;
        case "aws:kms/alias:Alias":
            out.targetKeyArn = `arn:${MOCK_PARTITION}:kms:${ctx.region}:${ctx.account}:key/${String(inputs.targetKeyId)}`;
            break;
        case "aws:iam/role:Role":
            out.uniqueId = `AROA${hashHex(ctx.urn, 17).toUpperCase()}`;
            break;
        case "aws:ec2/vpc:Vpc":
            out.defaultRouteTableId = `rtb-${hashHex(`${ctx.urn}/main`, 17)}`;
            out.mainRouteTableId = out.defaultRouteTableId;
            out.defaultSecurityGroupId = `sg-${hashHex(`${ctx.urn}/default`, 17)}`;
            out.ownerId = ctx.account;
            break;
        case "aws:ec2/natGateway:NatGateway":
            out.publicIp = `203.0.113.${parseInt(hashHex(ctx.urn, 2), 16) % 254 + 1}`;
            break;
        case "aws:ec2/vpcPeeringConnection:VpcPeeringConnection":
            out.acceptStatus = "pending-acceptance";
            out.peerOwnerId = ctx.account;
            break;
        case "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter":
            out.acceptStatus = "active";
            break;
        case "aws:ec2/launchTemplate:LaunchTemplate":
            out.latestVersion = 1;
            out.defaultVersion = 1;
            break;
        case "aws:eks/cluster:Cluster": {
            const h = hashHex(ctx.urn, 32).toUpperCase();
            out.endpoint = `https://${h}.gr7.${ctx.region}.eks.amazonaws.com`;
            out.certificateAuthority = { data: Buffer.from(`offline-plan CA for ${name}`).toString("base64") };
            out.identities = [{ oidcs: [{ issuer: `https://oidc.eks.${ctx.region}.amazonaws.com/id/${h}` }] }];
            // EKS creates the cluster security group; managed nodes (and so VPC CNI pods) use it.
            out.vpcConfig = { ...(inputs.vpcConfig as Props | undefined), clusterSecurityGroupId: `sg-${hashHex(`${ctx.urn}/cluster`, 17)}` };
            out.status = "ACTIVE";
            out.platformVersion = "eks.1";
            break;
        }
        case "aws:eks/nodeGroup:NodeGroup":
            out.status = "ACTIVE";
            break;
        case "aws:rds/globalCluster:GlobalCluster":
            out.engineVersionActual = inputs.engineVersion;
            out.endpoint = `${id}.global-${hashHex(ctx.urn, 10)}.global.rds.amazonaws.com`;
            break;
        case "aws:rds/cluster:Cluster": {
            const host = `${id}.cluster-${hashHex(ctx.account + ctx.region, 12)}.${ctx.region}.rds.amazonaws.com`;
            out.endpoint = host;
            out.readerEndpoint = host.replace(".cluster-", ".cluster-ro-");
            out.port = 5432;
            break;
        }
        case "aws:rds/clusterInstance:ClusterInstance":
            out.endpoint = `${id}.${hashHex(ctx.account + ctx.region, 12)}.${ctx.region}.rds.amazonaws.com`;
            out.writer = id.endsWith("-0");
            break;
        case "aws:elasticache/replicationGroup:ReplicationGroup": {
            const suffix = `${hashHex(ctx.urn, 6)}.${regionCode(ctx.region)}.cache.amazonaws.com`;
            out.primaryEndpointAddress = `master.${id}.${suffix}`;
            out.readerEndpointAddress = `replica.${id}.${suffix}`;
            break;
        }
        case "aws:elasticache/globalReplicationGroup:GlobalReplicationGroup":
            out.globalReplicationGroupId = id;
            break;
        case "aws:s3/bucket:Bucket":
            out.bucket = id;
            out.bucketRegionalDomainName = `${id}.s3.${ctx.region}.amazonaws.com`;
            break;
        case "aws:lb/loadBalancer:LoadBalancer":
            out.dnsName = `${ctx.name.slice(0, 20)}-${parseInt(hashHex(ctx.urn, 8), 16)}.${ctx.region}.elb.amazonaws.com`;
            // Route 53 zone ids of ALBs per region (AWS "Elastic Load Balancing endpoints and quotas").
            out.zoneId = ({ "us-east-1": "Z35SXDOTRQ7X7K", "us-west-2": "Z1H1FL5HABSF5" } as Record<string, string>)[ctx.region] ?? "Z0ALBZONEOFFLINE";
            out.arnSuffix = `app/${id}`;
            break;
        case "aws:lb/targetGroup:TargetGroup":
            out.arnSuffix = `targetgroup/${id}`;
            break;
        case "aws:acm/certificate:Certificate": {
            const token = hashHex(`${ctx.urn}/validation`, 32);
            out.domainValidationOptions = [
                { domainName: inputs.domainName, resourceRecordName: `_${token}.${String(inputs.domainName)}.`, resourceRecordType: "CNAME", resourceRecordValue: `_${hashHex(token, 32)}.acm-validations.aws.` },
            ];
            out.status = "PENDING_VALIDATION";
            break;
        }
        case "aws:acm/certificateValidation:CertificateValidation":
            out.certificateArn = inputs.certificateArn;
            break;
        case "aws:route53/record:Record":
            out.fqdn = String(inputs.name).replace(/\.$/, "");
            break;
    }
    return out;
}

/** Data sources the program may call, answered for the caller's region. */
export function mockInvoke(token: string, args: Props, region: string, account: string = MOCK_ACCOUNT_ID): Props {
    switch (token) {
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: account, arn: `arn:${MOCK_PARTITION}:iam::${account}:user/offline-plan`, id: account, userId: "AIDAOFFLINEPLAN000000" };
        case "aws:index/getPartition:getPartition":
            return { id: MOCK_PARTITION, partition: MOCK_PARTITION, dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
        case "tls:index/getCertificate:getCertificate":
            // The root CA of the EKS OIDC issuer chain (Amazon Root CA 1's SHA-1 fingerprint).
            return {
                id: String(args.url ?? ""),
                url: args.url,
                certificates: [{ isCa: true, subject: "CN=Amazon Root CA 1,O=Amazon,C=US", sha1Fingerprint: "8da7f965ec5efc37910f1c6e59fdc1cc6a6ede16", certPem: "" }],
            };
        case "aws:index/getRegion:getRegion":
            return { id: region, name: region, region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
        default:
            throw new Error(
                `offline engine: no mock for invoke '${token}' (args ${JSON.stringify(args)}); ` +
                    "answer it in tools/offline/mocks.ts mockInvoke if the program really needs this data source",
            );
    }
}
