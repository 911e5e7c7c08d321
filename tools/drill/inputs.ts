/**
 * What a drill reads: the stack's outputs (`pulumi stack output --json --stack <stack>`, the file the failover
 * CLI reads too) and its recovery objectives (policy-pack/config/<stack>.json, intelgraph-resilience-objectives).
 * Secret outputs, if the file has them, are kept apart only so that nothing the CLI writes can contain them.
 */
import * as fs from "node:fs";
import { z } from "zod";
import { InputError, SECRET_OUTPUTS } from "../failover/inputs";

const drill = z.object({
    templateId: z.string().min(1),
    title: z.string(),
    disrupts: z.string(),
    expectedRecovery: z.string(),
    fightsDeploys: z.string(),
    actionMinutes: z.number().nonnegative(),
});

export const drillOutputsSchema = z.object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    environment: z.string().min(1),
    neo4jBackupBucketName: z.string().min(1),
    evidenceBucketName: z.string().min(1),
    evidenceAuditRetentionDays: z.number().int().positive(),
    evidenceLockMode: z.enum(["COMPLIANCE", "GOVERNANCE"]),
    chaosDrills: z.record(z.string(), drill),
    chaosStopAlarmArns: z.array(z.string().startsWith("arn:")),
});

export type DrillStack = z.infer<typeof drillOutputsSchema> & { readonly stack: string };

export interface Objectives {
    readonly rtoSeconds: number;
    readonly rpoSeconds: number;
    readonly source: string;
}

export function readDrillStack(file: string, stack: string): { view: DrillStack; secrets: string[] } {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new InputError(`${file}: cannot read the outputs of stack ${stack} (${(e as Error).message}); write it with \`pulumi stack output --json --stack ${stack} > ${file}\``);
    }
    const parsed = drillOutputsSchema.safeParse(raw);
    if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ");
        throw new InputError(`${file}: not the outputs of a regional stack with drills (${issues}); expected \`pulumi stack output --json --stack ${stack}\` of ${stack}, deployed with its drills`);
    }
    const obj = raw as Record<string, unknown>;
    const secrets = SECRET_OUTPUTS.map((k) => obj[k]).filter((v): v is string => typeof v === "string" && v.length > 0 && v !== "[secret]");
    return { view: { ...parsed.data, stack }, secrets };
}

const objectivesSchema = z.object({ "intelgraph-resilience-objectives": z.object({ rtoSeconds: z.number().positive(), rpoSeconds: z.number().nonnegative() }).passthrough() }).passthrough();

/** The stack's RTO/RPO objectives, the ones the plan report's Recovery section checks. */
export function readObjectives(file: string): Objectives {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new InputError(`${file}: cannot read the stack's policy config (${(e as Error).message}); pass --policy-config <file>`);
    }
    const parsed = objectivesSchema.safeParse(raw);
    if (!parsed.success) throw new InputError(`${file}: no intelgraph-resilience-objectives { rtoSeconds, rpoSeconds } (the plan report's objectives)`);
    const o = parsed.data["intelgraph-resilience-objectives"];
    return { rtoSeconds: o.rtoSeconds, rpoSeconds: o.rpoSeconds, source: file };
}
