/**
 * `npm run bench`: how long `npm run plan` takes against the bare import of the SDKs it cannot avoid, in one
 * run with interleaved repetitions (so a load spike hits every command alike), reported as medians:
 *
 * - import: `node -e "require('@pulumi/aws');require('@pulumi/kubernetes')"`, the floor of any plan;
 * - plan: `npm run plan`'s own command line (read from package.json), every stack;
 * - one stack: the same with `--stack <one>` (default us-west-2, the stack the others reference), so
 *   plan - one stack is what the added stacks cost.
 *
 * Targets: plan <= 1.5 x import, each added stack <= 0.1 x import. The machine may be shared: the load
 * average is printed before and after; compare figures taken at a similar, low load.
 *
 * Options: --reps N (default 7), --project DIR (default: the current directory), --one STACK, --json.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

interface Options {
    reps: number;
    project: string;
    one: string;
    json: boolean;
}

export const TARGET_PLAN_RATIO = 1.5;
export const TARGET_STACK_RATIO = 0.1;

function parseArgs(argv: readonly string[]): Options {
    const opts: Options = { reps: 7, project: process.cwd(), one: "us-west-2", json: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = (): string => {
            // The option's value is the next argument.
            const v = argv[++i];
            if (v === undefined) throw new Error(`bench: ${a} needs a value`);
            return v;
        };
        if (a === "--reps") opts.reps = Number(value());
        else if (a === "--project") opts.project = path.resolve(value());
        else if (a === "--one") opts.one = value();
        else if (a === "--json") opts.json = true;
        else throw new Error(`bench: unknown option ${a} (options: --reps N, --project DIR, --one STACK, --json)`);
    }
    if (!Number.isInteger(opts.reps) || opts.reps < 1) throw new Error("bench: --reps must be a positive integer");
    return opts;
}

/** `npm run plan`'s command line as argv: `node <flags> <script>` with node replaced by this node. */
export function planCommand(projectDir: string): string[] {
    const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, "package.json"), "utf8")) as { scripts?: Record<string, string> };
    const script = pkg.scripts?.plan;
    if (!script) throw new Error(`bench: ${projectDir}/package.json has no "plan" script`);
    const [bin, ...args] = script.trim().split(/\s+/);
    if (bin !== "node") throw new Error(`bench: the plan script must start with node, not ${bin}`);
    return [process.execPath, ...args];
}

export function median(xs: readonly number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

interface Case {
    readonly name: string;
    readonly argv: readonly string[];
}

function timeOnce(c: Case, cwd: string): number {
    const started = performance.now();
    const res = spawnSync(c.argv[0], c.argv.slice(1), { cwd, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 120_000 });
    const ms = performance.now() - started;
    if (res.status !== 0) throw new Error(`bench: ${c.name} exited ${res.status ?? res.signal}: ${res.stderr.slice(0, 2000)}`);
    return ms;
}

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(" ");

function main(argv: readonly string[]): number {
    const opts = parseArgs(argv);
    const plan = planCommand(opts.project);
    const cases: Case[] = [
        { name: "import", argv: [process.execPath, "-e", "require('@pulumi/aws');require('@pulumi/kubernetes')"] },
        { name: "plan", argv: plan },
        { name: "one stack", argv: [...plan, "--stack", opts.one] },
    ];
    const loadBefore = load();
    // One unmeasured run each: caches (transpile, compile, file system) warm, as on a developer's machine.
    for (const c of cases) timeOnce(c, opts.project);
    const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
    for (let i = 0; i < opts.reps; i++) {
        // Interleaved, and rotated so no command always runs right after the same one.
        for (let j = 0; j < cases.length; j++) {
            const c = cases[(i + j) % cases.length];
            times.get(c.name)?.push(timeOnce(c, opts.project));
        }
    }
    const loadAfter = load();
    const med = (name: string) => median(times.get(name) ?? []);
    const min = (name: string) => Math.min(...(times.get(name) ?? []));
    const [imp, all, one] = [med("import"), med("plan"), med("one stack")];
    // Minima as a second view: on a shared machine a run is slowed, never sped up, by the others' load.
    const [impMin, allMin, oneMin] = [min("import"), min("plan"), min("one stack")];
    const stacksJson = spawnSync(plan[0], [...plan.slice(1), "--json"], { cwd: opts.project, encoding: "utf8", maxBuffer: 1 << 28 });
    const stackCount = (JSON.parse(stacksJson.stdout) as { stacks: unknown[] }).stacks.length;
    const perAdded = stackCount > 1 ? (all - one) / (stackCount - 1) : Number.NaN;
    const perAddedMin = stackCount > 1 ? (allMin - oneMin) / (stackCount - 1) : Number.NaN;
    const result = {
        reps: opts.reps,
        node: process.version,
        cpus: os.cpus().length,
        load: { before: loadBefore, after: loadAfter },
        planCommand: plan.slice(1).join(" "),
        medianMs: { import: Math.round(imp), plan: Math.round(all), oneStack: Math.round(one) },
        minMs: { import: Math.round(impMin), plan: Math.round(allMin), oneStack: Math.round(oneMin) },
        stacks: stackCount,
        planRatio: all / imp,
        addedStackRatio: perAdded / imp,
        minRatios: { plan: allMin / impMin, addedStack: perAddedMin / impMin },
        targets: { planRatio: TARGET_PLAN_RATIO, addedStackRatio: TARGET_STACK_RATIO },
        runsMs: Object.fromEntries([...times].map(([k, v]) => [k, v.map(Math.round)])),
    };
    if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return 0;
    }
    const ok = (v: number, t: number) => (v <= t ? "meets" : "MISSES");
    process.stdout.write(
        [
            `bench: ${opts.reps} interleaved runs each, ${process.version}, ${result.cpus} CPUs, load ${loadBefore} before, ${loadAfter} after`,
            ...cases.map((c) => `  ${c.name.padEnd(10)} median ${Math.round(med(c.name))} ms  (runs: ${(times.get(c.name) ?? []).map(Math.round).join(", ")})`),
            `  plan / import: ${result.planRatio.toFixed(2)} (${ok(result.planRatio, TARGET_PLAN_RATIO)} target <= ${TARGET_PLAN_RATIO})`,
            `  each added stack / import: ${result.addedStackRatio.toFixed(2)} ((plan - one stack) / ${stackCount - 1} added = ${Math.round(perAdded)} ms; ${ok(result.addedStackRatio, TARGET_STACK_RATIO)} target <= ${TARGET_STACK_RATIO})`,
            `  from the minima: plan / import ${result.minRatios.plan.toFixed(2)}, each added stack / import ${result.minRatios.addedStack.toFixed(2)}`,
            `  plan command: ${result.planCommand}`,
        ].join("\n") + "\n",
    );
    return 0;
}

if (require.main === module) {
    try {
        process.exitCode = main(process.argv.slice(2));
    } catch (e) {
        process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
        process.exitCode = 2;
    }
}
