import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface IngressArgs {
    readonly securityGroupId: pulumi.Input<string>;
    readonly port: number;
    /** Source networks, one rule each: a rule per CIDR keeps each one visible to review and policy. */
    readonly cidrs: readonly pulumi.Input<string>[];
    readonly description: string;
}

/** TCP ingress on one port from the given CIDRs, as separate rules (no inline rules on shared groups). */
export function allowIngress(name: string, args: IngressArgs, opts: pulumi.CustomResourceOptions): aws.vpc.SecurityGroupIngressRule[] {
    return args.cidrs.map(
        (cidrIpv4, i) =>
            new aws.vpc.SecurityGroupIngressRule(
                `${name}-${i}`,
                { securityGroupId: args.securityGroupId, ipProtocol: "tcp", fromPort: args.port, toPort: args.port, cidrIpv4, description: args.description },
                opts,
            ),
    );
}

export interface DataSecurityGroupArgs {
    readonly vpcId: pulumi.Input<string>;
    readonly port: number;
    readonly allowedCidrs: readonly pulumi.Input<string>[];
    readonly description: string;
    readonly nameTag: string;
}

/**
 * A data tier's security group: the one port, from the given app subnets only, and no egress rule (the
 * provider removes AWS's default allow-all egress). The zone's interconnect stack adds the other region's subnets.
 */
export function dataSecurityGroup(name: string, args: DataSecurityGroupArgs, parent: pulumi.Resource): aws.ec2.SecurityGroup {
    const sg = new aws.ec2.SecurityGroup(name, { vpcId: args.vpcId, description: args.description, tags: { Name: args.nameTag } }, { parent });
    allowIngress(`${name}-in`, { securityGroupId: sg.id, port: args.port, cidrs: args.allowedCidrs, description: `${args.description} from app subnets` }, { parent });
    return sg;
}
