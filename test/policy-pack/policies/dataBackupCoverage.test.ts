import { describe, expect, it } from "vitest";
import type { WireProps } from "../../../tools/offline/wire";
import { byName, messages, setProp, stackResources } from "../../helpers/policy";

const RULE = "intelgraph-data-backup-coverage";
const REQUIRED =
    "required: selected by an AWS Backup plan of this stack whose rule copies each recovery point to another vault (the zone's other region). " +
    "Add it to the region's BackupPlan (stacks/protectTier.ts: resourceArns, or the Neo4j StorageClass's backup tag).";

describe(RULE, () => {
    it.each([
        ["us-west-2", false],
        ["us-west-2", true],
        ["us-east-1", false],
        ["us-east-1", true],
    ] as const)("passes the planned stack %s (preview %s)", async (stack, preview) => {
        expect(await messages(await stackResources(stack, preview), stack, RULE)).toEqual([]);
    });

    it.each([false, true])("blocks the Aurora cluster and the backup and evidence buckets once no selection lists them (preview %s)", async (preview) => {
        const resources = (await stackResources("us-west-2", preview)).filter((r) => !r.urn.endsWith("-resources"));
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `aws:s3/bucket:Bucket 'neo4j-backups-bucket' (us-west-2): backup plan is "none"; ${REQUIRED}`,
            `aws:s3/bucket:Bucket 'dr-evidence-bucket' (us-west-2): backup plan is "none"; ${REQUIRED}`,
            `aws:rds/cluster:Cluster 'aurora-cluster' (us-west-2): backup plan is "none"; ${REQUIRED}`,
        ]);
    });

    it("does not ask a backup of the probes' artifact buckets (diagnostics), but would of the same bucket untagged", async () => {
        const resources = await stackResources("interconnect-us");
        expect(await messages(resources, "interconnect-us", RULE)).toEqual([]);
        const bucket = byName(resources, "probe-us-west-2-us-east-1-artifacts-bucket");
        setProp(bucket, "tags", { Name: "x" });
        expect(await messages(resources, "interconnect-us", RULE)).toEqual([`aws:s3/bucket:Bucket 'probe-us-west-2-us-east-1-artifacts-bucket' (us-west-2): backup plan is "none"; ${REQUIRED}`]);
    });

    it("blocks selections whose plans copy nowhere", async () => {
        const resources = await stackResources("us-east-1");
        const daily = byName(resources, "backup-plan-daily");
        const rules = structuredClone((daily.inputs ?? {}).rules) as WireProps[];
        setProp(daily, "rules", rules.map((r) => ({ ...r, copyActions: [] })));
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `aws:s3/bucket:Bucket 'neo4j-backups-bucket' (us-east-1): backup plan is "a plan without a copy to another vault"; ${REQUIRED}`,
            `aws:s3/bucket:Bucket 'dr-evidence-bucket' (us-east-1): backup plan is "a plan without a copy to another vault"; ${REQUIRED}`,
            `aws:rds/cluster:Cluster 'aurora-cluster' (us-east-1): backup plan is "a plan without a copy to another vault"; ${REQUIRED}`,
            `kubernetes:storage.k8s.io/v1:StorageClass 'eks-gp3-encrypted' (us-east-1): backup plan is "a plan without a copy to another vault"; ${REQUIRED}`,
        ]);
    });

    it("blocks a Neo4j StorageClass that does not tag its volumes for the tag selection", async () => {
        const resources = await stackResources("us-west-2");
        const sc = byName(resources, "eks-gp3-encrypted");
        const params = structuredClone((sc.inputs ?? {}).parameters) as Record<string, string>;
        delete params.tagSpecification_1;
        setProp(sc, "parameters", params);
        expect(await messages(resources, "us-west-2", RULE)).toEqual([
            `kubernetes:storage.k8s.io/v1:StorageClass 'eks-gp3-encrypted' (us-west-2): backup plan is "no intelgraph-backup=daily tagSpecification parameter"; ${REQUIRED}`,
        ]);
    });

    it("leaves out the verification job's scratch class (deleted with its pod), but not once it retains its volumes", async () => {
        const resources = await stackResources("us-east-1");
        const scratch = byName(resources, "neo4j-verification-scratch");
        expect((scratch.inputs ?? {}).reclaimPolicy).toBe("Delete");
        setProp(scratch, "reclaimPolicy", "Retain");
        expect(await messages(resources, "us-east-1", RULE)).toEqual([
            `kubernetes:storage.k8s.io/v1:StorageClass 'neo4j-verification-scratch' (us-east-1): backup plan is "no intelgraph-backup=daily tagSpecification parameter"; ${REQUIRED}`,
        ]);
    });
});
