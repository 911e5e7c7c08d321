import { describe, expect, it } from "vitest";
import { protectionSection } from "../../../tools/offline/protection";
import { buildReport } from "../../../tools/offline/report";
import { mustGet, plan } from "../../helpers/plan";

const report = async (stack: string, preview = false) => buildReport([mustGet(await plan({ preview }), stack)], "test").stacks[0];

describe("the summary's protection lines", () => {
    it("says the prod secondary has WAF, locked backups copied in the zone, monthly restore tests, a locked and verified graph backup and its own registry", async () => {
        expect(protectionSection(await report("us-east-1"))).toBe(
            [
                "Protection: WAF, backups and restore tests in place",
                "  WAF: 1 of 1 internet-facing ALB(s) behind a web ACL: intelgraph-us-east-1 (5 rules)",
                "  Backups: vault intelgraph-us-east-1 (compliance lock 7-400 days), 2 plan(s), copies to arn:aws:backup:us-west-2:123456789012:backup-vault:intelgraph-us-west-2",
                "  Restore tests: cron(0 14 1 * ? *) of EBS (validation 4 h), Aurora (validation 4 h)",
                "  Graph backups: Object Lock COMPLIANCE 42 days; verification monthly job (0 16 2 * *); images from this region's ECR: 3 repositories, 2 pull-through caches",
            ].join("\n"),
        );
    });

    it("reads the same at a first preview (everything it shows is an input)", async () => {
        expect(protectionSection(await report("staging-us-west-2", true))).toBe(protectionSection(await report("staging-us-west-2")));
    });

    it("names each gap: no web ACL, no restore testing plan, no Object Lock", async () => {
        const s = await report("us-west-2");
        s.deployment.resources = s.deployment.resources.filter(
            (r) => !["aws:wafv2/webAclAssociation:WebAclAssociation", "aws:backup/restoreTestingPlan:RestoreTestingPlan", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration"].includes(r.type),
        );
        const lines = protectionSection(s).split("\n");
        expect(lines[0]).toBe("Protection: 3 gap(s)");
        expect(lines).toContain("  WAF: MISSING on 1 internet-facing ALB(s)");
        expect(lines).toContain("  Restore tests: MISSING (no restore testing plan)");
        expect(lines.find((l) => l.startsWith("  Graph backups:"))).toMatch(/^ {2}Graph backups: NO Object Lock;/);
    });

    it("has nothing to say of a stack with nothing to protect (the interconnect, a billing stack)", async () => {
        expect(protectionSection(await report("interconnect-us"))).toBe("");
        expect(protectionSection(await report("billing"))).toBe("");
    });
});
