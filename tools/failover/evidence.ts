/**
 * The run's evidence: JSON and a readable summary, written where runbooks/dr-drill.md keeps evidence
 * (`--evidence-dir`, attached to the drill or incident ticket), then uploaded to the target region's Object Lock
 * evidence bucket (`evidenceBucketName`) so the record lasts and is readable whichever region is down. No secret:
 * every value the stack outputs mark secret is removed from both files before they are written, whatever put it
 * there. The failover CLI and the drill CLI (tools/drill) write through the same functions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Mode, StepId } from "./types";

export interface StepRecord {
    readonly id: StepId;
    readonly title: string;
    status: "done-before" | "done" | "refused" | "failed" | "planned";
    startedAt?: string;
    endedAt?: string;
    seconds?: number;
    message?: string;
}

export interface Evidence {
    readonly version: 1;
    readonly runId: string;
    readonly by: string;
    readonly mode: Mode;
    readonly from: string;
    readonly to: string;
    readonly execute: boolean;
    readonly inputs: Readonly<Record<string, string | number>>;
    readonly startedAt: string;
    endedAt?: string;
    readonly steps: StepRecord[];
    readonly facts: Record<string, string | number>;
    /** Achieved: from the decision (--decided-at, or the start) to the last step's end. */
    rtoSeconds?: number;
    readonly rtoObjectiveSeconds: number;
    outcome: "dry-run" | "completed" | "stopped";
    next?: string;
}

export function redact(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const s of secrets.filter((x) => x.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(s).join("[secret]");
    return out;
}

export function summary(e: Evidence): string {
    const lines = [
        `# Failover ${e.runId}: ${e.mode} ${e.from} -> ${e.to} (${e.outcome})`,
        "",
        `Run by ${e.by}, ${e.execute ? "executed" : "dry run"}, ${e.startedAt} - ${e.endedAt ?? "?"}.`,
        `Inputs: ${Object.entries(e.inputs).map(([k, v]) => `${k}=${v}`).join(", ")}.`,
        e.rtoSeconds !== undefined ? `RTO achieved: ${(e.rtoSeconds / 60).toFixed(1)} min against an objective of ${(e.rtoObjectiveSeconds / 60).toFixed(1)} min (${e.rtoSeconds <= e.rtoObjectiveSeconds ? "met" : "MISSED"}).` : "RTO: not achieved (run not completed).",
        ...Object.entries(e.facts).map(([k, v]) => `- ${k}: ${v}`),
        "",
        "| step | status | start | end | seconds | note |",
        "|---|---|---|---|---|---|",
        ...e.steps.map((s) => `| ${s.id} | ${s.status} | ${s.startedAt ?? ""} | ${s.endedAt ?? ""} | ${s.seconds ?? ""} | ${(s.message ?? "").replace(/\|/g, "/")} |`),
        ...(e.next ? ["", `Next: ${e.next}`] : []),
    ];
    return lines.join("\n") + "\n";
}

export function writeEvidence(dir: string, e: Evidence, secrets: readonly string[]): { json: string; text: string } {
    return writeRecord(dir, `failover-${e.runId}`, e, summary(e), secrets);
}

/** Writes `<name>.json` and `<name>.md` in `dir`, both redacted; what any run (failover, drill) records. */
export function writeRecord(dir: string, name: string, record: unknown, markdown: string, secrets: readonly string[]): { json: string; text: string } {
    fs.mkdirSync(dir, { recursive: true });
    const json = path.join(dir, `${name}.json`);
    const text = path.join(dir, `${name}.md`);
    fs.writeFileSync(json, redact(JSON.stringify(record, null, 2), secrets) + "\n");
    fs.writeFileSync(text, redact(markdown, secrets));
    return { json, text };
}

/** Where a region keeps its records (the stack outputs evidenceBucketName, evidenceAuditRetentionDays, evidenceLockMode). */
export interface EvidenceTarget {
    readonly region: string;
    readonly bucket: string;
    readonly retentionDays: number;
    readonly mode: "COMPLIANCE" | "GOVERNANCE";
}

/** Object key of a record file: evidence/<kind>/<file name>, one folder per kind of run. */
export const evidenceKey = (kind: "failover" | "drill", file: string) => `evidence/${kind}/${path.basename(file)}`;

/**
 * Uploads the written files (already redacted) with their own Object Lock retention: the audit retention, longer
 * than the bucket's default. A PutObject with Object Lock headers must carry a checksum (Amazon S3 API Reference,
 * PutObject: Content-MD5 or x-amz-sdk-checksum-algorithm "is required for any request to upload an object with a
 * retention period configured using Amazon S3 Object Lock"): the SDK computes the SHA-256 one. Writing the same
 * record again adds a version; no version is ever overwritten (S3 User Guide, "How S3 Object Lock works").
 */
export async function uploadEvidence(s3: S3Client, target: EvidenceTarget, kind: "failover" | "drill", files: { json: string; text: string }, now: number): Promise<string[]> {
    const retainUntil = new Date(now + target.retentionDays * 86_400_000);
    const keys: string[] = [];
    for (const [file, contentType] of [
        [files.json, "application/json"],
        [files.text, "text/markdown"],
    ] as const) {
        const key = evidenceKey(kind, file);
        await s3.send(
            new PutObjectCommand({
                Bucket: target.bucket,
                Key: key,
                Body: fs.readFileSync(file),
                ContentType: contentType,
                ChecksumAlgorithm: "SHA256",
                ObjectLockMode: target.mode,
                ObjectLockRetainUntilDate: retainUntil,
            }),
        );
        keys.push(`s3://${target.bucket}/${key}`);
    }
    return keys;
}
