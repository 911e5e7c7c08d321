/**
 * Where a stack's outputs come from: the Pulumi backend through the Automation API (`--stack-source
 * automation`: LocalWorkspace.selectStack + Stack.outputs(), which marks each secret output), or the files of
 * `pulumi stack output --json --show-secrets --stack <stack>` (`files`, and the fallback when the backend does not
 * answer: the lost region's state bucket, or a runner without the Pulumi CLI). Secret values are only ever
 * returned to be redacted; nothing here prints them.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface StackOutputs {
    readonly values: Readonly<Record<string, unknown>>;
    /** Outputs the backend marks secret (the files carry no marks: the caller adds the known secret names). */
    readonly secretKeys: readonly string[];
    /** Where the values came from, for messages: a file path or `the Pulumi backend`. */
    readonly origin: string;
}

/** The stack does not exist in the backend, or was never deployed (no outputs): not a backend failure. */
export class StackNotDeployed extends Error {
    constructor(readonly stack: string, origin: string) {
        super(`stack ${stack} has no outputs in ${origin} (not created, or never deployed)`);
        this.name = "StackNotDeployed";
    }
}

export interface StackSource {
    readonly name: "automation" | "files";
    read(stack: string): Promise<StackOutputs>;
}

/** What the Automation API's LocalWorkspace gives: the seam the CLI and the tests share. */
export interface AutomationWorkspace {
    /** Rejects with StackNotDeployed when the backend has no such stack. */
    selectStack(stack: string): Promise<{ outputs(): Promise<Readonly<Record<string, { readonly value: unknown; readonly secret: boolean }>>> }>;
}

/**
 * The real workspace: the project in `workDir` with the backend and secrets provider of the environment
 * (PULUMI_BACKEND_URL, AWS_REGION for the state key's regional replica: README "A real deploy"). Loaded only when
 * asked for, so the file path never needs the Pulumi CLI.
 */
export function localWorkspace(workDir: string): AutomationWorkspace {
    return {
        async selectStack(stack) {
            const automation = await import("@pulumi/pulumi/automation");
            try {
                return await automation.LocalWorkspace.selectStack({ stackName: stack, workDir });
            } catch (e) {
                if (e instanceof automation.StackNotFoundError) throw new StackNotDeployed(stack, "the Pulumi backend");
                throw e;
            }
        },
    };
}

export function automationSource(workspace: AutomationWorkspace): StackSource {
    return {
        name: "automation",
        async read(stack) {
            const outputs = await (await workspace.selectStack(stack)).outputs();
            if (!Object.keys(outputs).length) throw new StackNotDeployed(stack, "the Pulumi backend");
            return {
                values: Object.fromEntries(Object.entries(outputs).map(([k, o]) => [k, o.value])),
                secretKeys: Object.entries(outputs).filter(([, o]) => o.secret).map(([k]) => k),
                origin: "the Pulumi backend",
            };
        },
    };
}

export class UnreadableFile extends Error {
    constructor(readonly file: string, readonly stack: string, cause: string) {
        super(`${file}: cannot read the outputs of stack ${stack} (${cause}); write it with \`pulumi stack output --json --show-secrets --stack ${stack} > ${file}\``);
        this.name = "UnreadableFile";
    }
}

export function fileSource(dir: string): StackSource {
    return {
        name: "files",
        async read(stack) {
            const file = path.join(dir, `${stack}.json`);
            let raw: unknown;
            try {
                raw = JSON.parse(fs.readFileSync(file, "utf8"));
            } catch (e) {
                throw new UnreadableFile(file, stack, (e as Error).message);
            }
            if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new UnreadableFile(file, stack, "not a JSON object");
            return { values: raw as Record<string, unknown>, secretKeys: [], origin: file };
        },
    };
}

/**
 * Reads through `primary`; when it fails for any reason but "not deployed" (backend unreachable, no CLI, no
 * credentials), says so through `warn` and reads `fallback`. The warning carries the error's name only: a
 * command error's text may echo what the CLI printed.
 */
export function withFallback(primary: StackSource, fallback: StackSource, warn: (message: string) => void): StackSource {
    return {
        name: primary.name,
        async read(stack) {
            try {
                return await primary.read(stack);
            } catch (e) {
                if (e instanceof StackNotDeployed) throw e;
                warn(`the Pulumi backend did not answer for ${stack} (${(e as Error).name || "error"}); reading the ${fallback.name} fallback instead`);
                return fallback.read(stack);
            }
        },
    };
}
