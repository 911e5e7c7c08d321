import { describe, expect, it } from "vitest";
import { type ConfigKey, parseStackConfig, validateAgainstPrimary } from "../../../stacks/config/schema";
import { loadProject, loadStackFile } from "../../../tools/offline/project";
import { problemsOf } from "../../helpers/config";
import { PROJECT_DIR } from "../../helpers/plan";

const project = loadProject(PROJECT_DIR);
const fileConfig = (stack: string) => loadStackFile(project, stack).config;

/** Parses the real stack file with some keys replaced (undefined removes a key). */
function parseWith(stack: string, changes: Partial<Record<ConfigKey, string | undefined>> = {}) {
    const config: Record<string, string | undefined> = { ...fileConfig(stack), ...changes };
    return parseStackConfig(stack, config);
}


describe("stack config schema", () => {
    it("parses both committed stack files", () => {
        const west = parseWith("us-west-2");
        expect(west).toMatchObject({ region: "us-west-2", role: "primary", residency: { zone: "us", environment: "prod" } });
        expect(west).not.toHaveProperty("primaryStack");
        expect(west.network.availabilityZones).toEqual(["us-west-2a", "us-west-2b", "us-west-2c"]);
        expect(parseWith("us-east-1")).toMatchObject({ region: "us-east-1", role: "secondary", primaryStack: "us-west-2", network: { cidr: "10.20.0.0/16" } });
    });

    it("requires the stack to be named after its region (prod) or its environment and region", () => {
        expect(() => parseWith("us-east-1", { "aws:region": "us-west-1" })).toThrow(
            'Pulumi.us-east-1.yaml: aws:region is "us-west-1"; allowed: the region the stack "us-east-1" is named after: a prod stack of us-west-1 is named us-west-1 or prod-us-west-1 (one stack per region and environment)',
        );
        expect(() => parseWith("us-east-1", { "intelgraph:environment": "staging" })).toThrow(
            'Pulumi.us-east-1.yaml: aws:region is "us-east-1"; allowed: the region the stack "us-east-1" is named after: a staging stack of us-east-1 is named staging-us-east-1 (one stack per region and environment)',
        );
    });

    it("pins the stack to its environment's account and refuses deploy identities of another account", () => {
        expect(parseWith("us-east-1").accountId).toBe("123456789012");
        expect(problemsOf(() => parseWith("us-east-1", { "intelgraph:accountId": "1234" }))).toEqual([
            { file: "Pulumi.us-east-1.yaml", key: "intelgraph:accountId", value: "1234", allowed: "the environment's 12-digit AWS account id" },
        ]);
        const [p, ...rest] = problemsOf(() => parseWith("us-east-1", { "intelgraph:accountId": "210987654321" }));
        expect(p).toMatchObject({ key: "intelgraph:eks.access.admins.0", value: "arn:aws:iam::123456789012:role/intelgraph-platform-admin" });
        expect(p.allowed).toMatch(/^a role of the environment's account 210987654321 \(intelgraph:accountId\)/);
        // ...and the backup copy to a vault of the old account, and the Docker Hub secret of the old account.
        expect(rest.map((r) => r.key).sort()).toEqual([
            "intelgraph:backup.copyToVaultArn",
            "intelgraph:eks.access.breakGlass.0",
            "intelgraph:eks.access.deployers.0",
            "intelgraph:eks.access.previewers.0",
            "intelgraph:registry.dockerHubCredentialArn",
        ]);
    });

    it("rejects a region that is not a region name", () => {
        expect(() => parseWith("us-east-1", { "aws:region": "virginia" })).toThrow('aws:region is "virginia"; allowed: an AWS region name such as us-west-2');
    });

    it("requires availability zones of the stack's region", () => {
        expect(() => parseWith("us-east-1", { "intelgraph:availabilityZones": '["us-east-1a","us-east-1b","us-west-2c"]' })).toThrow(
            'Pulumi.us-east-1.yaml: intelgraph:availabilityZones is ["us-east-1a","us-east-1b","us-west-2c"]; allowed: zones of us-east-1 such as us-east-1a, us-east-1b, us-east-1c (not us-west-2c)',
        );
    });

    it("requires exactly three distinct availability zones", () => {
        const two = problemsOf(() => parseWith("us-west-2", { "intelgraph:availabilityZones": '["us-west-2a","us-west-2b"]' }));
        expect(two).toEqual([{ file: "Pulumi.us-west-2.yaml", key: "intelgraph:availabilityZones", value: ["us-west-2a", "us-west-2b"], allowed: "exactly three distinct availability zones of aws:region" }]);
        const dup = problemsOf(() => parseWith("us-west-2", { "intelgraph:availabilityZones": '["us-west-2a","us-west-2a","us-west-2b"]' }));
        expect(dup[0].allowed).toBe("exactly three distinct availability zones of aws:region");
    });

    it.each(["10.10.0.0/8", "10.10.0.0/24", "10.10.1.0/16", "not-a-cidr"])("rejects VPC CIDR %s", (cidr) => {
        expect(() => parseWith("us-west-2", { "intelgraph:vpcCidr": cidr })).toThrow(
            `Pulumi.us-west-2.yaml: intelgraph:vpcCidr is "${cidr}"; allowed: a canonical IPv4 CIDR from /16 to /20 (e.g. 10.10.0.0/16)`,
        );
    });

    it("requires a known residency zone and lists the zones", () => {
        expect(() => parseWith("us-west-2", { "intelgraph:residencyZone": "mars" })).toThrow(
            'intelgraph:residencyZone is "mars"; allowed: a known residency zone: us (us-east-1, us-east-2, us-west-1, us-west-2); eu (',
        );
    });

    it("requires the region to be allowed in the zone", () => {
        expect(() => parseWith("us-west-2", { "intelgraph:residencyZone": "eu" })).toThrow(
            'Pulumi.us-west-2.yaml: intelgraph:residencyZone is "eu"; allowed: a zone that allows us-west-2: us',
        );
    });

    it("requires a secondary to name its primary stack", () => {
        expect(() => parseWith("us-east-1", { "intelgraph:primaryStack": "" })).toThrow(
            'Pulumi.us-east-1.yaml: intelgraph:primaryStack is ""; allowed: the primary stack this secondary reads (e.g. us-west-2); a secondary must name its primary',
        );
        expect(() => parseWith("us-east-1", { "intelgraph:primaryStack": undefined })).toThrow("intelgraph:primaryStack is missing; allowed: the primary stack");
    });

    it("refuses a primary that references another stack, and a secondary that references itself", () => {
        expect(() => parseWith("us-west-2", { "intelgraph:primaryStack": "us-east-1" })).toThrow("allowed: empty for a primary stack");
        expect(() => parseWith("us-east-1", { "intelgraph:primaryStack": "acme/intelgraph/us-east-1" })).toThrow("allowed: another stack than this one");
    });

    it.each<[ConfigKey, string, string]>([
        ["intelgraph:role", "leader", "one of primary, secondary"],
        ["intelgraph:environment", "production", "one of prod, staging, dev"],
        ["intelgraph:costCentre", "4100", "a cost centre code such as cc-4100"],
        ["intelgraph:owner", "Platform Team", "a team name of 2-63 lowercase letters, digits and dashes"],
    ])("rejects %s = %s", (key, value, allowed) => {
        expect(() => parseWith("us-west-2", { [key]: value })).toThrow(`Pulumi.us-west-2.yaml: ${key} is ${JSON.stringify(value)}; allowed: ${allowed}`);
    });

    it("reports a missing key as missing", () => {
        expect(() => parseWith("us-west-2", { "intelgraph:owner": undefined })).toThrow("Pulumi.us-west-2.yaml: intelgraph:owner is missing; allowed:");
    });

    it.each([
        ["aws:profile", "prod-admin"],
        ["aws:accessKey", "AKIAEXAMPLE"],
    ])("refuses %s: explicit providers ignore every aws:* key but aws:region", (key, value) => {
        expect(problemsOf(() => parseWith("us-west-2", { [key]: value } as Partial<Record<ConfigKey, string>>))).toEqual([
            {
                file: "Pulumi.us-west-2.yaml",
                key,
                value,
                allowed: "no aws:* key but aws:region: the stack's explicit providers (stacks/providers.ts) ignore them; AWS credentials and profiles come from the deploy identity's environment",
            },
        ]);
    });

    it("refuses an unknown key, naming the closest known one", () => {
        const [p] = problemsOf(() => parseWith("us-east-1", { "intelgraph:primaryStak": "us-west-2" } as Partial<Record<ConfigKey, string>>));
        expect(p).toMatchObject({ file: "Pulumi.us-east-1.yaml", key: "intelgraph:primaryStak", value: "us-west-2" });
        expect(p.allowed).toMatch(/^no such key; the keys a stack file may set are aws:region, intelgraph:role, .* \(did you mean intelgraph:primaryStack\?\)$/);
        expect(problemsOf(() => parseWith("us-east-1", { "intelgraph:zzz": "1" } as Partial<Record<ConfigKey, string>>))[0].allowed).not.toContain("did you mean");
    });

    it("requires every default provider disabled, so a resource without an explicit provider fails a real deploy", () => {
        expect(problemsOf(() => parseWith("us-west-2", { "pulumi:disable-default-providers": undefined }))).toEqual([
            { file: "Pulumi.us-west-2.yaml", key: "pulumi:disable-default-providers", value: undefined, allowed: '["*"]: every resource names its explicit provider (stacks/providers.ts)' },
        ]);
        expect(problemsOf(() => parseWith("us-west-2", { "pulumi:disable-default-providers": '["aws"]' }))[0].value).toEqual(["aws"]);
    });

    it("lists every problem at once", () => {
        const problems = problemsOf(() =>
            parseWith("us-east-1", {
                "aws:region": "us-west-1",
                "intelgraph:vpcCidr": "10.0.0.0/8",
                "intelgraph:residencyZone": "mars",
                "intelgraph:availabilityZones": '["us-east-1a"]',
                "intelgraph:primaryStack": "",
            }),
        );
        expect(problems.map((p) => p.key).sort()).toEqual([
            "aws:region",
            "intelgraph:availabilityZones",
            "intelgraph:primaryStack",
            // the Docker Hub secret is us-east-1's, not the region now named
            "intelgraph:registry.dockerHubCredentialArn",
            "intelgraph:residencyZone",
            "intelgraph:vpcCidr",
        ]);
        expect(new Set(problems.map((p) => p.file))).toEqual(new Set(["Pulumi.us-east-1.yaml"]));
    });
});

describe("checks against the primary's outputs", () => {
    const secondary = () => {
        const c = parseWith("us-east-1");
        if (c.role !== "secondary") throw new Error("us-east-1 is a secondary");
        return c;
    };
    const primary = { stack: "us-west-2", region: "us-west-2", residencyZone: "us", environment: "prod", accountId: "123456789012", vpcCidr: "10.10.0.0/16" };

    it("accepts the committed pair", () => {
        expect(() => validateAgainstPrimary(secondary(), primary)).not.toThrow();
    });

    it("rejects a CIDR overlapping the primary's VPC", () => {
        expect(() => validateAgainstPrimary(secondary(), { ...primary, vpcCidr: "10.20.0.0/18" })).toThrow(
            'Pulumi.us-east-1.yaml: intelgraph:vpcCidr is "10.20.0.0/16"; allowed: a CIDR that does not overlap the primary us-west-2\'s VPC 10.20.0.0/18 (peered VPCs need disjoint ranges)',
        );
    });

    it("rejects a primary in another residency zone", () => {
        expect(() => validateAgainstPrimary(secondary(), { ...primary, residencyZone: "eu" })).toThrow(
            'intelgraph:residencyZone is "us"; allowed: the primary us-west-2\'s zone "eu" (nothing replicates or peers across a residency zone)',
        );
    });

    it("rejects a primary of another environment, naming both", () => {
        expect(() => validateAgainstPrimary(secondary(), { ...primary, environment: "staging" })).toThrow(
            'Pulumi.us-east-1.yaml: intelgraph:primaryStack is "us-west-2"; allowed: a primary of environment "prod" (us-west-2 is "staging"; nothing links across environments)',
        );
    });

    it("rejects a primary in another account (a global cluster and datastore live in one)", () => {
        expect(() => validateAgainstPrimary(secondary(), { ...primary, accountId: "210987654321" })).toThrow(
            'Pulumi.us-east-1.yaml: intelgraph:accountId is "123456789012"; allowed: the primary us-west-2\'s account 210987654321 (a global cluster and a global datastore live in one account)',
        );
    });

    it("rejects a primary in the same region", () => {
        expect(() => validateAgainstPrimary(secondary(), { ...primary, region: "us-east-1" })).toThrow("allowed: a primary in another region than us-east-1");
    });
});
