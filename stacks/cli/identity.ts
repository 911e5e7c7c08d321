/**
 * `npm run identity -- --stack <name> --kind <kind>`: prints the IAM role ARNs a stack file grants cluster
 * access to for one kind of work (deployers, previewers, admins, breakGlass), one per line, after validating the
 * whole stack file. The PR workflow assumes the previewer it prints, so the identity CI previews with is, by
 * construction, one that has an access entry. An interconnect stack answers with its primary's. Exit codes: 0
 * printed, 2 a bad stack file or an empty list.
 */
import { Command, CommanderError, Option } from "commander";
import { parseBillingConfig } from "../config/billing";
import { parseInterconnectConfig } from "../config/interconnect";
import { ConfigError, parseStackConfig } from "../config/schema";
import { ACCESS_KINDS, type AccessKind } from "../config/tiers";
import { ProjectFileError, loadProject, loadStackFile } from "../../tools/offline/project";
import { runAsScript } from "./script";

export async function main(argv: readonly string[]): Promise<number> {
    const cmd = new Command("identity")
        .description("Print the IAM roles a stack file grants Kubernetes API access to, for one kind of work.")
        .requiredOption("-s, --stack <name>", "the stack (Pulumi.<name>.yaml)")
        .addOption(new Option("-k, --kind <kind>", "which identities").choices(ACCESS_KINDS).makeOptionMandatory())
        .exitOverride();
    try {
        cmd.parse(argv as string[], { from: "user" });
    } catch (e) {
        // commander has printed the usage error (or the help, exit code 0).
        if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
        throw e;
    }
    const opts = cmd.opts<{ stack: string; kind: AccessKind }>();
    try {
        const project = loadProject(process.cwd());
        let file = loadStackFile(project, opts.stack);
        // An interconnect or a billing stack has no cluster: its primary's identities preview and deploy it.
        const role = file.config["intelgraph:role"];
        if (role === "interconnect" || role === "billing") {
            const linked = role === "interconnect" ? parseInterconnectConfig(opts.stack, file.config).primaryStack : parseBillingConfig(opts.stack, file.config).primaryStack;
            file = loadStackFile(project, linked.split("/").pop() ?? "");
        }
        const roles = parseStackConfig(file.stack, file.config).eks.access[opts.kind];
        if (!roles.length) {
            process.stderr.write(`identity: ${file.file}: intelgraph:eks.access.${opts.kind} is empty\n`);
            return 2;
        }
        process.stdout.write(`${roles.join("\n")}\n`);
        return 0;
    } catch (e) {
        if (!(e instanceof ConfigError || e instanceof ProjectFileError)) throw e;
        process.stderr.write(`identity: ${e.message}\n`);
        return 2;
    }
}

if (require.main === module) runAsScript("identity", main);
