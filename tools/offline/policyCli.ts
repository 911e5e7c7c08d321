/**
 * `npm run policy -- <file> [--stack name] [--config file] [--json]`: evaluates the CrossGuard pack against a
 * plan report or a real `pulumi stack export` file, with no Pulumi CLI and no credentials (pulumi/pulumi#22248).
 * Exit codes: 0 no mandatory violation, 1 a mandatory violation, 2 unreadable input or policy config.
 */
import * as fs from "node:fs";
import { Command } from "commander";
import { policies } from "../../policy-pack/policies";
import { type EvaluatedResource, PolicyConfigError, type PolicyResult, evaluatePolicies, loadPackConfig } from "./policy";
import { renderPolicyResults } from "./policyReport";

interface Target {
    readonly stack: string;
    readonly source: "plan report" | "stack export";
    readonly resources: EvaluatedResource[];
}

class InputError extends Error {}

/** The stacks a document holds: a plan report's, or the one of a stack export (named by its Stack resource). */
export function targetsOf(doc: unknown, file: string, only?: string): Target[] {
    const d = doc as { stacks?: { stack: string; deployment?: { resources?: EvaluatedResource[] } }[]; deployment?: { resources?: EvaluatedResource[] } };
    if (Array.isArray(d?.stacks)) {
        const all = d.stacks.map((s) => ({ stack: s.stack, source: "plan report" as const, resources: s.deployment?.resources ?? [] }));
        const chosen = only ? all.filter((t) => t.stack === only) : all;
        if (!chosen.length) throw new InputError(`${file}: no stack ${only} (has: ${all.map((t) => t.stack).join(", ")})`);
        return chosen;
    }
    if (d?.deployment && Array.isArray(d.deployment.resources)) {
        const root = d.deployment.resources.find((r) => r.type === "pulumi:pulumi:Stack");
        const named = root ? /^urn:pulumi:([^:]+)::/.exec(root.urn)?.[1] : undefined;
        const stack = only ?? named;
        if (!stack) throw new InputError(`${file}: a stack export without a pulumi:pulumi:Stack resource; pass --stack`);
        return [{ stack, source: "stack export", resources: d.deployment.resources }];
    }
    throw new InputError(`${file}: neither a plan report ({stacks: [...]}) nor a stack export ({deployment: {resources}})`);
}

export async function main(argv: readonly string[]): Promise<number> {
    const cmd = new Command("policy")
        .description("Evaluate the IntelGraph CrossGuard pack against a plan report or a `pulumi stack export` file.")
        .argument("<file>", "plan report (npm run plan -- --out) or stack export (pulumi stack export --file)")
        .option("-s, --stack <name>", "evaluate only this stack of a plan report, or name the stack of an export")
        .option("-c, --config <file>", "policy-pack config (default: policy-pack/config/<stack>.json)")
        .option("--json", "print the results as JSON", false)
        .exitOverride();
    cmd.parse(argv as string[], { from: "user" });
    const opts = cmd.opts<{ stack?: string; config?: string; json: boolean }>();
    const file = cmd.args[0];

    let targets: Target[];
    try {
        targets = targetsOf(JSON.parse(fs.readFileSync(file, "utf8")), file, opts.stack);
    } catch (e) {
        process.stderr.write(`policy: ${e instanceof InputError ? e.message : `${file}: ${(e as Error).message}`}\n`);
        return 2;
    }
    const results: (Target & PolicyResult)[] = [];
    for (const t of targets) {
        try {
            results.push({ ...t, ...(await evaluatePolicies(t.resources, policies, { config: loadPackConfig(process.cwd(), t.stack, opts.config) })) });
        } catch (e) {
            if (!(e instanceof PolicyConfigError)) throw e;
            process.stderr.write(`policy: ${t.stack}: ${e.message}\n`);
            return 2;
        }
    }
    if (opts.json) {
        const json = { version: 1, stacks: results.map((r) => ({ stack: r.stack, source: r.source, policy: { violations: r.violations, summary: r.summary } })) };
        process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
    } else {
        for (const r of results) process.stdout.write(`== ${r.stack} (${r.source} ${file})\n${renderPolicyResults(r.violations, r.summary)}\n\n`);
    }
    return results.some((r) => r.violations.some((v) => v.enforcementLevel === "mandatory")) ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(`policy: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exitCode = 2;
        },
    );
}
