import { describe, expect, it } from "vitest";
import type { PlannedStack } from "../../tools/offline/engine";
import type { RecordedResource } from "../../tools/offline/monitor";
import { UNKNOWN, type WireValue } from "../../tools/offline/wire";
import { inputsOf, mustGet, one, outputsOf, plan } from "../helpers/plan";

/** Every input property (at any depth) whose name says it holds a KMS key. */
const KEY_PROPERTY = /^(kmsKeyId|kmsKeyArn|keyArn|performanceInsightsKmsKeyId|masterUserSecretKmsKeyId)$/;

function keyReferences(r: RecordedResource): { top: string; path: string; value: WireValue }[] {
    const found: { top: string; path: string; value: WireValue }[] = [];
    const walk = (v: WireValue, path: string[]) => {
        if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, String(i)]));
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) {
            if (KEY_PROPERTY.test(k) && typeof x === "string") found.push({ top: path[0] ?? k, path: [...path, k].join("."), value: x });
            else walk(x, [...path, k]);
        }
    };
    walk(r.inputs, []);
    return found;
}

function check(s: PlannedStack, byValue: boolean) {
    const key = one(s, "aws:kms/key:Key");
    const refs = s.resources.flatMap((r) => keyReferences(r).map((ref) => ({ r, ...ref })));
    expect(refs.length).toBeGreaterThanOrEqual(10);
    for (const { r, top, path, value } of refs) {
        const where = `${s.stack} ${r.name} ${path}`;
        if (byValue) expect(value, where).toBe(outputsOf(key).arn);
        else expect(value, where).toBe(UNKNOWN);
        // Whatever the value, the property depends on the stack's own key resource.
        expect(r.propertyDependencies[top], where).toContain(key.urn);
    }
}

describe("every KMS key reference resolves to the stack's own regional key", () => {
    it.each(["us-west-2", "us-east-1"])("%s, by value and by dependency", async (stack) => {
        check(mustGet(await plan(), stack), true);
    });

    it.each(["us-west-2", "us-east-1"])("%s at first preview, by dependency (the ARN is unknown)", async (stack) => {
        check(mustGet(await plan({ preview: true }), stack), false);
    });

    it("covers the resources that encrypt with it", async () => {
        const east = mustGet(await plan(), "us-east-1");
        const holders = new Set(east.resources.filter((r) => keyReferences(r).length).map((r) => r.type));
        expect([...holders].sort()).toEqual([
            "aws:backup/vault:Vault",
            "aws:cloudwatch/logGroup:LogGroup",
            "aws:ec2/launchTemplate:LaunchTemplate",
            "aws:eks/cluster:Cluster",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:rds/cluster:Cluster",
            "aws:rds/clusterInstance:ClusterInstance",
            "aws:secretsmanager/secret:Secret",
            "kubernetes:storage.k8s.io/v1:StorageClass",
        ]);
        expect(inputsOf(one(east, "aws:kms/key:Key")).multiRegion).toBe(false);
    });
});
