import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../stacks/offline/engine";
import { type PlanReport, SECRET_PLACEHOLDER, buildReport } from "../../../stacks/offline/report";
import { PROJECT_DIR } from "../../helpers/plan";

/** Runs `npm run plan`'s command line (same node flags) in `cwd`. */
function runPlan(args: string[], cwd = PROJECT_DIR) {
    const res = spawnSync(process.execPath, ["-r", require.resolve("sucrase/register/ts"), path.join(PROJECT_DIR, "stacks/offline/plan.ts"), ...args], {
        cwd,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

describe("npm run plan", () => {
    it("emits the report contract for both stacks with --json and exits 0", () => {
        const { code, stdout } = runPlan(["--json"]);
        expect(code).toBe(0);
        const report = JSON.parse(stdout) as PlanReport;
        expect(report.version).toBe(1);
        expect(report.stacks.map((s) => [s.stack, s.project, s.region, s.role])).toEqual([
            ["us-west-2", "intelgraph", "us-west-2", "primary"],
            ["us-east-1", "intelgraph", "us-east-1", "secondary"],
        ]);
        for (const s of report.stacks) {
            const count = (t: string) => s.deployment.resources.filter((r) => r.type === t).length;
            expect(count("aws:ec2/vpc:Vpc")).toBeGreaterThanOrEqual(1);
            expect(count("aws:ec2/natGateway:NatGateway")).toBe(3);
            expect(count("aws:kms/key:Key")).toBe(1);
            expect(s.deployment.resources.filter((r) => r.custom && r.type.startsWith("aws:") && !r.provider)).toEqual([]);
            expect(s.policy).toEqual({ violations: [] });
            const vpc = s.deployment.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
            expect(Object.keys(vpc)).toEqual(expect.arrayContaining(["urn", "custom", "type", "id", "inputs", "outputs", "parent", "provider", "dependencies", "propertyDependencies", "protect", "retainOnDelete", "ignoreChanges"]));
        }
        const east = report.stacks[1].deployment.resources.map((r) => r.type);
        expect(east).toContain("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        expect(east).toContain("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
    });

    it("prints a human summary by component and type, with outputs", () => {
        const { code, stdout } = runPlan(["--stack", "us-west-2"]);
        expect(code).toBe(0);
        expect(stdout).toMatch(/== us-west-2 \(primary in us-west-2\): \d+ resources, \d+ components, planned in \d+ ms/);
        expect(stdout).toMatch(/network \(intelgraph:network:RegionalVpc\)\s*│ aws:cloudwatch\/logGroup:LogGroup/);
        expect(stdout).toMatch(/aws:ec2\/natGateway:NatGateway\s*│ 3/);
        expect(stdout).toMatch(/vpcCidr\s*│ 10\.10\.0\.0\/16/);
        expect(stdout).not.toContain("us-east-1");
    });

    it("exits 2 on a bad stack file, naming file, key and allowed values, with no resources in the report", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-plan-"));
        for (const f of ["Pulumi.yaml", "Pulumi.us-west-2.yaml", "Pulumi.us-east-1.yaml"]) fs.copyFileSync(path.join(PROJECT_DIR, f), path.join(dir, f));
        const east = path.join(dir, "Pulumi.us-east-1.yaml");
        fs.writeFileSync(east, fs.readFileSync(east, "utf8").replace("intelgraph:vpcCidr: 10.20.0.0/16", "intelgraph:vpcCidr: 10.10.0.0/16"));
        const out = path.join(dir, "plan.json");
        const { code, stderr } = runPlan(["--out", out], dir);
        expect(code).toBe(2);
        expect(stderr).toContain(
            'Pulumi.us-east-1.yaml: intelgraph:vpcCidr is "10.10.0.0/16"; allowed: a CIDR that does not overlap the primary us-west-2\'s VPC 10.10.0.0/16',
        );
        const report = JSON.parse(fs.readFileSync(out, "utf8")) as PlanReport;
        const failed = report.stacks.find((s) => s.stack === "us-east-1")!;
        expect(failed.error?.kind).toBe("config");
        expect(failed.deployment.resources).toEqual([]);
    });

    it("exits 2 on an unknown --stack", () => {
        const { code, stderr } = runPlan(["--stack", "eu-west-1"]);
        expect(code).toBe(2);
        expect(stderr).toContain("no stack file for eu-west-1 (stacks: us-east-1, us-west-2)");
    });
});

describe("plan report", () => {
    it("never carries a secret value in clear (inputs, outputs, stack outputs)", () => {
        const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2-password" };
        const planned: PlannedStack = {
            stack: "us-west-2",
            project: "intelgraph",
            organization: "organization",
            preview: false,
            config: { "aws:region": "us-west-2", "intelgraph:role": "primary" },
            durationMs: 1,
            outputs: { kubeconfig: secret, region: "us-west-2" },
            resources: [
                {
                    urn: "urn:pulumi:us-west-2::intelgraph::random:index/randomPassword:RandomPassword::db",
                    type: "random:index/randomPassword:RandomPassword",
                    name: "db",
                    custom: true,
                    id: "db",
                    parent: "",
                    provider: "",
                    dependencies: [],
                    propertyDependencies: {},
                    inputs: { length: 32, nested: { list: [secret] } },
                    outputs: { result: secret },
                    protect: false,
                    retainOnDelete: false,
                    ignoreChanges: [],
                    deleteBeforeReplace: false,
                    replaceOnChanges: [],
                    additionalSecretOutputs: [],
                    aliases: [],
                    external: false,
                },
            ],
        };
        const report = buildReport([planned], "test");
        const text = JSON.stringify(report);
        expect(text).not.toContain("hunter2-password");
        expect(report.stacks[0].outputs).toEqual({ kubeconfig: SECRET_PLACEHOLDER, region: "us-west-2" });
        expect(report.stacks[0].deployment.resources[0].inputs).toEqual({ length: 32, nested: { list: [SECRET_PLACEHOLDER] } });
        expect(report.stacks[0].deployment.resources[0].outputs).toEqual({ result: SECRET_PLACEHOLDER });
    });
});
