/**
 * The offline evaluator hands rules the arguments @pulumi/policy's analyzer server builds from what the engine
 * sends (server.js, policy.js; pkg/resource/deploy/step_generator.go; pkg/resource/analyzer/config.go).
 */
import { Cluster as EksCluster } from "@pulumi/aws/eks/cluster";
import { Cluster as RdsCluster } from "@pulumi/aws/rds/cluster";
import {
    type PolicyResource,
    type ResourceValidationArgs,
    type ResourceValidationPolicy,
    type StackValidationArgs,
    type StackValidationPolicy,
    validateResourceOfType,
    validateStackResourcesOfType,
} from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { type EvaluatedResource, PolicyConfigError, evaluatePolicies } from "../../../tools/offline/policy";
import { mustGet, plan } from "../../helpers/plan";
import { byName, evaluate, setProp, stackResources } from "../../helpers/policy";

const AURORA = "aws:rds/cluster:Cluster";
/** The type token the generated class carries (internal, so not in its .d.ts). */
const pulumiType = (cls: unknown) => (cls as { __pulumiType: string }).__pulumiType;

/** A typed rule as a pack author writes it: it names the class, and runs only through isType. */
const auroraProvisioned: ResourceValidationPolicy = {
    name: "test-aurora-provisioned",
    description: "Aurora global database members are provisioned clusters.",
    enforcementLevel: "mandatory",
    validateResource: validateResourceOfType(RdsCluster, (cluster, args, reportViolation) => {
        if (cluster.engineMode !== undefined && cluster.engineMode !== "provisioned") {
            reportViolation(`${args.name}: engineMode is ${cluster.engineMode}; required: provisioned (a global database member)`);
        }
    }),
};

const resourceRule = (validateResource: ResourceValidationPolicy["validateResource"], extra: Partial<ResourceValidationPolicy> = {}): ResourceValidationPolicy => ({
    name: "test-rule",
    description: "test rule",
    enforcementLevel: "mandatory",
    validateResource,
    ...extra,
});

const stackRule = (validateStack: StackValidationPolicy["validateStack"], extra: Partial<StackValidationPolicy> = {}): StackValidationPolicy => ({
    name: "test-stack-rule",
    description: "test stack rule",
    enforcementLevel: "mandatory",
    validateStack,
    ...extra,
});

/** Every resource validation's args, by URN. */
async function resourceArgs(resources: EvaluatedResource[]): Promise<Map<string, ResourceValidationArgs>> {
    const seen = new Map<string, ResourceValidationArgs>();
    await evaluatePolicies(resources, [resourceRule((args) => void seen.set(args.urn, args))]);
    return seen;
}

async function stackArgs(resources: EvaluatedResource[]): Promise<StackValidationArgs> {
    let seen: StackValidationArgs | undefined;
    await evaluatePolicies(resources, [stackRule((args) => void (seen = args))]);
    return seen!;
}

describe("typed rules (validateResourceOfType with the real @pulumi/aws class)", () => {
    it("runs on the planned Aurora clusters and reports a mutation only a typed rule catches", async () => {
        const planned = mustGet(await plan(), "us-west-2");
        expect(planned.resources.filter((r) => r.type === AURORA).map((r) => r.name)).toEqual(["aurora-cluster"]);
        const resources = await stackResources("us-west-2");
        const clean = await evaluatePolicies(resources, [auroraProvisioned]);
        expect(clean.violations).toEqual([]);
        expect(clean.summary.notApplicable).toEqual([]);

        setProp(byName(resources, "aurora-cluster", AURORA), "engineMode", "serverless");
        const result = await evaluatePolicies(resources, [auroraProvisioned]);
        expect(result.violations).toEqual([
            {
                policy: "test-aurora-provisioned",
                enforcementLevel: "mandatory",
                urn: "urn:pulumi:us-west-2::intelgraph::intelgraph:data:AuroraGlobal$aws:rds/cluster:Cluster::aurora-cluster",
                message: "aurora-cluster: engineMode is serverless; required: provisioned (a global database member)",
            },
        ]);
        // The pack itself has no rule on engineMode: only the typed rule catches this change.
        expect((await evaluate(resources, "us-west-2")).violations).toEqual([]);
    });

    it("calls the typed callback once per cluster, with args.props (what the old isType-always-false stub never did)", async () => {
        const resources = await stackResources("us-east-1");
        const calls: { urn: string; same: boolean }[] = [];
        const spy = resourceRule(
            validateResourceOfType(RdsCluster, (cluster, args) => {
                calls.push({ urn: args.urn, same: cluster === args.props && args.asType(RdsCluster) === args.props });
            }),
        );
        const result = await evaluatePolicies(resources, [spy]);
        expect(calls).toEqual([{ urn: byName(resources, "aurora-cluster", AURORA).urn, same: true }]);
        expect(result.summary.notApplicable).toEqual([]);
    });

    it("isType/asType compare the class's __pulumiType with the resource type, else ask its isInstance", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type === AURORA || r.type === "aws:kms/key:Key");
        expect([pulumiType(RdsCluster), pulumiType(EksCluster)]).toEqual([AURORA, "aws:eks/cluster:Cluster"]);
        const seen = await resourceArgs(resources);
        const cluster = seen.get(byName(resources, "aurora-cluster", AURORA).urn)!;
        const key = seen.get(byName(resources, "kms-key").urn)!;
        expect([cluster.isType(RdsCluster), cluster.isType(EksCluster), key.isType(RdsCluster)]).toEqual([true, false, false]);
        expect(cluster.asType(RdsCluster)).toBe(cluster.props);
        expect(key.asType(RdsCluster)).toBeUndefined();

        // A class without __pulumiType: the server asks its static isInstance with { __pulumiType: type }.
        const asked: unknown[] = [];
        class Untyped {
            static isInstance(obj: unknown): boolean {
                asked.push(obj);
                return (obj as { __pulumiType: string }).__pulumiType === "aws:kms/key:Key";
            }
        }
        const asResourceClass = Untyped as unknown as typeof RdsCluster;
        expect([key.isType(asResourceClass), cluster.isType(asResourceClass)]).toEqual([true, false]);
        expect(asked).toEqual([{ __pulumiType: "aws:kms/key:Key" }, { __pulumiType: AURORA }]);
    });

    it("does not call a validation carrying __pulumiType on other types (the server's fast path), with its reason", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type === "aws:kms/key:Key");
        const types: string[] = [];
        const validate = Object.assign((args: ResourceValidationArgs) => void types.push(args.type), { __pulumiType: pulumiType(EksCluster) });
        const result = await evaluatePolicies(resources, [resourceRule(validate)]);
        expect(types).toEqual([]);
        expect(result.summary.notApplicable).toEqual([{ policy: "test-rule", reason: "Policy only applies to resources of type 'aws:eks/cluster:Cluster'" }]);
    });

    it("runs validateStackResourcesOfType on the stack's clusters, and skips a stack without one", async () => {
        const resources = await stackResources("us-west-2");
        const named: string[] = [];
        const rule = stackRule(
            validateStackResourcesOfType(EksCluster, (clusters, args) => {
                named.push(...args.resources.map((r) => r.name));
                expect(clusters.map((c) => c.name)).toEqual([expect.any(String)]);
            }),
        );
        expect((await evaluatePolicies(resources, [rule])).summary.notApplicable).toEqual([]);
        expect(named).toEqual(["eks-cluster"]);

        const noCluster = await evaluatePolicies(
            resources.filter((r) => r.type !== pulumiType(EksCluster)),
            [rule],
        );
        expect(noCluster.summary.notApplicable).toEqual([{ policy: "test-stack-rule", reason: "Policy only applies to resources of type 'aws:eks/cluster:Cluster'" }]);
    });
});

describe("the other arguments", () => {
    it("name, opts and provider of a planned resource, as the engine sends them", async () => {
        const resources = await stackResources("us-west-2");
        const record = byName(resources, "aurora-cluster", AURORA);
        const args = (await resourceArgs(resources)).get(record.urn)!;
        expect(args.name).toBe("aurora-cluster");
        expect(args.type).toBe(AURORA);
        expect(args.opts).toStrictEqual({
            protect: true,
            ignoreChanges: ["engineVersion", "globalClusterIdentifier", "replicationSourceIdentifier"],
            aliases: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
            additionalSecretOutputs: [],
            parent: "urn:pulumi:us-west-2::intelgraph::intelgraph:data:AuroraGlobal::aurora",
        });
        const providerUrn = "urn:pulumi:us-west-2::intelgraph::pulumi:providers:aws::aws-us-west-2";
        expect(record.provider?.startsWith(`${providerUrn}::`)).toBe(true);
        expect({ ...args.provider, props: undefined }).toEqual({ type: "pulumi:providers:aws", urn: providerUrn, name: "aws-us-west-2", props: undefined });
        expect(args.provider?.props.region).toBe("us-west-2");
        // A root resource has no parent option at all, not an empty one.
        const stack = [...(await resourceArgs(resources)).values()].find((a) => a.type === "pulumi:pulumi:Stack")!;
        expect("parent" in stack.opts).toBe(false);
        expect("provider" in stack).toBe(false);
    });

    it("reads aliases, custom timeouts, deleteBeforeReplace and additional secret outputs of a stack export; a name may contain '::'", async () => {
        const urn = "urn:pulumi:s::p::aws:s3/bucket:Bucket::logs::2026";
        const exported: EvaluatedResource = {
            urn,
            type: "aws:s3/bucket:Bucket",
            inputs: {},
            outputs: {},
            protect: false,
            aliases: ["urn:pulumi:s::p::aws:s3/bucket:Bucket::old-logs", { name: "not-a-urn" }],
            customTimeouts: { create: 600, update: "1h30m", delete: 90.5 },
            deleteBeforeReplace: false,
            additionalSecretOutputs: ["arn"],
        };
        const args = (await resourceArgs([exported])).get(urn)!;
        expect(args.name).toBe("logs::2026");
        expect(args.opts).toStrictEqual({
            protect: false,
            ignoreChanges: [],
            aliases: ["urn:pulumi:s::p::aws:s3/bucket:Bucket::old-logs"],
            customTimeouts: { createSeconds: 600, updateSeconds: 5400, deleteSeconds: 90.5 },
            additionalSecretOutputs: ["arn"],
            deleteBeforeReplace: false,
        });
    });

    it("gives stack rules the provider's inputs (its configuration), as the engine does, not its outputs", async () => {
        const resources = await stackResources("us-west-2");
        const record = byName(resources, "aurora-cluster", AURORA);
        const provider = resources.find((r) => record.provider?.startsWith(`${r.urn}::`))!;
        provider.outputs = { ...provider.outputs, region: "eu-west-1" };
        const args = await stackArgs(resources);
        const cluster = args.resources.find((r) => r.urn === record.urn)!;
        expect(cluster.provider?.props.region).toBe("us-west-2");
        expect(cluster.provider?.name).toBe("aws-us-west-2");
        expect(cluster.opts.parent).toBe("urn:pulumi:us-west-2::intelgraph::intelgraph:data:AuroraGlobal::aurora");
        expect(cluster.parent?.urn).toBe(cluster.opts.parent);
        expect(cluster.dependencies.map((d) => d.name)).toContain("kms-key");
        expect(cluster.propertyDependencies.kmsKeyId?.map((d: PolicyResource) => d.name)).toEqual(["kms-key"]);
        expect([cluster.isType(RdsCluster), cluster.asType(RdsCluster) === cluster.props]).toEqual([true, true]);
    });

    it("does not analyze reads (the secondary's StackReference) nor pending deletes", async () => {
        const resources = await stackResources("us-east-1");
        const reference = resources.find((r) => r.type === "pulumi:pulumi:StackReference")!;
        expect(reference.external).toBe(true);
        const pending: EvaluatedResource = { urn: "urn:pulumi:us-east-1::intelgraph::aws:s3/bucket:Bucket::gone", type: "aws:s3/bucket:Bucket", inputs: {}, delete: true };
        const seen = await resourceArgs([...resources, pending]);
        expect(seen.has(reference.urn)).toBe(false);
        expect(seen.has(pending.urn)).toBe(false);
        expect(seen.size).toBe(resources.length - 1);
        // The one deliberate difference (tools/offline/policy.ts, stackResources): the engine leaves reads out
        // of AnalyzeStack too, but the pack's residency and cost rules still read the StackReference's outputs.
        const stack = await stackArgs([...resources, pending]);
        expect(stack.resources.map((r) => r.urn)).toEqual(resources.map((r) => r.urn));
    });

    it("stackTags: read-only, empty unless the caller passes the backend's tags", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type === "aws:kms/key:Key");
        const args = (await resourceArgs(resources)).values().next().value!;
        expect([args.stackTags.size, [...args.stackTags], Object.isFrozen(args.stackTags), "set" in args.stackTags]).toEqual([0, [], true, false]);

        let tags: ReadonlyMap<string, string> | undefined;
        await evaluatePolicies(resources, [stackRule((a) => void (tags = a.stackTags))], { stackTags: { "pulumi:project": "intelgraph", team: "platform" } });
        expect([tags!.get("team"), tags!.has("pulumi:project"), tags!.size, [...tags!.keys()]]).toEqual(["platform", true, 2, ["pulumi:project", "team"]]);
    });

    it("notApplicable throws the server's error (an Error with reason; 'Policy does not apply' without one) and names the rule with its reason", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type === "aws:kms/key:Key");
        const thrown: unknown[] = [];
        const catchAndRethrow = (reason?: string) => (args: ResourceValidationArgs) => {
            try {
                args.notApplicable(reason);
            } catch (e) {
                thrown.push(e);
                throw e;
            }
        };
        const result = await evaluatePolicies(resources, [resourceRule(catchAndRethrow("not a bucket"))]);
        expect(result.summary.notApplicable).toEqual([{ policy: "test-rule", reason: "not a bucket" }]);
        await evaluatePolicies(resources, [resourceRule(catchAndRethrow())]);
        expect(thrown.map((e) => [e instanceof Error, (e as Error).message, (e as { reason?: string }).reason])).toEqual([
            [true, "not a bucket", "not a bucket"],
            [true, "Policy does not apply", undefined],
        ]);
    });

    it("files a resource rule's violation under its resource, and a stack rule's under the stack unless it names one of its resources", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type === "aws:kms/key:Key");
        const key = resources[0].urn;
        const result = await evaluatePolicies(resources, [
            resourceRule((_, report) => report("resource", "urn:pulumi:elsewhere::p::t::x")),
            stackRule((_, report) => {
                report("named", key);
                report("foreign", "urn:pulumi:elsewhere::p::t::x");
                report("stack");
            }),
        ]);
        expect(result.violations.map((v) => [v.message, v.urn])).toEqual([
            ["resource", key],
            ["named", key],
            ["foreign", ""],
            ["stack", ""],
        ]);
    });
});

describe("getConfig: the config the engine reconciles, validates and sends", () => {
    const schema = {
        properties: {
            minNodes: { type: "integer", minimum: 2, default: 3 },
            zones: { type: "object", default: { us: ["us-west-2"] }, additionalProperties: { type: "array", items: { type: "string" } } },
            label: { type: "string" },
        },
        required: ["minNodes"],
    } as const;
    const configured = (enforcementLevel: ResourceValidationPolicy["enforcementLevel"] = "mandatory") => {
        const seen: Record<string, unknown>[] = [];
        const rule = resourceRule(
            (args) => {
                const c = args.getConfig<Record<string, unknown>>();
                seen.push(c);
                (c.zones as Record<string, string[]>).us?.push("mutated");
            },
            { configSchema: structuredClone(schema) as unknown as ResourceValidationPolicy["configSchema"], enforcementLevel },
        );
        return { rule, seen };
    };
    const one: EvaluatedResource[] = [{ urn: "urn:pulumi:s::p::aws:kms/key:Key::k", type: "aws:kms/key:Key", inputs: {} }];

    it("applies the schema's defaults, then the file's properties over them (never its enforcementLevel)", async () => {
        const { rule, seen } = configured();
        await evaluatePolicies(one, [rule]);
        await evaluatePolicies(one, [rule], { config: { "test-rule": { enforcementLevel: "advisory", label: "x", minNodes: 4 } } });
        expect(seen).toEqual([
            { minNodes: 3, zones: { us: ["us-west-2", "mutated"] } },
            { minNodes: 4, zones: { us: ["us-west-2", "mutated"] }, label: "x" },
        ]);
        // Each evaluation starts from the schema's own default again.
        expect((rule.configSchema!.properties!.zones as { default: unknown }).default).toEqual({ us: ["us-west-2"] });
    });

    it("refuses config the schema rejects, every error at once, before any rule runs (also for a disabled rule)", async () => {
        const { rule, seen } = configured("disabled");
        const run = (config: Record<string, unknown>) => evaluatePolicies(one, [rule], { config });
        await expect(run({ "test-rule": { minNodes: 1, label: 7, zones: { us: "us-west-2" } } })).rejects.toThrow(
            new PolicyConfigError(
                "validating policy config: test-rule: label: Invalid type. Expected: string, given: integer; test-rule: minNodes: Must be greater than or equal to 2; test-rule: zones.us: Invalid type. Expected: array, given: string",
            ),
        );
        await expect(run({ "test-rule": { minNodes: 2.5 } })).rejects.toThrow("validating policy config: test-rule: minNodes: Invalid type. Expected: integer, given: number");
        expect(seen).toEqual([]);

        const noDefault = resourceRule(() => undefined, { configSchema: { properties: { budget: { type: "number" } }, required: ["budget"] } });
        await expect(evaluatePolicies(one, [noDefault])).rejects.toThrow("validating policy config: test-rule: budget is required");
    });

    it("parses enforcement levels as the engine does: a string or { enforcementLevel }, 'all', then the policy's own", async () => {
        const levels = async (config: Record<string, unknown>) =>
            (await evaluatePolicies(one, [resourceRule((_, r) => r("v")), { ...resourceRule((_, r) => r("w")), name: "other", enforcementLevel: undefined }], { config })).violations.map((v) => `${v.policy}=${v.enforcementLevel}`);
        expect(await levels({})).toEqual(["test-rule=mandatory", "other=mandatory"]);
        expect(await levels({ all: "advisory" })).toEqual(["test-rule=advisory", "other=advisory"]);
        expect(await levels({ all: "advisory", other: "mandatory", "test-rule": { enforcementLevel: "disabled" } })).toEqual(["other=mandatory"]);
        await expect(levels({ other: "blocking" })).rejects.toThrow(new PolicyConfigError('parsing enforcement level for "other": "blocking" is not a valid enforcement level'));
        await expect(levels({ other: { enforcementLevel: 1 } })).rejects.toThrow('parsing enforcement level for "other": 1 is not a valid enforcement level; must be a string');
        await expect(levels({ other: 3 })).rejects.toThrow('parsing "other": 3 is not a valid value; must be a string or object');
    });
});
