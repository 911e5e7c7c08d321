import { describe, expect, it } from "vitest";
import { DISCOVERY_ACTIONS, REGISTRATION_ACTIONS, loadBalancerControllerPolicy } from "../../../components/edge/loadBalancerControllerPolicy";

interface Statement {
    Sid: string;
    Effect: string;
    Action: string[];
    Resource: string | string[];
}
const statements = (arns: string[]) => (JSON.parse(loadBalancerControllerPolicy(arns)) as { Statement: Statement[] }).Statement;
const TG = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/api/0123456789abcdef";

describe("loadBalancerControllerPolicy", () => {
    it("allows registering targets only in the given target groups", () => {
        const writes = statements([TG]).filter((s) => s.Resource !== "*");
        expect(writes).toEqual([{ Sid: "RegisterPodsInOwnTargetGroups", Effect: "Allow", Action: [...REGISTRATION_ACTIONS], Resource: [TG] }]);
    });

    it("grants nothing that creates, modifies, tags or deletes load balancers, target groups or security groups", () => {
        const actions = statements([TG]).flatMap((s) => s.Action);
        expect(actions.filter((a) => /:(Create|Delete|Modify|Add|Remove|Set|Authorize|Revoke)/.test(a))).toEqual([]);
        expect(actions.filter((a) => !a.startsWith("elasticloadbalancing:") && !a.startsWith("ec2:"))).toEqual([]);
    });

    it("keeps the unscoped statement read-only", () => {
        const unscoped = statements([TG]).filter((s) => s.Resource === "*");
        expect(unscoped.flatMap((s) => s.Action)).toEqual([...DISCOVERY_ACTIONS]);
        expect(unscoped.flatMap((s) => s.Action).every((a) => /:Describe/.test(a))).toBe(true);
    });

    it("refuses an empty target group list (that would make the role useless, not safer)", () => {
        expect(() => loadBalancerControllerPolicy([])).toThrow("loadBalancerControllerPolicy: at least one target group ARN to bind");
    });
});
