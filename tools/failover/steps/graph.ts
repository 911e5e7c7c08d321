/**
 * The graph tier's promotion, as commands with checks. #14 (components/graph/promotion.ts) replaces
 * `currentGraphPromotion` with pure builders for the Neo4j secondaries' promotion; the step runs whatever
 * GraphCommand list it is given. What runs today is the warm standby's restore from the replicated backups
 * (runbooks/region-failover.md step 4), through kubectl against the target region's private EKS endpoint.
 */
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

/** TEMPORARY until #14: restore the standby from the newest replicated backup and start its own backups. */
export function currentGraphPromotion(inputs: FailoverInputs): GraphCommand[] {
    const bucket = inputs.to.neo4jBackupBucketName;
    const showDatabases = ["kubectl", "-n", NS, "exec", SERVER, "--", "cypher-shell", "-d", "system", "--format", "plain", "SHOW DATABASE neo4j YIELD currentStatus"];
    return [
        {
            id: "restore",
            description: `restore database neo4j on ${SERVER} from s3://${bucket}/neo4j/`,
            argv: ["kubectl", "-n", NS, "exec", SERVER, "--", "neo4j-admin", "database", "restore", `--from-path=s3://${bucket}/neo4j/`, "--overwrite-destination=true", "neo4j"],
            check: { argv: showDatabases, expect: /online/ },
        },
        {
            id: "backups",
            description: "resume the target region's backup CronJob",
            argv: ["kubectl", "-n", NS, "patch", "cronjob", "intelgraph-graph-backup", "-p", '{"spec":{"suspend":false}}'],
            check: { argv: ["kubectl", "-n", NS, "get", "cronjob", "intelgraph-graph-backup", "-o", "jsonpath={.spec.suspend}"], expect: /^false$/ },
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
