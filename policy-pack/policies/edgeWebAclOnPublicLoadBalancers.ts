import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { subjectOf, violationMessage } from "../lib/message";
import { read, readPath } from "../lib/read";
import { ofType, referencedResource } from "../lib/stack";

const LOAD_BALANCER = "aws:lb/loadBalancer:LoadBalancer";
const ASSOCIATION = "aws:wafv2/webAclAssociation:WebAclAssociation";
const WEB_ACL = "aws:wafv2/webAcl:WebAcl";

const REQUIRED = "a REGIONAL WAFv2 web ACL of this stack associated with it (aws:wafv2/webAclAssociation:WebAclAssociation whose resourceArn is this load balancer)";
const REMEDIATION = "Put the load balancer behind the region's WebAcl component (components/edge/WebAcl.ts: loadBalancerArns), or make it internal";

/** `internal` absent means internet-facing (the ELB API's default scheme). */
const internetFacing = (lb: PolicyResource) => read(() => lb.props.internal) !== true;

/** What protects `lb`, or why nothing does. */
function protection(lb: PolicyResource, associations: readonly PolicyResource[], acls: readonly PolicyResource[]): string | undefined {
    const mine = associations.filter((a) => referencedResource(a, "resourceArn", readPath(a.props, ["resourceArn"]), [lb], ["arn", "id"]) === lb);
    if (!mine.length) return "none";
    const withAcl = mine.filter((a) => referencedResource(a, "webAclArn", readPath(a.props, ["webAclArn"]), acls, ["arn"]));
    if (!withAcl.length) return "an association to no web ACL of this stack";
    const regional = withAcl.some((a) => {
        const acl = referencedResource(a, "webAclArn", readPath(a.props, ["webAclArn"]), acls, ["arn"]);
        return acl !== undefined && readPath(acl.props, ["scope"]) === "REGIONAL";
    });
    return regional ? undefined : "a web ACL whose scope is not REGIONAL";
}

export const edgeWebAclOnPublicLoadBalancers: StackValidationPolicy = {
    name: "intelgraph-edge-web-acl-on-public-load-balancers",
    description:
        "Edge: every internet-facing load balancer is associated with a WAFv2 web ACL of its stack (managed rule groups, rate limits per client and tenant), so no public entry takes requests unfiltered.",
    enforcementLevel: "mandatory",
    remediationSteps: `${REMEDIATION}.`,
    validateStack: (args, reportViolation) => {
        const public_ = ofType(args.resources, LOAD_BALANCER).filter(internetFacing);
        if (!public_.length) {
            args.notApplicable("no internet-facing load balancer in this stack");
            return;
        }
        const associations = ofType(args.resources, ASSOCIATION);
        const acls = ofType(args.resources, WEB_ACL);
        for (const lb of public_) {
            const missing = protection(lb, associations, acls);
            if (missing !== undefined) reportViolation(violationMessage(subjectOf(lb), "web ACL", missing, REQUIRED, REMEDIATION), lb.urn);
        }
    },
};
