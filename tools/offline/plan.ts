/**
 * `npm run plan`: plans every stack offline (no cloud account, no Pulumi CLI), prints a summary (a screen per
 * stack; `--details` adds the resource and outputs tables) and optionally writes the JSON report. Exit codes:
 * 0 clean, 1 a mandatory policy violation, 2 bad config, program error or bad usage.
 */
import * as fs from "node:fs";
import { Command, CommanderError } from "commander";
import * as path from "node:path";
import { estimateCost } from "../../policy-pack/lib/cost";
import { failsOver, resilienceInputs, resilienceModel } from "../../policy-pack/lib/resilience";
import { policies } from "../../policy-pack/policies";
import { planStacks } from "./engine";
import { mermaidGraph } from "./graph";
import { PolicyConfigError, evaluatePolicies, loadPackConfig } from "./policy";
import { type PlanReport, type StackReport, buildReport } from "./report";
import { unwrapWire } from "./wire";
import { renderSummary } from "./summary";
import { environmentBudgets, loadEnvironments } from "./environmentBudget";
import { listStacks, loadProject, loadStackFile } from "./project";
import { checkStackSet, duplicatePhysicalNames } from "./stackSet";

export const EXIT_OK = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_ERROR = 2;

interface CliOptions {
    stack: string[];
    preview: boolean;
    json: boolean;
    details: boolean;
    out?: string;
    graph?: string | boolean;
    regionDown?: string;
}

function engineVersion(): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require("@pulumi/pulumi/package.json") as { version: string };
    return `intelgraph offline plan (@pulumi/pulumi ${version} mocks)`;
}

/** The stack's cost from its report resources; a secondary's inherited Redis node type comes through its StackReference. */
function costOf(s: StackReport) {
    const providerRegion = new Map(
        s.deployment.resources.filter((r) => r.type === "pulumi:providers:aws").map((r) => [r.urn, String((unwrapWire(r.inputs) as { region?: unknown }).region ?? "")] as const),
    );
    const regionOf = (provider: string | undefined) => providerRegion.get((provider ?? "").split("::").slice(0, -1).join("::")) || undefined;
    const resources = s.deployment.resources.map((r) => ({ type: r.type, name: r.urn.split("::").pop() ?? r.urn, props: unwrapWire(r.inputs) as Record<string, unknown>, region: regionOf(r.provider) }));
    const ref = s.deployment.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    const refOutputs = ref ? ((unwrapWire(ref.outputs) as { outputs?: { redisNodeType?: string } }).outputs ?? {}) : {};
    return estimateCost(resources, { region: s.region || undefined, redisNodeType: refOutputs.redisNodeType });
}

type ObjectiveConfig = { rtoSeconds?: number; rpoSeconds?: number; decisionSeconds?: number; tiers?: Record<string, { rtoSeconds: number; rpoSeconds: number }> };

function resilienceOf(s: StackReport, config: Record<string, unknown>) {
    const c = (config["intelgraph-resilience-objectives"] ?? {}) as ObjectiveConfig;
    const model = resilienceModel(resilienceInputs(s.deployment.resources.map((r) => ({ type: r.type, props: unwrapWire(r.inputs) as Record<string, unknown> }))), c.decisionSeconds);
    const base = { rtoSeconds: c.rtoSeconds ?? 900, rpoSeconds: c.rpoSeconds ?? 300 };
    const objectives = Object.fromEntries(Object.keys(model.tiers).map((t) => [t, c.tiers?.[t] ?? base]));
    return { ...model, objectives };
}

export function exitCodeOf(report: PlanReport): number {
    if (report.stacks.some((s) => s.error) || report.stackSet?.problems.length) return EXIT_ERROR;
    if (report.stacks.some((s) => s.policy.violations.some((v) => v.enforcementLevel === "mandatory"))) return EXIT_VIOLATION;
    if (report.environments?.some((e) => e.verdict === "mandatory")) return EXIT_VIOLATION;
    return EXIT_OK;
}

export async function main(argv: readonly string[]): Promise<number> {
    const cmd = new Command("plan")
        .description("Plan every IntelGraph stack offline under Pulumi's mock engine and report the resource graph.")
        .option("-s, --stack <name>", "plan only this stack (repeatable; referenced stacks are planned too)", (v: string, acc: string[]) => [...acc, v], [])
        .option("--preview", "plan as a first `pulumi preview` sees it (computed outputs unknown)", false)
        .option("--json", "print the JSON report (DESIGN §3 contract) instead of the summary (stdout holds only the JSON)", false)
        .option("--details", "add the resources by component and type and the stack outputs to the summary", false)
        .option("-o, --out <file>", "also write the JSON report to <file>")
        .option("--graph [file]", "write a Mermaid diagram of the components and cross-region links (default: architecture.mmd)")
        .option("--region-down <region>", "rehearse the loss of a region: what fails through its providers (and, for us-east-1, every IAM and Route 53 change), per stack")
        .addHelpText("after", "\nExit codes: 0 clean, 1 a mandatory policy violation, 2 a bad stack file, a program error or bad usage.")
        .exitOverride();
    try {
        cmd.parse(argv as string[], { from: "user" });
    } catch (e) {
        // --help (and --version) end here with exit code 0; a bad option has already been explained on stderr.
        if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
        throw e;
    }
    const opts = cmd.opts<CliOptions>();

    let planned;
    try {
        planned = await planStacks({ stacks: opts.stack, preview: opts.preview, regionDown: opts.regionDown });
    } catch (e) {
        process.stderr.write(`plan: ${(e as Error).message}\n`);
        return EXIT_ERROR;
    }
    const report = buildReport(planned, engineVersion());
    // The pack runs on the report (secrets already masked), as it would on a `pulumi stack export`.
    const projectDir = process.cwd();
    for (const s of report.stacks) {
        // A stack with resources but an error (quota data missing) is planned: the pack still runs on it.
        if (!s.deployment.resources.length) continue;
        try {
            const config = loadPackConfig(projectDir, s.stack);
            const result = await evaluatePolicies(s.deployment.resources, policies, { config });
            s.policy = { violations: result.violations, summary: result.summary };
            s.cost = { ...costOf(s), budgetUsd: (config["intelgraph-cost-budget"] as { monthlyBudgetUsd?: number } | undefined)?.monthlyBudgetUsd };
            // A missing price is an error, never a silent 0 or another region's rate.
            if (s.cost.unpriced.length && !s.error) {
                s.error = { kind: "config", message: `policy-pack/data/aws-prices.json: ${s.cost.error ?? `no ${s.region} price for ${s.cost.unpriced.join(", ")}`}` };
            }
            if (failsOver(s.deployment.resources)) s.resilience = resilienceOf(s, config);
        } catch (e) {
            if (!(e instanceof PolicyConfigError)) throw e;
            s.error = { kind: "config", message: `${path.join("policy-pack", "config", `${s.stack}.json`)}: ${e.message}` };
        }
    }
    // The whole stack set, whatever --stack selected: a conflict between two stack files is a config error.
    const project = loadProject(projectDir);
    let environments;
    try {
        environments = loadEnvironments(projectDir);
        report.environments = environmentBudgets(report.stacks, new Map(planned.map((p) => [p.stack, p.config["intelgraph:environment"] ?? ""])), environments);
    } catch (e) {
        process.stderr.write(`plan: ${(e as Error).message}\n`);
        return EXIT_ERROR;
    }
    const caps = Object.fromEntries(Object.entries(environments.environments).map(([env, c]) => [env, c.monthlyBudgetUsd]));
    report.stackSet = { problems: [...checkStackSet(listStacks(project).map((s) => loadStackFile(project, s)), caps), ...duplicatePhysicalNames(report.stacks)] };
    const json = opts.json || opts.out ? JSON.stringify(report, null, 2) : "";
    const stacks = `${report.stacks.length} stack${report.stacks.length === 1 ? "" : "s"}: ${report.stacks.map((s) => s.stack).join(", ")}`;
    // What was written where goes to stderr, so stdout stays the summary, or only the JSON with --json.
    if (opts.out) {
        fs.writeFileSync(opts.out, `${json}\n`);
        process.stderr.write(`plan: wrote the JSON report to ${opts.out} (${stacks})\n`);
    }
    if (opts.graph) {
        const file = typeof opts.graph === "string" ? opts.graph : "architecture.mmd";
        fs.writeFileSync(file, mermaidGraph(report));
        const left = report.stacks.filter((s) => s.error).map((s) => s.stack);
        process.stderr.write(`plan: wrote the Mermaid architecture picture to ${file} (${stacks}${left.length ? `; not drawn, with errors: ${left.join(", ")}` : ""})\n`);
    }
    if (opts.json) process.stdout.write(`${json}\n`);
    else {
        const durations = new Map(planned.map((p) => [p.stack, p.durationMs]));
        process.stdout.write(`${renderSummary(report, { durations, details: opts.details })}\n`);
    }
    for (const p of report.stackSet.problems) process.stderr.write(`plan: stack set (${p.stacks.join(", ")}): config error\n${p.message}\n`);
    for (const s of report.stacks) {
        if (!s.error) continue;
        const what = s.deployment.resources.length ? " (its resources are planned; the quota section is not)" : "";
        process.stderr.write(`plan: ${s.stack}: ${s.error.kind} error${what}\n${s.error.message}\n`);
    }
    return exitCodeOf(report);
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(`plan: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exitCode = EXIT_ERROR;
        },
    );
}
