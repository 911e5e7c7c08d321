/**
 * The run's evidence: JSON and a readable summary, written where runbooks/dr-drill.md keeps evidence
 * (`--evidence-dir`, attached to the drill or incident ticket). No secret: every value the stack outputs mark
 * secret is removed from both files before they are written, whatever put it there.
 */
import * as fs from "node:fs";
import * as path from "node:path";
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
    fs.mkdirSync(dir, { recursive: true });
    const json = path.join(dir, `failover-${e.runId}.json`);
    const text = path.join(dir, `failover-${e.runId}.md`);
    fs.writeFileSync(json, redact(JSON.stringify(e, null, 2), secrets) + "\n");
    fs.writeFileSync(text, redact(summary(e), secrets));
    return { json, text };
}
