import type { ResourceValidationPolicy } from "@pulumi/policy";
import { EXPOSURES, EXPOSURE_TAG } from "../contracts/labels";
import { subjectOf, violationMessage } from "../lib/message";
import { read, readPath } from "../lib/read";

/** The only exceptions, on the public load balancer's rules and marked by this tag: HTTPS, and HTTP for the redirect listener. */
const ALLOWED_OPEN: Readonly<Record<string, number>> = { [EXPOSURES.https]: 443, [EXPOSURES.httpRedirect]: 80 };
const OPEN = new Set(["0.0.0.0/0", "::/0"]);
const INGRESS_TYPES = new Set(["aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/securityGroupRule:SecurityGroupRule", "aws:ec2/securityGroup:SecurityGroup"]);

function isAllowedOpen(fromPort: unknown, toPort: unknown, tags: unknown): boolean {
    const exposure = tags && typeof tags === "object" ? (tags as Record<string, unknown>)[EXPOSURE_TAG] : undefined;
    const port = typeof exposure === "string" ? ALLOWED_OPEN[exposure] : undefined;
    return port !== undefined && fromPort === port && toPort === port;
}

export const networkNoOpenIngress: ResourceValidationPolicy = {
    name: "intelgraph-network-no-open-ingress",
    description:
        "Exposure: no security-group ingress from 0.0.0.0/0 or ::/0, except on the public load balancer: HTTPS (443, rule tagged intelgraph.io/exposure=public-https) and HTTP (80, tagged public-http-redirect) for the listener that only redirects to HTTPS.",
    enforcementLevel: "mandatory",
    remediationSteps: "Admit only the app subnets (or the peer region's) on data ports; the only internet-facing rule is the load balancer's HTTPS, created by its component with the exposure tag.",
    validateResource: (args, reportViolation) => {
        if (!INGRESS_TYPES.has(args.type)) args.notApplicable("not a security group or ingress rule");
        const subject = subjectOf(args);
        const flag = (property: string, value: unknown) =>
            reportViolation(violationMessage(subject, property, value, "a source narrower than the internet (only the public load balancer may take HTTPS from anywhere)", "Restrict the source to the app subnets or the peer region's subnets"));
        if (args.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
            const tags = read(() => args.props.tags);
            for (const property of ["cidrIpv4", "cidrIpv6"]) {
                const v = read(() => args.props[property]);
                if (typeof v === "string" && OPEN.has(v) && !isAllowedOpen(read(() => args.props.fromPort), read(() => args.props.toPort), tags)) flag(property, v);
            }
        }
        if (args.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && read(() => args.props.type) === "ingress") {
            const cidrs = [...((read(() => args.props.cidrBlocks) as unknown[] | undefined) ?? []), ...((read(() => args.props.ipv6CidrBlocks) as unknown[] | undefined) ?? [])];
            if (cidrs.some((c) => OPEN.has(String(c)))) flag("cidrBlocks", cidrs);
        }
        if (args.type === "aws:ec2/securityGroup:SecurityGroup") {
            const ingress = read(() => args.props.ingress);
            const n = Array.isArray(ingress) ? ingress.length : 0;
            for (let i = 0; i < n; i++) {
                const cidrs = [...((readPath(args.props, ["ingress", i, "cidrBlocks"]) as unknown[] | undefined) ?? []), ...((readPath(args.props, ["ingress", i, "ipv6CidrBlocks"]) as unknown[] | undefined) ?? [])];
                if (cidrs.some((c) => OPEN.has(String(c)))) flag(`ingress[${i}].cidrBlocks`, cidrs);
            }
        }
    },
};
