/** Test helpers over the offline engine's recorded graph (the same engine `npm run plan` uses). */
import { type PlannedStack, planStacks, unwrapWire } from "../../stacks/offline/engine";
import type { RecordedResource } from "../../stacks/offline/monitor";
import * as path from "node:path";

export const PROJECT_DIR = path.resolve(__dirname, "../..");

export async function plan(opts: Parameters<typeof planStacks>[0] = {}): Promise<Map<string, PlannedStack>> {
    const stacks = await planStacks({ projectDir: PROJECT_DIR, ...opts });
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
