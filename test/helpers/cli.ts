import { vi } from "vitest";

/** Runs a CLI's `main(argv)` in-process from `cwd`, capturing what it writes to stdout and stderr. */
export async function runCli(main: (argv: readonly string[]) => Promise<number>, args: string[], cwd: string) {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
    const previous = process.cwd();
    process.chdir(cwd);
    try {
        return { code: await main(args), stdout: out.join(""), stderr: err.join("") };
    } finally {
        process.chdir(previous);
        stdout.mockRestore();
        stderr.mockRestore();
    }
}
