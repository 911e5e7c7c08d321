/** GitHub Actions workflows validated with action-validator (the SchemaStore workflow schema), plus the properties CI relies on. */
import { validateWorkflow } from "@action-validator/core";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import * as YAML from "yaml";
import { PROJECT_DIR } from "./helpers/plan";
import { listStacks, loadProject, loadStackFile } from "../tools/offline/project";

const DIR = path.join(PROJECT_DIR, ".github", "workflows");
const read = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    if?: string;
}
interface Job {
    needs?: string;
    "runs-on"?: string | string[];
    permissions?: Record<string, string>;
    strategy?: { "max-parallel"?: number; matrix: { include: { stack: string; runner: string; region: string }[] } };
    steps: Step[];
}

describe("GitHub workflows", () => {
    it.each(fs.readdirSync(DIR))("%s is a valid workflow", (file) => {
        expect(validateWorkflow(read(file)).errors).toEqual([]);
    });

    it("the validator rejects a broken workflow", () => {
        expect(validateWorkflow("on: push\njobs:\n  a:\n    runs-onn: ubuntu-latest\n").errors.length).toBeGreaterThan(0);
    });

    const wf = YAML.parse(read("pull-request.yml")) as { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };

    it("runs on pull requests, with read-only default permissions", () => {
        expect(Object.keys(wf.on)).toContain("pull_request");
        expect(wf.permissions).toEqual({ contents: "read" });
    });

    it("the offline job needs no secrets: npm ci, npm test, the plan uploaded and summarised", () => {
        const offline = wf.jobs.offline;
        expect(offline.permissions).toBeUndefined();
        const text = JSON.stringify(offline);
        expect(text).not.toContain("secrets.");
        expect(offline.steps.map((s) => s.run?.split("\n")[0])).toEqual(expect.arrayContaining(["npm ci", "npm test", "set -o pipefail"]));
        expect(text).toContain("npm run plan -- --out plan.json");
        expect(text).toContain("GITHUB_STEP_SUMMARY");
        expect(offline.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))?.if).toBe("always()");
    });

    it("previews each region with its policy config, primary first, one at a time, after the offline job", () => {
        const preview = wf.jobs.preview;
        expect(preview.needs).toBe("offline");
        expect(preview.strategy?.["max-parallel"]).toBe(1);
        const previewed = preview.strategy?.matrix.include ?? [];
        // Every stack file of the repository, each after the stacks it reads; a regional stack from a runner in its
        // region, an interconnect from its primary's.
        const project = loadProject(PROJECT_DIR);
        const files = new Map(listStacks(project).map((st) => [st, loadStackFile(project, st).config]));
        expect(previewed.map((m) => m.stack).sort()).toEqual([...files.keys()].sort());
        previewed.forEach((m, i) => {
            const c = files.get(m.stack) ?? {};
            const reads = [c["intelgraph:primaryStack"], ...JSON.parse(c["intelgraph:secondaryStacks"] ?? "[]")].filter((x): x is string => !!x).map((x) => x.split("/").pop());
            for (const r of reads) expect(previewed.findIndex((x) => x.stack === r), `${m.stack} reads ${r}`).toBeLessThan(i);
            const runnerStack = c["intelgraph:role"] === "interconnect" || c["intelgraph:role"] === "billing" ? String(c["intelgraph:primaryStack"]) : m.stack;
            expect(m.runner, m.stack).toBe(runnerStack);
            expect(m.region, m.stack).toBe(files.get(runnerStack)?.["aws:region"]);
        });
        const pulumi = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
        expect(pulumi.with).toMatchObject({ command: "preview", policyPacks: "policy-pack", policyPackConfigs: "policy-pack/config/${{ matrix.stack }}.json", "comment-on-pr": true });
        // The README's backend: the runner's region's state bucket, never a region of another stack (an interconnect's name is no region).
        expect((pulumi as Step & { env?: Record<string, string> }).env).toEqual({
            PULUMI_BACKEND_URL: "s3://intelgraph-pulumi-state-${{ matrix.runner }}?region=${{ matrix.region }}",
            AWS_REGION: "${{ matrix.region }}",
        });
        expect(preview.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with?.["aws-region"]).toBe("${{ matrix.region }}");
        for (const stack of files.keys()) expect(fs.existsSync(path.join(PROJECT_DIR, "policy-pack", "config", `${stack}.json`)), stack).toBe(true);
    });

    it("runs on Node 22, the floor @pulumi/pulumi declares", () => {
        const setups = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses?.startsWith("actions/setup-node@")));
        expect(setups.length).toBeGreaterThan(0);
        for (const s of setups) expect(s.with?.["node-version"]).toBe(22);
    });

    describe("deploy.yml", () => {
        const deploy = YAML.parse(read("deploy.yml")) as { on: Record<string, { inputs: Record<string, { options?: string[] }> }>; permissions: Record<string, string>; jobs: Record<string, Job & { env?: Record<string, string>; strategy?: { matrix: unknown } }> };
        const stacks = JSON.parse(deploy.jobs.select.env!.STACKS) as { stack: string; runner: string; region: string; freeze: string }[];
        const steps = deploy.jobs.deploy.steps as (Step & { name?: string; env?: Record<string, string> })[];
        const at = (pred: (s: Step & { name?: string }) => boolean) => steps.findIndex(pred);

        it("deploys every stack file, in the preview's dependency order, from the same runners and regions", () => {
            const previewed = wf.jobs.preview.strategy?.matrix.include ?? [];
            expect(stacks.map(({ stack, runner, region }) => ({ stack, runner, region }))).toEqual(previewed);
            expect(deploy.on.workflow_dispatch.inputs.stack.options).toEqual(["all", ...previewed.map((m) => m.stack)]);
            expect(deploy.jobs.deploy.strategy).toMatchObject({ "max-parallel": 1, matrix: "${{ fromJSON(needs.select.outputs.matrix) }}" });
            expect(deploy.jobs.deploy["runs-on"]).toEqual(["self-hosted", "linux", "x64", "intelgraph-${{ matrix.runner }}"]);
            expect(deploy.permissions).toEqual({ contents: "read" });
        });

        it("the freeze check reads the markers of the environment's regional stacks (every regional stack of that environment)", () => {
            const project = loadProject(PROJECT_DIR);
            const files = new Map(listStacks(project).map((st) => [st, loadStackFile(project, st).config]));
            const envOf = (stack: string) => files.get(stack)?.["intelgraph:environment"];
            for (const m of stacks) {
                const regional = [...files].filter(([st, c]) => (c["intelgraph:role"] === "primary" || c["intelgraph:role"] === "secondary") && envOf(st) === envOf(m.stack)).map(([st]) => st);
                expect(m.freeze.split(",").sort(), m.stack).toEqual(regional.sort());
            }
        });

        it("refuses placeholder image digests before the freeze check and pulumi up", () => {
            const digests = at((s) => s.run === "npm run -s digests -- --stack '${{ matrix.stack }}'");
            const freeze = at((s) => !!s.run?.includes("npm run -s failover -- freeze-status"));
            expect(digests).toBeGreaterThanOrEqual(0);
            expect(digests).toBe(freeze - 1);
            expect(steps[digests].if).toBeUndefined();
        });

        it("runs the freeze check after the deployer's credentials and before pulumi up, and pulumi up only with the policy pack", () => {
            const identity = at((s) => !!s.run?.includes("npm run -s identity -- --stack '${{ matrix.stack }}' --kind deployers"));
            const creds = at((s) => !!s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
            const cli = at((s) => s.uses?.startsWith("pulumi/actions@") === true && s.with === undefined);
            const freeze = at((s) => !!s.run?.includes("npm run -s failover -- freeze-status"));
            const up = at((s) => s.uses?.startsWith("pulumi/actions@") === true && s.with?.command === "up");
            expect([identity, creds, cli, freeze, up].every((i) => i >= 0)).toBe(true);
            expect(identity).toBeLessThan(creds);
            expect(cli).toBeLessThan(freeze);
            expect(creds).toBeLessThan(freeze);
            expect(freeze).toBe(up - 1);
            expect(steps[freeze].run).toBe(`npm run -s failover -- freeze-status --stacks '\${{ matrix.freeze }}' --stack-source automation --allow-run "$ALLOW_RUN"`);
            // The free-text input reaches the shell through the environment, never interpolated into the script.
            expect(steps[freeze].env).toEqual({ ALLOW_RUN: "${{ inputs.allow-freeze-run }}" });
            expect(steps[freeze].if).toBeUndefined();
            expect(steps[up].with).toMatchObject({ "stack-name": "organization/intelgraph/${{ matrix.stack }}", policyPacks: "policy-pack", policyPackConfigs: "policy-pack/config/${{ matrix.stack }}.json" });
            expect(deploy.jobs.deploy.env).toEqual({ PULUMI_BACKEND_URL: "s3://intelgraph-pulumi-state-${{ matrix.runner }}?region=${{ matrix.region }}", AWS_REGION: "${{ matrix.region }}" });
            expect(read("deploy.yml")).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
        });

        it("the freeze check's command line is one the CLI accepts", async () => {
            const { main } = await import("../tools/failover/cli");
            let out = "";
            const code = await main(["freeze-status", "--help"], { stdout: (x) => void (out += x), stderr: (x) => void (out += x) });
            expect(code).toBe(0);
            for (const flag of ["--stacks", "--stack-source", "--allow-run"]) expect(out).toContain(flag);
        });
    });

    it("previews on a self-hosted runner inside the stack's region, which reaches its private EKS endpoint", () => {
        expect(wf.jobs.preview["runs-on"]).toEqual(["self-hosted", "linux", "x64", "intelgraph-${{ matrix.runner }}"]);
    });

    it("reaches AWS through OIDC only, as the stack file's previewer (an identity with an access entry)", () => {
        const preview = wf.jobs.preview;
        expect(preview.permissions).toMatchObject({ "id-token": "write", "pull-requests": "write" });
        const steps = preview.steps;
        const identity = steps.findIndex((s) => s.run?.includes("npm run -s identity -- --stack '${{ matrix.stack }}' --kind previewers"));
        const awsAt = steps.findIndex((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
        expect(identity).toBeGreaterThan(-1);
        expect(identity).toBeLessThan(awsAt);
        expect(steps[awsAt].with?.["role-to-assume"]).toBe(`\${{ steps.${(steps[identity] as Step & { id?: string }).id}.outputs.role }}`);
        expect(read("pull-request.yml")).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
    });
});
