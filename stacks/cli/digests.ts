/**
 * `npm run digests -- --stack <name>`: refuses a stack file whose images are pinned to a placeholder digest (all
 * zeros). The committed stack files carry zeros because this project's workplace cannot reach a registry
 * (README, "A real deploy"); a zero digest matches no manifest, so every pod of that image would stay in
 * ImagePullBackOff and a failover would wait on it. The deploy workflow runs this before `pulumi up`; the offline
 * plan and previews do not need it. Exit codes: 0 every digest resolved, 1 placeholders found (each named with
 * its file and key), 2 a bad stack file.
 */
import { Command, CommanderError } from "commander";
import { ProjectFileError, loadProject, loadStackFile } from "../../tools/offline/project";
import { runAsScript } from "./script";

/** A digest that names no content: the committed placeholder. */
export const PLACEHOLDER_DIGEST = /@sha256:0{64}$/;

/** Every `key.path` of a stack file's config whose value is an image reference with the placeholder digest. */
export function placeholderDigests(config: Readonly<Record<string, string | undefined>>): string[] {
    const found: string[] = [];
    const walk = (value: unknown, path: string) => {
        if (typeof value === "string") {
            if (PLACEHOLDER_DIGEST.test(value)) found.push(path);
        } else if (Array.isArray(value)) {
            value.forEach((v, i) => walk(v, `${path}.${i}`));
        } else if (value && typeof value === "object") {
            for (const [k, v] of Object.entries(value)) walk(v, `${path}.${k}`);
        }
    };
    for (const [key, text] of Object.entries(config)) {
        if (text === undefined) continue;
        let value: unknown = text;
        try {
            value = JSON.parse(text);
        } catch {
            // a plain string value
        }
        walk(value, key);
    }
    return found.sort();
}

export async function main(argv: readonly string[]): Promise<number> {
    const cmd = new Command("digests").description("Refuse a stack file whose images are pinned to a placeholder (all-zero) digest.").requiredOption("-s, --stack <name>", "the stack (Pulumi.<name>.yaml)").exitOverride();
    try {
        cmd.parse(argv as string[], { from: "user" });
    } catch (e) {
        if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
        throw e;
    }
    const { stack } = cmd.opts<{ stack: string }>();
    try {
        const file = loadStackFile(loadProject(process.cwd()), stack);
        const keys = placeholderDigests(file.config);
        if (!keys.length) {
            process.stdout.write(`digests: ${file.file}: every image digest is resolved\n`);
            return 0;
        }
        process.stderr.write(
            `digests: ${file.file}: ${keys.length} image(s) pinned to the placeholder digest sha256:000...0, which pulls nothing: ${keys.join(", ")}. ` +
                "Resolve each with `docker buildx imagetools inspect <image:tag>` (the index digest) and commit it (README, \"A real deploy\").\n",
        );
        return 1;
    } catch (e) {
        if (!(e instanceof ProjectFileError)) throw e;
        process.stderr.write(`digests: ${e.message}\n`);
        return 2;
    }
}

if (require.main === module) runAsScript("digests", main);
