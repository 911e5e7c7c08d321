/**
 * npm run failover -- freeze-status --stacks <regional stack>[,<regional stack>...] [--allow-run <run id>]
 *
 * The check the deploy workflow runs before `pulumi up`: reads the deploy-freeze marker (steps/freeze.ts) in the
 * neo4j backups bucket of each regional stack of the environment, each through its own region's S3 endpoint (S3
 * is regional: S3 User Guide, "Regions and endpoints"), so whichever region is down the other's marker answers.
 * Exit 0: no reachable marker (or only the one of the run named by --allow-run: a runbook step deploying during its
 * own failover); 1: frozen (who, why, since when, how to lift it), or no region could be read; 2: bad input.
 */
import { GetObjectCommand } from "@aws-sdk/client-s3";
import { Command, Option } from "commander";
import { z } from "zod";
import type { CliDeps, StackSourceName } from "./cli";
import { regionalClients } from "./clients";
import { redact } from "./evidence";
import { SECRET_OUTPUTS } from "./inputs";
import { FREEZE_KEY, type FreezeMarker } from "./steps/freeze";
import { StackNotDeployed, UnreadableFile, automationSource, fileSource, localWorkspace, withFallback } from "./stackSource";

export type FreezeState =
    | { readonly stack: string; readonly status: "frozen"; readonly region: string; readonly bucket: string; readonly marker: Partial<FreezeMarker>; readonly allowed: boolean }
    | { readonly stack: string; readonly status: "clear"; readonly region: string; readonly bucket: string }
    /** No outputs, or the bucket does not exist yet (a first `pulumi up`): nothing there can be frozen. */
    | { readonly stack: string; readonly status: "not-deployed"; readonly detail: string }
    | { readonly stack: string; readonly status: "unreachable"; readonly detail: string };

const where = z.object({ region: z.string().min(1), neo4jBackupBucketName: z.string().min(1) });
const markerSchema = z.object({ frozen: z.literal(true), reason: z.string(), runId: z.string(), by: z.string(), stack: z.string(), at: z.string() }).partial();

const code = (e: unknown): string => {
    const err = e as { name?: string; Code?: string };
    return err.Code ?? err.name ?? "Error";
};

async function markerIn(region: string, bucket: string, allowRun: string | undefined, stack: string): Promise<FreezeState> {
    const s3 = regionalClients().in(region).s3;
    try {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: FREEZE_KEY }));
        const text = (await res.Body?.transformToString()) ?? "";
        let marker: Partial<FreezeMarker> = {};
        try {
            const parsed = markerSchema.safeParse(JSON.parse(text));
            if (parsed.success) marker = parsed.data as Partial<FreezeMarker>;
        } catch {
            // An unreadable marker still freezes: its presence is the signal.
        }
        return { stack, status: "frozen", region, bucket, marker, allowed: allowRun !== undefined && allowRun !== "" && marker.runId === allowRun };
    } catch (e) {
        // GetObject answers NoSuchKey for a missing object and NoSuchBucket for a missing bucket (S3 API Reference, GetObject).
        if (code(e) === "NoSuchKey") return { stack, status: "clear", region, bucket };
        if (code(e) === "NoSuchBucket") return { stack, status: "not-deployed", detail: `bucket ${bucket} does not exist yet in ${region}` };
        return { stack, status: "unreachable", detail: `${region}: ${code(e)} reading s3://${bucket}/${FREEZE_KEY}` };
    }
}

export interface FreezeStatusOptions {
    readonly stacks: readonly string[];
    readonly source: StackSourceName;
    readonly outputsDir: string;
    readonly workDir: string;
    readonly allowRun?: string;
}

export async function freezeStates(o: FreezeStatusOptions, deps: Pick<CliDeps, "workspace" | "stderr">): Promise<{ states: FreezeState[]; secrets: string[] }> {
    const files = fileSource(o.outputsDir);
    const source = o.source === "files" ? files : withFallback(automationSource(deps.workspace ?? localWorkspace(o.workDir)), files, (m) => deps.stderr(`freeze-status: ${m} (${o.outputsDir})\n`));
    const states: FreezeState[] = [];
    const secrets: string[] = [];
    for (const stack of o.stacks) {
        let values: Readonly<Record<string, unknown>>;
        try {
            const read = await source.read(stack);
            values = read.values;
            for (const k of [...SECRET_OUTPUTS, ...read.secretKeys]) if (typeof values[k] === "string") secrets.push(values[k] as string);
        } catch (e) {
            if (e instanceof StackNotDeployed) states.push({ stack, status: "not-deployed", detail: e.message });
            else if (e instanceof UnreadableFile) states.push({ stack, status: "unreachable", detail: e.message });
            else states.push({ stack, status: "unreachable", detail: `${stack}: ${code(e)} reading its outputs` });
            continue;
        }
        const w = where.safeParse(values);
        if (!w.success) {
            states.push({ stack, status: "not-deployed", detail: `stack ${stack} has no neo4jBackupBucketName/region output yet` });
            continue;
        }
        states.push(await markerIn(w.data.region, w.data.neo4jBackupBucketName, o.allowRun, stack));
    }
    return { states, secrets };
}

/** 0 deploy, 1 frozen or unknown. */
export function verdict(states: readonly FreezeState[]): { code: 0 | 1; lines: string[] } {
    const lines = states.map((s) => {
        switch (s.status) {
            case "frozen": {
                const m = s.marker;
                const who = `by ${m.by ?? "(unknown)"} since ${m.at ?? "(unknown time)"}: ${m.reason ?? "(no reason in the marker)"} (run ${m.runId ?? "?"})`;
                return `${s.stack} (${s.region}): FROZEN ${who}${s.allowed ? " - allowed for this run (--allow-run)" : ""}`;
            }
            case "clear":
                return `${s.stack} (${s.region}): not frozen (no s3://${s.bucket}/${FREEZE_KEY})`;
            case "not-deployed":
                return `${s.stack}: nothing deployed to freeze (${s.detail})`;
            case "unreachable":
                return `${s.stack}: could not be read (${s.detail})`;
        }
    });
    const frozen = states.filter((s): s is Extract<FreezeState, { status: "frozen" }> => s.status === "frozen");
    const blocking = frozen.filter((s) => !s.allowed);
    if (blocking.length) {
        lines.push(
            "Deploys are frozen: a failover is in progress or not yet failed back. Do not pulumi up except the runbook's steps (pass --allow-run <its run id>).",
            `Lift it last on failback (runbooks/failback.md): ${blocking.map((s) => `aws s3api delete-object --region ${s.region} --bucket ${s.bucket} --key ${FREEZE_KEY}`).join(" && ")}`,
        );
        return { code: 1, lines };
    }
    if (!states.some((s) => s.status === "clear" || s.status === "not-deployed" || s.status === "frozen")) {
        lines.push("No region's marker could be read: the freeze state is unknown, so deploys stay stopped (check the runner's credentials and network, or read a surviving region).");
        return { code: 1, lines };
    }
    lines.push(frozen.length ? "Frozen only for the run named by --allow-run: deploy allowed." : "Not frozen: deploy allowed.");
    return { code: 0, lines };
}

export async function freezeStatusMain(argv: readonly string[], deps: CliDeps): Promise<number> {
    const program = new Command("freeze-status")
        .description("Exit non-zero while the deploy-freeze marker of a failover exists in any reachable region (the deploy workflow runs it before pulumi up)")
        .requiredOption("--stacks <stacks>", "the environment's regional stacks, comma-separated (e.g. us-west-2,us-east-1)")
        .addOption(new Option("--stack-source <source>", "where their outputs come from").choices(["automation", "files"]).default("automation"))
        .option("--work-dir <dir>", "the Pulumi project directory (--stack-source automation)", ".")
        .option("--outputs-dir <dir>", "folder of <stack>.json output files (the fallback when the backend does not answer)", ".")
        .option("--allow-run <id>", "a failover run whose own freeze does not block this deploy (a runbook step)")
        .option("--json", "print the states as JSON", false)
        .exitOverride()
        .configureOutput({ writeOut: deps.stdout, writeErr: deps.stderr });
    let o: Record<string, string | boolean | undefined>;
    try {
        o = program.parse([...argv], { from: "user" }).opts();
    } catch (e) {
        const c = (e as { code?: string }).code;
        return c === "commander.helpDisplayed" ? 0 : 2;
    }
    const stacks = String(o.stacks).split(",").map((x) => x.trim()).filter(Boolean);
    if (!stacks.length || stacks.some((x) => !/^[A-Za-z0-9_.-]+$/.test(x))) {
        deps.stderr(`freeze-status: --stacks must list regional stack names separated by commas, got ${JSON.stringify(o.stacks)}\n`);
        return 2;
    }
    const { states, secrets } = await freezeStates(
        { stacks, source: o.stackSource as StackSourceName, outputsDir: String(o.outputsDir), workDir: String(o.workDir), allowRun: typeof o.allowRun === "string" ? o.allowRun : undefined },
        deps,
    );
    const v = verdict(states);
    deps.stdout(redact(o.json ? JSON.stringify({ states, exitCode: v.code }, null, 2) + "\n" : v.lines.join("\n") + "\n", secrets));
    return v.code;
}
