/**
 * The graph tier's promotion, as commands with checks. #14 (components/graph/promotion.ts) replaces
 * `currentGraphPromotion` with pure builders for the Neo4j secondaries' promotion; the step runs whatever
 * GraphCommand list it is given. What runs today is the warm standby's restore from the replicated backups
 * (runbooks/region-failover.md step 4), through kubectl against the target region's private EKS endpoint.
 */
import { chainFolder, chainStartDay } from "../../../components/graph/backup";
import { STEP_BUDGETS } from "../budgets";
import type { FailoverInputs } from "../inputs";
import type { Step } from "../types";

export interface GraphCommand {
    readonly id: string;
    readonly description: string;
    /** argv of the command (kubectl ...), run inside the target region. */
    readonly argv: readonly string[];
    /** A read-only command whose output matches `expect` once this command's effect is in place. */
    readonly check: { readonly argv: readonly string[]; readonly expect: RegExp };
}

/** Runs a command, resolving with its stdout (a fake in tests; `kubectl` through execFile in the CLI). */
export type CommandRunner = (argv: readonly string[]) => Promise<string>;

const NS = "neo4j";
const SERVER = "intelgraph-graph-0-0";

/**
 * TEMPORARY until #14: restore the standby from the chain the old primary was writing when it was lost (one
 * chain folder per `neo4jFullBackupEveryDays`, components/graph/backup.ts, replicated here). Starting the
 * target's own backups is a stack-config change (`intelgraph:neo4j.backupJob: active` and `pulumi up`), never a
 * `kubectl patch` the next `pulumi up` would revert: runbooks/region-failover.md step 5.
 */
export function currentGraphPromotion(inputs: FailoverInputs, now: Date = new Date()): GraphCommand[] {
    const bucket = inputs.to.neo4jBackupBucketName;
    const chain = chainFolder(inputs.from.region, chainStartDay(Math.floor(now.getTime() / 86_400_000), inputs.from.neo4jFullBackupEveryDays));
    const showDatabases = ["kubectl", "-n", NS, "exec", SERVER, "--", "cypher-shell", "-d", "system", "--format", "plain", "SHOW DATABASE neo4j YIELD currentStatus"];
    return [
        {
            id: "restore",
            description: `restore database neo4j on ${SERVER} from s3://${bucket}/${chain}`,
            argv: ["kubectl", "-n", NS, "exec", SERVER, "--", "neo4j-admin", "database", "restore", `--from-path=s3://${bucket}/${chain}`, "--overwrite-destination=true", "neo4j"],
            check: { argv: showDatabases, expect: /online/ },
        },
    ];
}

export function graphStep(inputs: FailoverInputs, commands: readonly GraphCommand[], run: CommandRunner): Step {
    const checkOf = async (c: GraphCommand) => c.check.expect.test((await run(c.check.argv)).trim());
    return {
        id: "graph",
        title: `Neo4j: promote the graph tier in ${inputs.to.stack}`,
        calls: commands.map((c) => ({ service: "kubernetes", region: inputs.to.region, operation: c.id, params: { argv: c.argv.join(" ") } })),
        precondition: "kubectl reaches the target region's cluster (runner inside its VPC, break-glass access entry)",
        check: commands.map((c) => `${c.id}: ${c.check.argv.join(" ")} ~ ${c.check.expect}`).join("; "),
        // #14's promotion brings its own sourced budget; today's is the restore's.
        expectedSeconds: STEP_BUDGETS.graph.seconds,
        durationSource: STEP_BUDGETS.graph.source,
        timeoutSeconds: 2400,
        manual: commands.map((c) => c.argv.join(" ")).join(" && "),
        async done() {
            for (const c of commands) if (!(await checkOf(c))) return false;
            return true;
        },
        async refuse() {
            return undefined;
        },
        async perform() {
            for (const c of commands) if (!(await checkOf(c))) await run(c.argv);
        },
    };
}
