/**
 * The stacks a failover moves between, from `pulumi stack output --json --show-secrets --stack <stack>` files
 * (usable while the state backend of the lost region is unreachable: take them from the surviving region's
 * replica of the backend, or from the last drill's copies). Parsed once; secrets are kept apart, only so that
 * nothing the CLI writes can contain them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import type { EvidenceTarget } from "./evidence";
import type { Mode } from "./types";

const names = z.array(z.string().min(1)).min(1);
export const stackOutputsSchema = z.object({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
    environment: z.string().min(1),
    residencyZone: z.string().min(1),
    auroraGlobalClusterId: z.string().min(1),
    auroraClusterArn: z.string().startsWith("arn:"),
    auroraClusterId: z.string().min(1),
    redisGlobalReplicationGroupId: z.string().min(1),
    redisReplicationGroupId: z.string().min(1),
    eksClusterName: z.string().min(1),
    eksNodeGroupNames: names,
    eksGraphNodeGroupNames: names,
    neo4jBackupBucketName: z.string().min(1),
    apiTargetGroupArn: z.string().startsWith("arn:"),
    apiLoadBalancerArn: z.string().startsWith("arn:"),
    apiRecordFqdn: z.string().min(1),
    dnsWeight: z.number().int(),
    neo4jFullBackupEveryDays: z.number().int().positive(),
    // The region's Object Lock evidence bucket (stacks/drillTier.ts); absent in outputs of stacks deployed before it.
    evidenceBucketName: z.string().min(1).optional(),
    evidenceAuditRetentionDays: z.number().int().positive().optional(),
    evidenceLockMode: z.enum(["COMPLIANCE", "GOVERNANCE"]).optional(),
});
export type StackView = z.infer<typeof stackOutputsSchema> & { readonly stack: string };

/** Outputs that are secrets (stacks/outputs.ts): never printed, never written. */
export const SECRET_OUTPUTS = ["auroraMasterPassword", "redisAuthToken", "kubeconfig"] as const;

export interface FailoverInputs {
    readonly mode: Mode;
    readonly from: StackView;
    readonly to: StackView;
    /** Longest Aurora replication lag (ms) a planned switchover accepts at the cut. */
    readonly maxLagMs: number;
    /** Values that must never appear in anything the CLI prints or writes. */
    readonly secrets: readonly string[];
}

export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

export function readStackOutputs(file: string, stack: string): { view: StackView; secrets: string[] } {
    let raw: unknown;
    try {
        raw = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new InputError(`${file}: cannot read the outputs of stack ${stack} (${(e as Error).message}); write it with \`pulumi stack output --json --show-secrets --stack ${stack} > ${file}\``);
    }
    const parsed = stackOutputsSchema.safeParse(raw);
    if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ");
        throw new InputError(`${file}: not the outputs of a regional stack (${issues}); expected \`pulumi stack output --json --show-secrets --stack ${stack}\` of ${stack}`);
    }
    const obj = raw as Record<string, unknown>;
    const secrets = SECRET_OUTPUTS.map((k) => obj[k]).filter((v): v is string => typeof v === "string" && v.length > 0);
    return { view: { ...parsed.data, stack }, secrets };
}

export interface InputOptions {
    readonly from: string;
    readonly to: string;
    readonly outputsDir: string;
    readonly mode: Mode;
    readonly maxLagMs: number;
}

export function loadInputs(o: InputOptions): FailoverInputs {
    if (o.from === o.to) throw new InputError(`--from and --to name the same stack (${o.from}); fail over between two regional stacks of one environment`);
    const from = readStackOutputs(path.join(o.outputsDir, `${o.from}.json`), o.from);
    const to = readStackOutputs(path.join(o.outputsDir, `${o.to}.json`), o.to);
    const mismatch = (["environment", "residencyZone", "auroraGlobalClusterId", "redisGlobalReplicationGroupId"] as const).find((k) => from.view[k] !== to.view[k]);
    if (mismatch) throw new InputError(`--from ${o.from} and --to ${o.to} differ in ${mismatch} (${from.view[mismatch]} vs ${to.view[mismatch]}): they are not members of one global database and datastore`);
    if (!Number.isInteger(o.maxLagMs) || o.maxLagMs < 0) throw new InputError(`--max-lag-ms must be a whole number of milliseconds, got ${o.maxLagMs}`);
    return { mode: o.mode, from: from.view, to: to.view, maxLagMs: o.maxLagMs, secrets: [...from.secrets, ...to.secrets] };
}

/** Where the stack's region keeps evidence, when its outputs name the bucket (tools/failover/evidence.ts). */
export function evidenceTargetOf(s: StackView): EvidenceTarget | undefined {
    if (!s.evidenceBucketName || !s.evidenceAuditRetentionDays || !s.evidenceLockMode) return undefined;
    return { region: s.region, bucket: s.evidenceBucketName, retentionDays: s.evidenceAuditRetentionDays, mode: s.evidenceLockMode };
}
