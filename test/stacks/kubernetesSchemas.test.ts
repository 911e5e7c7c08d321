/**
 * Every Kubernetes object the program declares is valid against the Kubernetes API schemas, checked with
 * kubernetes-models (JSON schemas generated from the Kubernetes OpenAPI spec), not a hand-written check.
 */
import { describe, expect, it } from "vitest";
import type { RecordedResource } from "../../stacks/offline/monitor";
import { inputsOf, mustGet, plan } from "../helpers/plan";

interface Model {
    validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Model;

/** `kubernetes:apps/v1:StatefulSet` -> the kubernetes-models module and class that describe it. */
async function modelFor(type: string): Promise<ModelClass> {
    const [, groupVersion, kind] = type.split(":");
    const path = groupVersion.startsWith("core/") ? groupVersion.slice("core/".length) : groupVersion;
    const mod = (await import(`kubernetes-models/${path}`)) as Record<string, ModelClass>;
    const cls = mod[kind];
    if (!cls) throw new Error(`kubernetes-models has no ${kind} in ${path}`);
    return cls;
}

const kubernetesObjects = (resources: readonly RecordedResource[]) => resources.filter((r) => r.type.startsWith("kubernetes:") && r.custom);

describe("Kubernetes objects validate against the API schemas", () => {
    it.each(["us-west-2", "us-east-1"])("%s", async (stack) => {
        const objects = kubernetesObjects(mustGet(await plan(), stack).resources);
        expect(objects.length).toBe(19);
        for (const r of objects) {
            const Model = await modelFor(r.type);
            expect(() => new Model(inputsOf(r)).validate(), `${r.type} ${r.name}`).not.toThrow();
        }
    });

    it("rejects an invalid object (the validator is really checking)", async () => {
        const set = kubernetesObjects(mustGet(await plan(), "us-west-2").resources).find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
        const broken = structuredClone(inputsOf(set)) as { spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
        broken.spec.template.spec.containers[0].ports[0].containerPort = "bolt";
        const Model = await modelFor(set.type);
        expect(() => new Model(broken as unknown as Record<string, unknown>).validate()).toThrow(/containerPort/);
    });
});
