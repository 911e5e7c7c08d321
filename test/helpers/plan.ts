/** Test helpers over the offline engine's recorded graph (the same engine `npm run plan` uses). */
import type { PlannedStack, PlanOptions } from "../../tools/offline/engine";
import { unwrapWire } from "../../tools/offline/wire";
import type { RecordedResource } from "../../tools/offline/monitor";
import * as path from "node:path";
import { inject } from "vitest";

export const PROJECT_DIR = path.resolve(__dirname, "../..");

/**
 * The planned stacks. Without options (or with only `preview`), the graphs planned once for the whole run by
 * globalSetup; with config overrides, stacks or another project, a fresh plan through the same engine.
 */
export async function plan(opts: PlanOptions = {}): Promise<Map<string, PlannedStack>> {
    const shared = Object.keys(opts).every((k) => k === "preview");
    // The engine (and with it the Pulumi SDK) is loaded only by files that plan for themselves.
    const stacks = shared
        ? inject(opts.preview ? "previewedStacks" : "plannedStacks")
        : await (await import("../../tools/offline/engine")).planStacks({ projectDir: PROJECT_DIR, ...opts });
    return new Map(stacks.map((s) => [s.stack, s]));
}

export function mustGet<K, V>(m: ReadonlyMap<K, V>, k: K): V {
    const v = m.get(k);
    if (v === undefined) throw new Error(`missing ${String(k)}`);
    return v;
}

export const ofType = (s: PlannedStack, type: string): RecordedResource[] => s.resources.filter((r) => r.type === type);

export function one(s: PlannedStack, type: string, name?: string): RecordedResource {
    const found = ofType(s, type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""} in ${s.stack}, found ${found.length}`);
    return found[0];
}

/** Inputs/outputs as plain values (secrets unwrapped), for asserting what a deploy would send. */
export const inputsOf = (r: RecordedResource) => unwrapWire(r.inputs) as Record<string, unknown>;
export const outputsOf = (r: RecordedResource) => unwrapWire(r.outputs) as Record<string, unknown>;

/** The region the resource's provider deploys it to. */
export function providerRegion(s: PlannedStack, r: RecordedResource): string | undefined {
    const urn = r.provider.split("::").slice(0, -1).join("::");
    const p = s.resources.find((x) => x.urn === urn);
    return p ? (inputsOf(p).region as string) : undefined;
}
