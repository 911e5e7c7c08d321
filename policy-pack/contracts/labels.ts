/**
 * Contract: tags and labels the components put on what they create and the policy pack reads back. One
 * definition for both sides (the program imports it from here through components/labels.ts): renaming one
 * here cannot leave a rule silently matching nothing. Plain constants, no import: the published pack carries it.
 */

/** Node label of the EKS node tiers (general, graph); the capacity rule sizes tiers by it. */
export const TIER_LABEL = "intelgraph.io/tier";

/** Marks the only world-open ingress rules: the public load balancer's HTTPS and HTTP-redirect listeners. */
export const EXPOSURE_TAG = "intelgraph.io/exposure";
export const EXPOSURES = { https: "public-https", httpRedirect: "public-http-redirect" } as const;

/** What a bucket holds; S3-managed encryption is accepted only for ELB access logs (AWS supports nothing else). */
export const PURPOSE_TAG = "intelgraph.io/purpose";
export const ACCESS_LOGS_PURPOSE = "alb-access-logs";
/** Canary run artifacts (screenshots, logs of the probe runs): diagnostics, nothing to restore. */
export const SYNTHETICS_ARTIFACTS_PURPOSE = "synthetics-artifacts";
/**
 * A StorageClass labelled with this purpose (and reclaimPolicy Delete) provisions scratch volumes deleted with
 * their pod (the backup verification job's): nothing on them to back up.
 */
export const SCRATCH_PURPOSE = "scratch";

/** The tag the Neo4j EBS volumes get from their StorageClass, which the daily backup plan selects by. */
export const BACKUP_TAG = { key: "intelgraph-backup", value: "daily" } as const;
