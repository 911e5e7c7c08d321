import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { type PlanReport, SECRET_PLACEHOLDER, buildReport } from "../../../tools/offline/report";
import { runCli } from "../../helpers/cli";
import { PROJECT_DIR, outputsOf, plan } from "../../helpers/plan";
import { projectCopy } from "../../helpers/project";
import { listStacks, loadProject, loadStackFile } from "../../../tools/offline/project";

const stackFiles = () => listStacks(loadProject(PROJECT_DIR));

/** Runs `npm run plan`'s command line (same node flags) in `cwd`. */
function runPlan(args: string[], cwd = PROJECT_DIR) {
    const res = spawnSync(process.execPath, ["-r", path.join(PROJECT_DIR, "tools/offline/register.cjs"), path.join(PROJECT_DIR, "tools/offline/plan.ts"), ...args], {
        cwd,
        encoding: "utf8",
        timeout: 60_000,
    });
    return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Calls the CLI in-process (as `npm run plan` would, from `cwd`). */
async function planInProcess(args: string[], cwd: string) {
    const { main } = await import("../../../tools/offline/plan");
    return runCli(main, args, cwd);
}

describe("npm run plan (the real command line)", () => {
    it("is the command line package.json's plan script runs", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> };
        expect(pkg.scripts.plan).toBe("node -r ./tools/offline/register.cjs tools/offline/plan.ts");
    });

    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-plan-")), "plan.json");
    let run: ReturnType<typeof runPlan>;
    beforeAll(() => {
        run = runPlan(["--out", out]);
    });

    it("exits 0 with both stacks planned and the pack passing, saying where the report went", () => {
        const names = (JSON.parse(fs.readFileSync(out, "utf8")) as PlanReport).stacks.map((s) => s.stack);
        expect(names.sort()).toEqual(stackFiles().sort());
        expect(run.stderr).toBe(`plan: wrote the JSON report to ${out} (${names.length} stacks: ${(JSON.parse(fs.readFileSync(out, "utf8")) as PlanReport).stacks.map((s) => s.stack).join(", ")})\n`);
        expect(run.code).toBe(0);
    });

    it("writes the report contract for every stack with --out", () => {
        const report = JSON.parse(fs.readFileSync(out, "utf8")) as PlanReport;
        expect(report.version).toBe(1);
        // Every stack file, each role as its file says, each environment's stacks in dependency order.
        expect(report.stacks.map((s) => [s.stack, s.project, s.region, s.role]).sort()).toEqual(
            stackFiles()
                .map((f) => {
                    const c = loadStackFile(loadProject(PROJECT_DIR), f).config;
                    return [f, "intelgraph", c["aws:region"] ?? "", c["intelgraph:role"]];
                })
                .sort(),
        );
        // Dependency order: a stack after every stack it reads.
        const order = report.stacks.map((s) => s.stack);
        expect(order.indexOf("us-west-2")).toBeLessThan(order.indexOf("us-east-1"));
        expect(order.indexOf("us-east-1")).toBeLessThan(order.indexOf("interconnect-us"));
        for (const s of report.stacks) expect(s.policy.violations, s.stack).toEqual([]);
        for (const s of report.stacks.filter((x) => x.role === "primary" || x.role === "secondary")) {
            const count = (t: string) => s.deployment.resources.filter((r) => r.type === t).length;
            expect(count("aws:ec2/vpc:Vpc")).toBeGreaterThanOrEqual(1);
            expect(count("aws:ec2/natGateway:NatGateway")).toBe(3);
            expect(count("aws:kms/key:Key")).toBe(1);
            expect(s.deployment.resources.filter((r) => r.custom && r.type.startsWith("aws:") && !r.provider)).toEqual([]);
            expect(s.policy.violations).toEqual([]);
            expect(s.policy.summary).toMatchObject({ rulesRun: 30, violations: { mandatory: 0, advisory: 0 }, cantRunDuringPreview: 0 });
            const vpc = s.deployment.resources.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
            expect(Object.keys(vpc)).toEqual(expect.arrayContaining(["urn", "custom", "type", "id", "inputs", "outputs", "parent", "provider", "dependencies", "propertyDependencies", "protect", "retainOnDelete", "ignoreChanges"]));
        }
        for (const i of report.stacks.filter((x) => x.role === "interconnect")) {
            const links = i.deployment.resources.map((r) => r.type);
            expect(links, i.stack).toContain("aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
            expect(links, i.stack).toContain("aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter");
        }
    });

    it("never writes a secret value into the report", () => {
        const text = fs.readFileSync(out, "utf8");
        expect(text).toContain('"kubeconfig": "[secret]"');
        expect(text).toContain('"masterPassword": "[secret]"');
        expect(text).not.toMatch(/"result": "[0-9a-f]{32}"/);
        expect(text).not.toContain("PRIVATE KEY");
        expect(text).not.toMatch(/neo4j\/[0-9a-f]{32}/);
        expect(text).toContain('"stringData": "[secret]"');
        expect(text).toContain('"auroraMasterPassword": "[secret]"');
        expect(text).toContain('"redisAuthToken": "[secret]"');
    });

    it("holds none of the generated passwords and tokens, in either stack (the secondary's copies included)", async () => {
        const text = fs.readFileSync(out, "utf8");
        const generated = [...(await plan()).values()].flatMap((s) => s.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword").map((r) => String(outputsOf(r).result)));
        expect(generated.length).toBeGreaterThanOrEqual(3);
        for (const value of generated) expect(text).not.toContain(value);
    });

    it("prints a summary per stack: header, components, policy, recovery, cost, quotas, no tables", () => {
        expect(run.stdout).toMatch(/== us-west-2 \(primary in us-west-2\): \d+ resources \(\d+ custom, \d+ providers, \d+ components, the stack; the policy line counts the same\), planned in \d+ ms/);
        expect(run.stdout).toMatch(/Custom resources by component: neo4j-nlb GraphEndpoints \d+, network RegionalVpc 45, neo4j Neo4jCluster \d+, eks EksCluster \d+/);
        expect(run.stdout).toContain("Policy: 30 rules on");
        expect(run.stdout).toContain("0 mandatory, 0 advisory violation(s)");
        expect(run.stdout).toMatch(/api: RTO 12\.5 min \(meets 15\.0 min\), RPO 1 s \(meets 5\.0 min\)/);
        expect(run.stdout).toMatch(/graph: RTO 14\.2 min \(meets 15\.0 min\), RPO 60 s \(meets 5\.0 min\); stretch RTO < 5\.0 min 9\.2 min over, RPO <= 60 s meets; detection 90 s \+ decision 300 s \+ promotion of the secondaries to write availability 460 s/);
        // The hot paths against the seed's stretch: the decision time (policy config, seed 300 s) is what misses it.
        expect(run.stdout).toContain("stretch (hot paths < 5.0 min, seed 001): api 12.5 min = detection 90 s + decision 300 s (decisionSeconds, policy config) + automation 6.0 min: MISSES by 7.5 min; automation alone misses it");
        expect(run.stdout).toMatch(/Cost: \$2,956\/month estimated of a \$10,000 budget share/);
        expect(run.stdout).toContain("Protection: WAF, backups and restore tests in place");
        expect(run.stdout).toContain("Quotas in us-west-2 at every node group's maxSize");
        expect(run.stdout).toContain("Drills: 5 FIS experiment template(s), each stopped by 4 alarm(s) of the region (npm run drill -- <drill> --stack us-west-2; runbooks/dr-drill.md)");
        expect(run.stdout).toContain("  action-minutes per run: auroraFailover 1, azPowerInterruption 90, crossRegionPartition 20, eksNodeTermination 1, redisAzPower 15");
        expect(run.stdout).toContain("Drills: 4 FIS experiment template(s), each stopped by 4 alarm(s) of the region (npm run drill -- <drill> --stack us-east-1; runbooks/dr-drill.md)");
        // Each environment's total against its cap (policy-pack/config/environments.json), from the stacks' estimates.
        const report = JSON.parse(fs.readFileSync(out, "utf8")) as PlanReport;
        const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
        for (const env of ["prod", "staging"]) {
            const set = report.stacks.filter((s) => (env === "prod" ? !s.stack.startsWith("staging-") : s.stack.startsWith("staging-")));
            expect(set.map((s) => s.stack)).toContain(env === "prod" ? "billing" : "staging-billing");
            const total = set.reduce((n, s) => n + (s.cost?.monthlyUsd ?? 0), 0);
            expect(run.stdout).toContain(`  ${env}: ${usd(total)}/month of ${env === "prod" ? "$18,000" : "$3,000"} (${set.length} stacks: ${set.map((s) => s.stack).join(", ")})`);
        }
        expect(report.environments?.map((e) => [e.environment, e.verdict])).toEqual([["prod", "ok"], ["staging", "advisory"]]);
        expect(run.stdout).toContain("== interconnect-us (interconnect of us-west-2 + us-east-1): ");
        expect(run.stdout).not.toContain("│");
        expect(run.stdout).not.toMatch(/vpcCidr/);
    });

    it("fits a screen: at most 40 lines per stack", () => {
        const sections = run.stdout.split(/^(?===)/m).filter((s) => s.startsWith("== ") && !s.startsWith("== Environments") && !s.startsWith("== Stack set"));
        expect(sections.map((s) => s.slice(3, s.indexOf(" ", 3))).sort()).toEqual(stackFiles().sort());
        for (const s of sections) expect(s.trimEnd().split("\n").length).toBeLessThanOrEqual(40);
    });

    it("counts the header's resources as the policy line does", () => {
        const report = JSON.parse(fs.readFileSync(out, "utf8")) as PlanReport;
        for (const s of report.stacks) {
            const header = new RegExp(`^== ${s.stack} .*?: (\\d+) resources`, "m").exec(run.stdout);
            const section = run.stdout.slice(header?.index);
            const policy = /^Policy: \d+ rules on (\d+) resources/m.exec(section);
            expect(Number(header?.[1])).toBe(s.deployment.resources.length);
            expect(Number(policy?.[1])).toBe(Number(header?.[1]));
        }
    });
});

describe("npm run plan: options", () => {
    it("--details adds the resources by component and type and the outputs table", async () => {
        const { code, stdout } = await planInProcess(["--details"], PROJECT_DIR);
        expect(code).toBe(0);
        expect(stdout).toMatch(/network \(intelgraph:network:RegionalVpc\)\s*│ aws:cloudwatch\/logGroup:LogGroup/);
        expect(stdout).toMatch(/aws:ec2\/natGateway:NatGateway\s*│ 3/);
        expect(stdout).toMatch(/vpcCidr\s*│ 10\.10\.0\.0\/16/);
        expect(stdout).toMatch(/kubeconfig\s*│ \[secret\]/);
        expect(stdout).toContain("Policy: 30 rules on");
        expect(stdout).toMatch(/by item: .*kms-key \$1/);
    });

    it("--help prints the usage and exits 0", async () => {
        const res = runPlan(["--help"]);
        expect(res.code).toBe(0);
        expect(res.stdout).toContain("Usage: plan [options]");
        for (const o of ["--stack <name>", "--preview", "--json", "--details", "--out <file>", "--graph [file]", "Exit codes: 0 clean, 1"]) expect(res.stdout).toContain(o);
        expect(res.stderr).toBe("");
    });

    it("exits 2 on an unknown option, naming it", async () => {
        const res = runPlan(["--detials"]);
        expect(res.code).toBe(2);
        expect(res.stderr).toContain("unknown option '--detials'");
    });

    it("--out and --graph say what they wrote where, on stderr, and --json keeps stdout JSON only", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-plan-"));
        const [report, graph] = [path.join(dir, "r.json"), path.join(dir, "a.mmd")];
        const { code, stdout, stderr } = await planInProcess(["--stack", "us-west-2", "--json", "--out", report, "--graph", graph], PROJECT_DIR);
        expect(code).toBe(0);
        expect((JSON.parse(stdout) as PlanReport).stacks.map((s) => s.stack)).toEqual(["us-west-2"]);
        expect(stderr).toBe(`plan: wrote the JSON report to ${report} (1 stack: us-west-2)\nplan: wrote the Mermaid architecture picture to ${graph} (1 stack: us-west-2)\n`);
        expect(fs.readFileSync(graph, "utf8")).toMatch(/^flowchart LR/);
    });

    it("a stack whose quota data is missing is planned, checked and priced, and names what is missing (exit 2)", async () => {
        const dir = projectCopy((f, text) => (f === "Pulumi.us-west-2.yaml" ? text.replace("instanceTypes: [m6i.xlarge]", "instanceTypes: [m7i.xlarge]") : text));
        const { code, stdout, stderr } = await planInProcess(["--stack", "us-west-2"], dir);
        expect(code).toBe(2);
        expect(stdout).not.toContain("NOT PLANNED");
        expect(stdout).toMatch(/== us-west-2 \(primary in us-west-2\): 365 resources/);
        expect(stdout).toContain("quotas NOT CHECKED: config error (exit 2)");
        expect(stdout).toContain("Policy: 30 rules on 365 resources");
        expect(stdout).toContain("Quotas in us-west-2: NOT CHECKED (config error; the resources above are planned)");
        expect(stdout).toContain('policy-pack/data/ec2-instance-types.json: instance type "m7i.xlarge" (aws:eks/nodeGroup:NodeGroup \'eks-ng-general\' instanceTypes) has no vCPU count');
        expect(stderr).toContain("plan: us-west-2: config error (its resources are planned; the quota section is not)");
    });
});

describe("npm run plan: cost numbers follow the sizes", () => {
    it("doubling the primary's general node group adds 4 x m6i.xlarge (and their root volumes and Container Insights) to its monthly estimate", async () => {
        const base = projectCopy();
        const bigger = projectCopy((f, text) => (f === "Pulumi.us-west-2.yaml" ? text.replace("minSize: 4\n      desiredSize: 4\n      maxSize: 8", "minSize: 4\n      desiredSize: 8\n      maxSize: 8") : text));
        const cost = async (dir: string) => {
            await planInProcess(["--stack", "us-west-2", "--out", "plan.json"], dir);
            return (JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")) as PlanReport).stacks[0].cost!;
        };
        const [a, b] = [await cost(base), await cost(bigger)];
        expect(b.monthlyUsd - a.monthlyUsd).toBeCloseTo(4 * 0.192 * 730 + 4 * 100 * 0.08 + 4 * 9, 1);
        expect(a.budgetUsd).toBe(10000);
    });
});

describe("npm run plan: RTO/RPO numbers follow the settings", () => {
    const resilience = async (change: (f: string, t: string) => string) => {
        const dir = projectCopy(change);
        await planInProcess(["--stack", "us-west-2", "--out", "plan.json"], dir);
        return (JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")) as PlanReport).stacks[0].resilience!;
    };

    it("a slower health check (30 s x 5) raises detection and the API's RTO", async () => {
        const base = await resilience((_, t) => t);
        const slow = await resilience((f, t) => (f === "Pulumi.us-west-2.yaml" ? t.replace("requestInterval: 10\n      failureThreshold: 3", "requestInterval: 30\n      failureThreshold: 5") : t));
        expect(base.detectionSeconds).toBe(90);
        expect(slow.detectionSeconds).toBe(210);
        expect(slow.tiers.api.rtoSeconds - base.tiers.api.rtoSeconds).toBe(120);
    });

    it("a looser lag bound in the stack file raises the graph's RPO by as much, against the seed's 5 min (no graph objective of its own)", async () => {
        const base = await resilience((_, t) => t);
        const looser = await resilience((f, t) => (f === "Pulumi.us-west-2.yaml" ? t.replace("boundSeconds: 30", "boundSeconds: 90") : t));
        expect(base.tiers.graph.rpoSeconds).toBe(60);
        expect(looser.tiers.graph.rpoSeconds).toBe(120);
        expect(looser.objectives.graph).toEqual({ rtoSeconds: 900, rpoSeconds: 300 });
    });
});

describe("npm run plan: failures", () => {
    it("exits 2 on a bad stack file, naming file, key and allowed values, with no resources in the report", async () => {
        const dir = projectCopy((f, text) => (f === "Pulumi.us-east-1.yaml" ? text.replace("intelgraph:vpcCidr: 10.20.0.0/16", "intelgraph:vpcCidr: 10.10.0.0/16") : text));
        const { code, stderr } = await planInProcess(["--out", "plan.json"], dir);
        expect(code).toBe(2);
        expect(stderr).toContain(
            'Pulumi.us-east-1.yaml: intelgraph:vpcCidr is "10.10.0.0/16"; allowed: a CIDR that does not overlap the primary us-west-2\'s VPC 10.10.0.0/16',
        );
        const report = JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")) as PlanReport;
        const failed = report.stacks.find((s) => s.stack === "us-east-1")!;
        expect(failed.error?.kind).toBe("config");
        expect(failed.deployment.resources).toEqual([]);
    });

    it.each([
        [
            "Pulumi.us-west-2.yaml",
            "intelgraph:vpcCidr: 10.10.0.0/16",
            "intelgraph:vpcCidrr: 10.10.0.0/16",
            "Pulumi.us-west-2.yaml: intelgraph:vpcCidrr is \"10.10.0.0/16\"; allowed: no such key; the keys a stack file may set are ",
            "(did you mean intelgraph:vpcCidr?)",
        ],
        [
            "Pulumi.us-east-1.yaml",
            "      maxSize: 8\n",
            "      maxSzie: 8\n",
            "Pulumi.us-east-1.yaml: intelgraph:eks.general.maxSzie is 8; allowed: no such key in intelgraph:eks.general; its keys are instanceTypes, minSize, desiredSize, maxSize",
            "(did you mean maxSize?)",
        ],
        [
            "Pulumi.us-east-1.yaml",
            "  aws:region: us-east-1\n",
            "  aws:region: us-east-1\n  aws:profile: prod-admin\n",
            "Pulumi.us-east-1.yaml: aws:profile is \"prod-admin\"; allowed: no aws:* key but aws:region: the stack's explicit providers (stacks/providers.ts) ignore them",
            "",
        ],
    ])("exits 2 on an unknown key in %s (%s -> %s), registering nothing for that stack", async (file, from, to, message, suggestion) => {
        const dir = projectCopy((f, text) => (f === file ? text.replace(from, to) : text));
        const stack = file.slice("Pulumi.".length, -".yaml".length);
        const { code, stderr } = await planInProcess(["--stack", stack, "--out", "plan.json"], dir);
        expect(code).toBe(2);
        expect(stderr).toContain(message);
        expect(stderr).toContain(suggestion);
        const report = JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8")) as PlanReport;
        const failed = report.stacks.find((s) => s.stack === stack)!;
        expect(failed.error?.kind).toBe("config");
        expect(failed.deployment.resources).toEqual([]);
    });

    it("exits 1 on a mandatory policy violation (Redis below the stack's N+1 minimum), naming rule and resource", async () => {
        const dir = projectCopy();
        const config = path.join(dir, "policy-pack", "config", "us-east-1.json");
        const policy = JSON.parse(fs.readFileSync(config, "utf8")) as Record<string, unknown>;
        policy["intelgraph-capacity-redis"] = { minNodes: 3 };
        fs.writeFileSync(config, JSON.stringify(policy));
        const { code, stdout } = await planInProcess(["--stack", "us-east-1"], dir);
        expect(code).toBe(1);
        expect(stdout).toContain("N+1 capacity");
        expect(stdout).toContain(
            "[mandatory] intelgraph-capacity-redis: aws:elasticache/replicationGroup:ReplicationGroup 'redis-group' (us-east-1): numCacheClusters is 2; required: at least 3.",
        );
    });

    it("exits 1 naming intelgraph-resilience-chaos-stop-conditions when a drill's template loses its alarm stop conditions", async () => {
        // The real program, with one template's stop conditions replaced by `none` (a resource transformation in
        // a wrapper the copy's Pulumi.yaml names as main): what a careless change to the component would plan.
        const pulumiModule = JSON.stringify(path.join(PROJECT_DIR, "node_modules", "@pulumi", "pulumi"));
        const wrapper = [
            "type Fn = () => Promise<unknown>;",
            "export = async () => {",
            `    const pulumi = (await import(${pulumiModule})) as typeof import("@pulumi/pulumi");`,
            '    const mod = (await import("./stacks/index")) as unknown as Fn | { default: Fn };',
            "    pulumi.runtime.registerStackTransformation((a) =>",
            `        a.type === "aws:fis/experimentTemplate:ExperimentTemplate" && a.name === "chaos-az-power" ? { props: { ...a.props, stopConditions: [{ source: "none" }] }, opts: a.opts } : undefined);`,
            '    return (typeof mod === "function" ? mod : mod.default)();',
            "};",
        ].join("\n");
        const dir = projectCopy((f, text) => (f === "Pulumi.yaml" ? text.replace("main: stacks/index.ts", "main: unstoppable.ts") : text), { "unstoppable.ts": wrapper });
        const { code, stdout, stderr } = await planInProcess(["--stack", "us-west-2"], dir);
        expect(code, stderr).toBe(1);
        expect(stdout).toContain(
            `[mandatory] intelgraph-resilience-chaos-stop-conditions: aws:fis/experimentTemplate:ExperimentTemplate 'chaos-az-power' (us-west-2): stopConditions is ["none"]; required: at least one aws:cloudwatch:alarm stop condition (an alarm of us-west-2).`,
        );
        expect(stdout).toContain("NO ALARM STOP CONDITION on azPowerInterruption");
    });

    it("exits 2 on an unknown --stack", async () => {
        const { code, stderr } = await planInProcess(["--stack", "eu-west-1"], PROJECT_DIR);
        expect(code).toBe(2);
        expect(stderr).toContain(`no stack file for eu-west-1 (stacks: ${stackFiles().sort().join(", ")})`);
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
