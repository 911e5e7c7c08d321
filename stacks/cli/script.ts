/**
 * How a stack-file CLI runs as `npm run <name>`: its exit code from `main`, and exit 2 with the message of
 * anything it did not expect (a crash is a bad run, never a pass).
 */
export function runAsScript(name: string, main: (argv: readonly string[]) => Promise<number>): void {
    main(process.argv.slice(2)).then(
        (code) => {
            process.exitCode = code;
        },
        (e: unknown) => {
            process.stderr.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
            process.exitCode = 2;
        },
    );
}
