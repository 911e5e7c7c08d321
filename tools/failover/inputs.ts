/**
 * The stacks a failover moves between, read through a StackSource (stackSource.ts: the Pulumi backend through
 * the Automation API, or `pulumi stack output --json --show-secrets --stack <stack>` files, usable while the
 * state backend of the lost region is unreachable: take them from the surviving region's replica of the backend,
 * or from the last drill's copies). Parsed once; secrets are kept apart, only so that nothing the CLI writes can
 * contain them.
 */
import { z } from "zod";
import type { EvidenceTarget } from "./evidence";
import { StackNotDeployed, type StackOutputs, type StackSource, UnreadableFile } from "./stackSource";
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
    // The graph servers' fixed addresses and cluster addresses, in server order (the graph step maps SHOW SERVERS
    // rows to StatefulSets by them); absent in outputs of stacks deployed before the secondaries (#14).
    neo4jAddresses: z.array(z.string().min(1)).optional(),
    neo4jClusterAddresses: z.array(z.string().min(1)).optional(),
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
    /** Where each stack's outputs were read (a file, or the Pulumi backend), for the evidence. */
    readonly origins: { readonly from: string; readonly to: string };
}

export class InputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InputError";
    }
}

/** Parses one stack's outputs; `secretKeys` are the outputs its source marks secret (on top of SECRET_OUTPUTS). */
export function parseStackOutputs(raw: StackOutputs, stack: string): { view: StackView; secrets: string[]; origin: string } {
    const parsed = stackOutputsSchema.safeParse(raw.values);
    if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`).join("; ");
        throw new InputError(`${raw.origin}: not the outputs of a regional stack (${issues}); expected \`pulumi stack output --json --show-secrets --stack ${stack}\` of ${stack}`);
    }
    const keys = [...new Set([...SECRET_OUTPUTS, ...raw.secretKeys])];
    const secrets = keys.flatMap((k) => secretStrings(raw.values[k]));
    return { view: { ...parsed.data, stack }, secrets, origin: raw.origin };
}

/** Every string inside a secret value (a structured secret output keeps its secrets in its leaves). */
function secretStrings(v: unknown): string[] {
    if (typeof v === "string") return v.length > 0 ? [v] : [];
    if (typeof v === "number" || typeof v === "boolean") return [String(v)];
    if (Array.isArray(v)) return v.flatMap(secretStrings);
    if (v && typeof v === "object") return Object.values(v).flatMap(secretStrings);
    return [];
}

/** Reads one stack through `source`, turning its errors into input errors that name the stack and what to do. */
export async function readStack(source: StackSource, stack: string): Promise<{ view: StackView; secrets: string[]; origin: string }> {
    let raw: StackOutputs;
    try {
        raw = await source.read(stack);
    } catch (e) {
        if (e instanceof UnreadableFile || e instanceof StackNotDeployed) throw new InputError(e.message);
        throw e;
    }
    return parseStackOutputs(raw, stack);
}

export interface InputOptions {
    readonly from: string;
    readonly to: string;
    readonly mode: Mode;
    readonly maxLagMs: number;
}

export async function loadInputs(source: StackSource, o: InputOptions): Promise<FailoverInputs> {
    if (o.from === o.to) throw new InputError(`--from and --to name the same stack (${o.from}); fail over between two regional stacks of one environment`);
    const from = await readStack(source, o.from);
    const to = await readStack(source, o.to);
    const mismatch = (["environment", "residencyZone", "auroraGlobalClusterId", "redisGlobalReplicationGroupId"] as const).find((k) => from.view[k] !== to.view[k]);
    if (mismatch) throw new InputError(`--from ${o.from} and --to ${o.to} differ in ${mismatch} (${from.view[mismatch]} vs ${to.view[mismatch]}): they are not members of one global database and datastore`);
    if (!Number.isInteger(o.maxLagMs) || o.maxLagMs < 0) throw new InputError(`--max-lag-ms must be a whole number of milliseconds, got ${o.maxLagMs}`);
    return { mode: o.mode, from: from.view, to: to.view, maxLagMs: o.maxLagMs, secrets: [...from.secrets, ...to.secrets], origins: { from: from.origin, to: to.origin } };
}

/** Where the stack's region keeps evidence, when its outputs name the bucket (tools/failover/evidence.ts). */
export function evidenceTargetOf(s: StackView): EvidenceTarget | undefined {
    if (!s.evidenceBucketName || !s.evidenceAuditRetentionDays || !s.evidenceLockMode) return undefined;
    return { region: s.region, bucket: s.evidenceBucketName, retentionDays: s.evidenceAuditRetentionDays, mode: s.evidenceLockMode };
}
