/**
 * `npm run failover -- freeze-status`: the deploy workflow's check before `pulumi up`, against S3 faked with
 * aws-sdk-client-mock (each region's bucket answered by that region's client) and the stacks' outputs through
 * an injected Automation API workspace.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../../../tools/failover/cli";
import { FREEZE_KEY } from "../../../tools/failover/steps/freeze";
import { type AutomationWorkspace, StackNotDeployed } from "../../../tools/failover/stackSource";
import { type WireValue, isSecret, unwrapWire } from "../../../tools/offline/wire";
import { mustGet, plan } from "../../helpers/plan";

const WEST = "us-west-2";
const EAST = "us-east-1";

type OutputMap = Record<string, { value: unknown; secret: boolean }>;
async function outputMap(stack: string): Promise<OutputMap> {
    const wire = mustGet(await plan(), stack).outputs as Record<string, WireValue>;
    return Object.fromEntries(Object.entries(wire).map(([k, v]) => [k, { value: unwrapWire(v), secret: isSecret(v) }]));
}

const ws = (maps: Record<string, OutputMap>): AutomationWorkspace => ({
    async selectStack(stack) {
        const m = maps[stack];
        if (!m) throw new StackNotDeployed(stack, "the Pulumi backend");
        return { outputs: async () => m };
    },
});

let maps: Record<string, OutputMap>;
let s3: ReturnType<typeof mockClient>;
/** bucket -> the marker's body, or an error to throw (a region that does not answer). */
let answers: Map<string, string | Error>;

/** Every GetObject, with the region of the client that sent it. */
async function asked() {
    const out: { region: string; bucket: string; key: string }[] = [];
    for (const c of s3.calls()) {
        const input = (c.args[0] as { input: { Bucket: string; Key: string } }).input;
        out.push({ region: await (c.thisValue as { config: { region: () => Promise<string> } }).config.region(), bucket: input.Bucket, key: input.Key });
    }
    return out;
}
let dir: string;

const bucket = (stack: string) => String(maps[stack].neo4jBackupBucketName.value);
const marker = { frozen: true, reason: "unplanned failover us-west-2 -> us-east-1", runId: "inc-42", by: "arn:aws:sts::123456789012:assumed-role/intelgraph-break-glass/oncall", stack: EAST, at: "2026-12-01T23:00:05.000Z" };
const unreachable = () => Object.assign(new Error("connect ETIMEDOUT 52.92.0.1:443"), { name: "TimeoutError" });

beforeEach(async () => {
    maps = { [WEST]: await outputMap(WEST), [EAST]: await outputMap(EAST) };
    answers = new Map();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "freeze-"));
    s3 = mockClient(S3Client);
    s3.on(GetObjectCommand).callsFake((input: { Bucket?: string; Key?: string }) => {
        const a = answers.get(String(input.Bucket));
        if (a instanceof Error) throw a;
        if (a === undefined) throw Object.assign(new Error("The specified key does not exist."), { name: "NoSuchKey", $metadata: { httpStatusCode: 404 } });
        return { Body: { transformToString: async () => a } };
    });
});
afterEach(() => s3.restore());

async function run(...args: string[]) {
    let stdout = "", stderr = "";
    const code = await main(["freeze-status", "--stacks", `${WEST},${EAST}`, "--outputs-dir", dir, ...args], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), workspace: ws(maps) });
    return { code, stdout, stderr };
}

describe("npm run failover -- freeze-status", () => {
    it("not frozen: reads the marker key in each region's own bucket through that region, and exits 0", async () => {
        const r = await run();
        expect(r.code, r.stdout).toBe(0);
        expect(await asked()).toEqual([
            { region: WEST, bucket: bucket(WEST), key: FREEZE_KEY },
            { region: EAST, bucket: bucket(EAST), key: FREEZE_KEY },
        ]);
        expect(r.stdout).toContain(`${WEST} (${WEST}): not frozen (no s3://${bucket(WEST)}/${FREEZE_KEY})`);
        expect(r.stdout).toContain("Not frozen: deploy allowed.");
    });

    it("frozen: exits 1 with who, why, when and the run, and how to lift it", async () => {
        answers.set(bucket(EAST), JSON.stringify(marker));
        const r = await run();
        expect(r.code).toBe(1);
        expect(r.stdout).toContain(`${EAST} (${EAST}): FROZEN by ${marker.by} since ${marker.at}: ${marker.reason} (run inc-42)`);
        expect(r.stdout).toContain(`aws s3api delete-object --region ${EAST} --bucket ${bucket(EAST)} --key ${FREEZE_KEY}`);
        // Nothing secret in what CI logs.
        for (const m of Object.values(maps)) for (const o of Object.values(m)) if (o.secret) expect(r.stdout.includes(String(o.value))).toBe(false);
    });

    it("one region unreachable: the other region's marker decides, both ways", async () => {
        answers.set(bucket(WEST), unreachable());
        const clear = await run();
        expect(clear.code, clear.stdout).toBe(0);
        expect(clear.stdout).toContain(`${WEST}: could not be read (${WEST}: TimeoutError reading s3://${bucket(WEST)}/${FREEZE_KEY})`);
        answers.set(bucket(EAST), JSON.stringify(marker));
        const frozen = await run();
        expect(frozen.code).toBe(1);
        expect(frozen.stdout).toContain(`${EAST} (${EAST}): FROZEN by ${marker.by}`);
    });

    it("no region readable: the state is unknown and the deploy stays stopped", async () => {
        answers.set(bucket(WEST), unreachable());
        answers.set(bucket(EAST), Object.assign(new Error("Access Denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }));
        const r = await run();
        expect(r.code).toBe(1);
        expect(r.stdout).toContain("No region's marker could be read: the freeze state is unknown, so deploys stay stopped");
    });

    it("--allow-run lets the runbook's own steps deploy during that failover only", async () => {
        answers.set(bucket(EAST), JSON.stringify(marker));
        const same = await run("--allow-run", "inc-42");
        expect(same.code, same.stdout).toBe(0);
        expect(same.stdout).toContain("allowed for this run (--allow-run)");
        expect((await run("--allow-run", "inc-41")).code).toBe(1);
        expect((await run("--allow-run", "")).code).toBe(1);
    });

    it("a marker whose body cannot be read still freezes", async () => {
        answers.set(bucket(WEST), "not json");
        const r = await run();
        expect(r.code).toBe(1);
        expect(r.stdout).toContain(`${WEST} (${WEST}): FROZEN by (unknown) since (unknown time): (no reason in the marker) (run ?)`);
    });

    it("a first pulumi up in a fresh account: no stack outputs and no bucket yet, nothing to freeze", async () => {
        delete maps[EAST];
        answers.set(bucket(WEST), Object.assign(new Error("The specified bucket does not exist"), { name: "NoSuchBucket", $metadata: { httpStatusCode: 404 } }));
        const r = await run();
        expect(r.code, r.stdout).toBe(0);
        expect(r.stdout).toContain(`${EAST}: nothing deployed to freeze (stack ${EAST} has no outputs in the Pulumi backend (not created, or never deployed))`);
        expect(r.stdout).toContain(`${WEST}: nothing deployed to freeze (bucket ${bucket(WEST)} does not exist yet in ${WEST})`);
    });

    it("reads the output files when told to (or when the backend does not answer)", async () => {
        for (const [s, m] of Object.entries(maps)) fs.writeFileSync(path.join(dir, `${s}.json`), JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, o]) => [k, o.value]))));
        answers.set(bucket(WEST), JSON.stringify({ ...marker, stack: WEST }));
        const r = await run("--stack-source", "files");
        expect(r.code).toBe(1);
        expect(r.stdout).toContain(`${WEST} (${WEST}): FROZEN`);
    });

    it("bad input exits 2", async () => {
        let stderr = "";
        const code = await main(["freeze-status", "--stacks", " , "], { stdout: () => undefined, stderr: (s) => void (stderr += s), workspace: ws(maps) });
        expect(code).toBe(2);
        expect(stderr).toContain("--stacks must list regional stack names separated by commas");
    });
});
