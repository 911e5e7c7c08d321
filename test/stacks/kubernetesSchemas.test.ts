/**
 * Every Kubernetes object the program declares is valid against the Kubernetes API schemas, checked with
 * maintained validators, not a hand-written check: kubernetes-models (JSON schemas generated from the Kubernetes
 * OpenAPI spec) for built-in kinds, and ajv for custom resources, against the CRD's openAPIV3Schema as
 * transcribed in test/fixtures/crds (types, enums and required fields of the upstream CRD; re-check on a chart bump).
 */
import Ajv, { type ValidateFunction } from "ajv";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RecordedResource } from "../../tools/offline/monitor";
import { PROJECT_DIR, inputsOf, mustGet, plan } from "../helpers/plan";

interface Model {
    validate(): void;
}
type ModelClass = new (data: Record<string, unknown>) => Model;

/** `kubernetes:apps/v1:StatefulSet` -> the kubernetes-models module and class that describe it. */
async function modelFor(type: string): Promise<ModelClass> {
    const [, groupVersion, kind] = type.split(":");
    const modulePath = groupVersion.startsWith("core/") ? groupVersion.slice("core/".length) : groupVersion;
    // Resolved at run time by Node (the package exports every group/version); vite cannot analyse the template.
    const mod = (await import(/* @vite-ignore */ `kubernetes-models/${modulePath}`)) as Record<string, ModelClass>;
    const cls = mod[kind];
    if (!cls) throw new Error(`kubernetes-models has no ${kind} in ${modulePath}`);
    return cls;
}

interface CrdVersion {
    name: string;
    schema: { openAPIV3Schema: Record<string, unknown> };
}
interface Crd {
    spec: { group: string; names: { kind: string }; versions: CrdVersion[] };
}

/** JSON Schema nodes the API server accepts but ajv must be told about. */
function newAjv(): Ajv {
    const ajv = new Ajv({ allErrors: true, strict: true });
    for (const keyword of ["x-kubernetes-int-or-string", "x-kubernetes-map-type", "x-kubernetes-list-type", "x-kubernetes-preserve-unknown-fields"]) ajv.addKeyword(keyword);
    ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isSafeInteger(n) });
    return ajv;
}

/**
 * Stricter than the API server on one point: it prunes unknown fields silently, so a misspelt `targetGroupArn`
 * would vanish instead of failing. Objects with declared properties reject any other key here.
 */
function closeObjects(schema: unknown, atRoot = true): unknown {
    if (Array.isArray(schema)) return schema.map((s) => closeObjects(s, false));
    if (!schema || typeof schema !== "object") return schema;
    const node = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === "properties" ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closeObjects(s, false)])) : closeObjects(v, false)]));
    if (node.properties && node.additionalProperties === undefined && !atRoot) node.additionalProperties = false;
    return node;
}

const CRD_DIR = path.join(PROJECT_DIR, "test/fixtures/crds");
const crds = (): Crd[] => fs.readdirSync(CRD_DIR).filter((f) => f.endsWith(".yaml")).map((f) => parse(fs.readFileSync(path.join(CRD_DIR, f), "utf8")) as Crd);

/** `kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding` -> a validator of that version's openAPIV3Schema. */
function crdValidatorFor(type: string): ValidateFunction | undefined {
    const [, groupVersion, kind] = type.split(":");
    const [group, version] = groupVersion.split("/");
    const crd = crds().find((c) => c.spec.group === group && c.spec.names.kind === kind);
    const schema = crd?.spec.versions.find((v) => v.name === version)?.schema.openAPIV3Schema;
    return schema ? newAjv().compile(closeObjects(schema) as object) : undefined;
}

/** API objects only: a Helm release is the provider's record of `helm upgrade`, not an object the API server stores. */
const kubernetesObjects = (resources: readonly RecordedResource[]) => resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/") && r.custom);

async function validate(r: RecordedResource): Promise<string | undefined> {
    const crdCheck = crdValidatorFor(r.type);
    if (crdCheck) {
        const ObjectMeta = (await import("@kubernetes-models/apimachinery/apis/meta/v1/ObjectMeta")).ObjectMeta as unknown as ModelClass;
        new ObjectMeta(inputsOf(r).metadata as Record<string, unknown>).validate();
        return crdCheck(inputsOf(r)) ? undefined : new Ajv().errorsText(crdCheck.errors);
    }
    const Model = await modelFor(r.type);
    new Model(inputsOf(r)).validate();
    return undefined;
}

describe("Kubernetes objects validate against the API schemas", () => {
    it.each(["us-west-2", "us-east-1"])("%s", async (stack) => {
        const objects = kubernetesObjects(mustGet(await plan(), stack).resources);
        // 24 + the backup verification job, its service account and its scratch StorageClass (#17), the graph servers'
        // 12 TargetGroupBindings and replication ConfigMap, no discovery Role and RoleBinding (LIST discovery, #14),
        // the replication-lag exporter's CronJob and service account (#15).
        expect(objects.length).toBe(40);
        expect(objects.map((r) => r.type)).toContain("kubernetes:elbv2.k8s.aws/v1beta1:TargetGroupBinding");
        for (const r of objects) await expect(validate(r), `${r.type} ${r.name}`).resolves.toBeUndefined();
    });

    it("rejects an invalid built-in object (the validator is really checking)", async () => {
        const set = kubernetesObjects(mustGet(await plan(), "us-west-2").resources).find((r) => r.type === "kubernetes:apps/v1:StatefulSet")!;
        const broken = structuredClone(inputsOf(set)) as { spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
        broken.spec.template.spec.containers[0].ports[0].containerPort = "bolt";
        const Model = await modelFor(set.type);
        expect(() => new Model(broken as unknown as Record<string, unknown>).validate()).toThrow(/containerPort/);
    });

    it("rejects a TargetGroupBinding with a bad enum, a missing serviceRef port or a misspelt field", async () => {
        const tgb = kubernetesObjects(mustGet(await plan(), "us-west-2").resources).find((r) => r.type.endsWith(":TargetGroupBinding"))!;
        const check = crdValidatorFor(tgb.type)!;
        const spec = inputsOf(tgb).spec as Record<string, unknown>;
        const withSpec = (s: Record<string, unknown>) => ({ ...inputsOf(tgb), spec: s });
        expect(check(withSpec(spec))).toBe(true);
        expect(check(withSpec({ ...spec, targetType: "pod" }))).toBe(false);
        expect(check.errors?.[0]).toMatchObject({ instancePath: "/spec/targetType", keyword: "enum" });
        expect(check(withSpec({ ...spec, serviceRef: { name: "intelgraph-api" } }))).toBe(false);
        expect(check.errors?.[0]).toMatchObject({ instancePath: "/spec/serviceRef", keyword: "required" });
        const { targetGroupARN, ...rest } = spec;
        expect(check(withSpec({ ...rest, targetGroupArn: targetGroupARN }))).toBe(false);
        expect(check.errors?.[0]).toMatchObject({ instancePath: "/spec", keyword: "additionalProperties", params: { additionalProperty: "targetGroupArn" } });
    });

    it("the CRD fixtures are themselves valid CustomResourceDefinitions", async () => {
        const CustomResourceDefinition = await modelFor("kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
        expect(crds().length).toBeGreaterThan(0);
        for (const crd of crds()) expect(() => new CustomResourceDefinition(crd as unknown as Record<string, unknown>).validate()).not.toThrow();
    });
});
