/**
 * The graph backups: one backup chain per period of `fullEveryDays` days, each in its own folder of the bucket.
 *
 * `neo4j-admin database backup` writes a FULL artifact the first time it backs up into a location and DIFF
 * artifacts chained to it on later runs (`--type=AUTO`: "determined based on the existing backups"); a DIFF is
 * useless without the FULL at the head of its chain (Operations Manual 5.26, "Back up an online database": backup
 * artifacts, backup chain, `--type`). The job backs up into `neo4j/<region>/chain-<first epoch day of the period>/`,
 * so the first run of every period starts a new chain with a FULL, whichever run that is (a skipped or failed run
 * only moves the FULL to the next one), and no second job ever writes into a chain. The region keeps a promoted
 * region's own chains apart from the ones replicated into its bucket before the failover: a DIFF never chains onto
 * another region's artifacts.
 *
 * The bucket's lifecycle expires every object at an age; a FULL is the oldest object of its chain, so it keeps
 * objects `retentionDays + fullEveryDays` days: every artifact younger than `retentionDays` (the restore window
 * promised by config) then still has its FULL, at most `fullEveryDays` older than itself.
 */
import type { ServerIdentity } from "./neo4jSettings";
import { NEO4J_PORTS } from "./neo4jSettings";

export const BACKUP_PREFIX = "neo4j/";
const DAY_SECONDS = 86_400;

/** The epoch day the chain of `epochDay` starts on (periods are aligned on the Unix epoch, in UTC). */
export function chainStartDay(epochDay: number, fullEveryDays: number): number {
    return Math.floor(epochDay / fullEveryDays) * fullEveryDays;
}

/** The folder (key prefix) holding the chain `region` starts on `startDay`. */
export function chainFolder(region: string, startDay: number): string {
    return `${BACKUP_PREFIX}${region}/chain-${startDay}/`;
}

/** Days the bucket keeps a backup object, so that no artifact inside the restore window loses its FULL. */
export function backupLifecycleDays(retentionDays: number, fullEveryDays: number): number {
    return retentionDays + fullEveryDays;
}

/**
 * The job's command: the shell works out the chain folder from the UTC clock (same arithmetic as chainStartDay),
 * then backs up every database from any of the servers' backup ports into it.
 */
export function backupCommand(servers: readonly ServerIdentity[], bucket: string, region: string, fullEveryDays: number): string[] {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new Error(`region must be an AWS region name, got ${JSON.stringify(region)}`);
    const from = servers.map((s) => `${s.fqdn}:${NEO4J_PORTS.backup}`).join(",");
    const script = [
        "set -eu",
        `chain=$(( $(date -u +%s) / ${DAY_SECONDS} / ${fullEveryDays} * ${fullEveryDays} ))`,
        // "*" backs up every database, system included; quoted so that the shell does not expand it.
        `exec neo4j-admin database backup --from=${from} --to-path=s3://${bucket}/${BACKUP_PREFIX}${region}/chain-\${chain}/ --type=AUTO --compress=true '*'`,
    ].join("\n");
    return ["/bin/sh", "-c", script];
}
