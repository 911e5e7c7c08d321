/**
 * `npm run failover -- --stack-source automation`: the stack set read through the Automation API seam (the
 * workspace the CLI builds with LocalWorkspace.selectStack, injected here), secrets as the backend marks them, and
 * the output files as the fallback when the backend does not answer.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../../tools/failover/cli";
import { type StackView, stackOutputsSchema } from "../../../tools/failover/inputs";
import { type AutomationWorkspace, StackNotDeployed, automationSource } from "../../../tools/failover/stackSource";
import { type WireValue, isSecret, unwrapWire } from "../../../tools/offline/wire";
import { mustGet, plan } from "../../helpers/plan";
import { fakeAws } from "./fakeAws";
import { fakeGraph, kubectlRunner } from "./fakeNeo4j";

const FROM = "us-west-2";
const TO = "us-east-1";

/** Each stack's outputs as Stack.outputs() answers: { value, secret } per output, secret where the program made it one. */
async function outputMap(stack: string): Promise<Record<string, { value: unknown; secret: boolean }>> {
    const wire = mustGet(await plan(), stack).outputs as Record<string, WireValue>;
    return Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, { value: unwrapWire(v), secret: isSecret(v) }]));
}

interface FakeWorkspace extends AutomationWorkspace {
    readonly selected: string[];
}

function workspace(maps: Record<string, Record<string, { value: unknown; secret: boolean }>>, fail?: Error): FakeWorkspace {
    const selected: string[] = [];
    return {
        selected,
        async selectStack(stack) {
            selected.push(stack);
            if (fail) throw fail;
            const m = maps[stack];
            if (!m) throw new StackNotDeployed(stack, "the Pulumi backend");
            return { outputs: async () => m };
        },
    };
}

let dir: string;
let fake: ReturnType<typeof fakeAws>;
let t: number;
let maps: Record<string, Record<string, { value: unknown; secret: boolean }>>;
/** Values the program marks secret: the password, the token, the kubeconfig (and whatever else the map marks). */
let secretValues: string[];

const view = (m: Record<string, { value: unknown }>, stack: string): StackView => ({ ...stackOutputsSchema.parse(Object.fromEntries(Object.entries(m).map(([k, o]) => [k, o.value]))), stack });

async function run(ws: AutomationWorkspace, ...args: string[]) {
    let stdout = "", stderr = "";
    const code = await main(["--from", FROM, "--to", TO, "--stack-source", "automation", "--outputs-dir", dir, "--evidence-dir", path.join(dir, "evidence"), "--run-id", "auto-1", ...args], {
        stdout: (s) => void (stdout += s),
        stderr: (s) => void (stderr += s),
        now: () => t,
        sleep: async (ms) => void (t += ms),
        // The graph already promoted (test/tools/failover/graph.test.ts runs the promotion itself).
        runCommand: kubectlRunner(
            fakeGraph({ fromAddresses: maps[FROM].neo4jAddresses.value as string[], toAddresses: maps[TO].neo4jAddresses.value as string[], fromTag: "uswest2", toTag: "useast1", mode: "promoted" }),
            fake,
            String(maps[TO].neo4jBackupBucketName.value),
            String(maps[TO].eksClusterName.value),
        ),
        workspace: ws,
    });
    return { code, stdout, stderr };
}

beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "failover-auto-"));
    t = Date.parse("2026-12-01T23:00:00Z");
    maps = { [FROM]: await outputMap(FROM), [TO]: await outputMap(TO) };
    fake = fakeAws(view(maps[FROM], FROM), view(maps[TO], TO));
    secretValues = Object.values(maps).flatMap((m) => Object.values(m).filter((o) => o.secret).map((o) => String(o.value)));
});
afterEach(() => fake.restore());

describe("failover inputs through the Automation API", () => {
    it("marks the program's secret outputs secret (what the CLI relies on to redact them)", () => {
        expect(Object.entries(maps[FROM]).filter(([, o]) => o.secret).map(([k]) => k).sort()).toEqual(expect.arrayContaining(["auroraMasterPassword", "kubeconfig", "redisAuthToken"]));
        expect(secretValues.every((s) => s.length > 8)).toBe(true);
    });

    it("reads both stacks from the backend and plans with their outputs: the calls name the backend's ARNs and regions", async () => {
        const ws = workspace(maps);
        const r = await run(ws, "--unplanned", "--json");
        expect(r.code, r.stderr).toBe(0);
        expect(ws.selected).toEqual([FROM, TO]);
        const report = JSON.parse(r.stdout) as { plan: { steps: { id: string; calls: { region: string; params: Record<string, unknown> }[] }[] }; evidence: { inputs: Record<string, string> } };
        const aurora = report.plan.steps.find((s) => s.id === "aurora")!;
        expect(aurora.calls).toEqual([expect.objectContaining({ region: TO, params: { GlobalClusterIdentifier: maps[TO].auroraGlobalClusterId.value, TargetDbClusterIdentifier: maps[TO].auroraClusterArn.value, AllowDataLoss: true } })]);
        expect(report.evidence.inputs).toMatchObject({ fromOutputs: "the Pulumi backend", toOutputs: "the Pulumi backend" });
        expect(await fake.mutating()).toEqual([]);
    });

    it("a secret the backend marks never reaches the printed plan, the evidence or stderr, whatever its name", async () => {
        // A secret output the CLI has no name for, printed in the plan (step titles, calls): only the backend's mark keeps it out.
        const extra = "cluster-only-the-backend-marks-secret-7f3a";
        maps[TO] = { ...maps[TO], eksClusterName: { value: extra, secret: true } };
        const r = await run(workspace(maps), "--unplanned", "--execute");
        expect(r.code, r.stdout).toBe(0);
        const files = fs.readdirSync(path.join(dir, "evidence")).map((f) => fs.readFileSync(path.join(dir, "evidence", f), "utf8"));
        expect(files).toHaveLength(2);
        for (const text of [r.stdout, r.stderr, ...files]) {
            for (const s of [...secretValues, extra]) expect(text.includes(s), s.slice(0, 6)).toBe(false);
        }
        expect(r.stdout).toContain("[secret]");
    });

    it("names the stack, the backend and the missing output", async () => {
        maps[TO] = Object.fromEntries(Object.entries(maps[TO]).filter(([k]) => k !== "auroraClusterArn"));
        const r = await run(workspace(maps), "--planned");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`failover: the Pulumi backend: not the outputs of a regional stack (auroraClusterArn: `);
        expect(r.stderr).toContain(`expected \`pulumi stack output --json --show-secrets --stack ${TO}\` of ${TO}`);
        const missing = await run(workspace({ [FROM]: maps[FROM] }), "--planned");
        expect(missing.code).toBe(2);
        expect(missing.stderr).toContain(`stack ${TO} has no outputs in the Pulumi backend (not created, or never deployed)`);
    });

    it("falls back to the output files when the backend does not answer, and says so without echoing the error's text", async () => {
        const files = Object.fromEntries(Object.entries(maps).map(([s, m]) => [s, Object.fromEntries(Object.entries(m).map(([k, o]) => [k, o.value]))]));
        for (const [s, v] of Object.entries(files)) fs.writeFileSync(path.join(dir, `${s}.json`), JSON.stringify(v));
        // A CommandError's message carries the CLI's output: it must not be printed.
        const down = Object.assign(new Error(`code: 255\n stdout: ${secretValues[0]}\n stderr: error: could not read s3://intelgraph-pulumi-state-us-west-2`), { name: "CommandError" });
        const r = await run(workspace(maps, down), "--unplanned", "--json");
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain(`failover: the Pulumi backend did not answer for ${FROM} (CommandError); reading the files fallback instead (${dir})`);
        expect((JSON.parse(r.stdout) as { evidence: { inputs: Record<string, string> } }).evidence.inputs).toMatchObject({ fromOutputs: path.join(dir, `${FROM}.json`) });
        for (const s of secretValues) expect(r.stderr.includes(s)).toBe(false);
    });

    it("without files to fall back on, the error names the file to write", async () => {
        const r = await run(workspace(maps, Object.assign(new Error("no pulumi"), { name: "Error" })), "--planned");
        expect(r.code).toBe(2);
        expect(r.stderr).toContain(`${path.join(dir, `${FROM}.json`)}: cannot read the outputs of stack ${FROM}`);
    });

    it("an empty stack (created, never deployed) is not deployed, not a backend failure", async () => {
        await expect(automationSource({ selectStack: async () => ({ outputs: async () => ({}) }) }).read(TO)).rejects.toBeInstanceOf(StackNotDeployed);
    });
});
