/**
 * Runs ONE component with a test's own arguments under the offline engine (the mocks and recording monitor
 * `npm run plan` uses), not the production stack files: a throwaway project whose stack file, like the real
 * ones, disables every default provider, and a program that builds explicit providers and the component.
 *
 *     const plan = await planComponent(({ onRegion }) => new RegionalKms("kms", { ...args }, onRegion));
 *     expect(plan.inputs("aws:kms/key:Key").deletionWindowInDays).toBe(7);
 *
 * The SDK and providers are loaded once per worker (vitest runs files without isolation); each plan is only
 * the component's own registrations.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as tls from "@pulumi/tls";
import { expect } from "vitest";
import { type PlanError, type PlannedStack, planStacks } from "../../tools/offline/engine";
import type { RecordedResource } from "../../tools/offline/monitor";
import { unwrapWire } from "../../tools/offline/wire";

export const COMPONENT_PROJECT = "component-test";

/** Explicit providers of the throwaway stack; pass `onRegion` (AWS + generators) or `onCluster()` as a component's options. */
export interface TestProviders {
    readonly region: string;
    readonly aws: aws.Provider;
    readonly random: random.Provider;
    readonly tls: tls.Provider;
    /** `{ providers: [aws, random, tls] }`. */
    readonly onRegion: pulumi.ComponentResourceOptions;
    /** An AWS provider for another region (created once per plan), e.g. a peering's accepter side. */
    awsIn(region: string): aws.Provider;
    /** A Kubernetes provider (created once per plan). */
    k8s(): k8s.Provider;
    /** `{ providers: [aws, k8s, random, tls] }`. */
    onCluster(): pulumi.ComponentResourceOptions;
}

export interface ComponentPlan {
    readonly stack: PlannedStack;
    readonly resources: readonly RecordedResource[];
    /** The engine's error, if the program failed (program errors carry the stack trace after the message). */
    readonly error?: PlanError;
    /** What the build function threw, as thrown (e.g. a component's `pulumi.ResourceError`). */
    readonly thrown?: unknown;
    /** On error: what was registered before it, providers excluded. */
    readonly registeredBeforeError: readonly string[];
    ofType(type: string): RecordedResource[];
    /** The one resource of the type (and name); throws when there are none or several. */
    one(type: string, name?: string): RecordedResource;
    /** Inputs of `one(type, name)`, secrets unwrapped. */
    inputs(type: string, name?: string): Record<string, unknown>;
    /** Outputs of `one(type, name)`, secrets unwrapped. */
    outputs(type: string, name?: string): Record<string, unknown>;
    byUrn(urn: string): RecordedResource;
    /** The region of the AWS provider the resource is created with. */
    regionOf(r: RecordedResource): string | undefined;
}

export interface ComponentPlanOptions {
    /** Region of the main AWS provider (default us-west-2). */
    readonly region?: string;
    /** Plan as a first preview sees it (computed outputs unknown). */
    readonly preview?: boolean;
}

const projectDirs = new Map<string, string>();

/** One throwaway project per stack name, created once per worker: Pulumi.yaml and Pulumi.<stack>.yaml. */
function projectDir(stack: string): string {
    const existing = projectDirs.get(stack);
    if (existing && fs.existsSync(existing)) return existing;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-component-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `name: ${COMPONENT_PROJECT}\nruntime: nodejs\n`);
    // As in the real stack files: a resource without an explicit provider is refused.
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), 'config:\n  pulumi:disable-default-providers: ["*"]\n');
    projectDirs.set(stack, dir);
    return dir;
}

const plainInputs = (r: RecordedResource) => unwrapWire(r.inputs) as Record<string, unknown>;
const plainOutputs = (r: RecordedResource) => unwrapWire(r.outputs) as Record<string, unknown>;

/** Plans the component(s) `build` creates with the providers it is handed; `build` may return outputs for the stack. */
export async function planComponent(build: (p: TestProviders) => unknown, options: ComponentPlanOptions = {}): Promise<ComponentPlan> {
    const region = options.region ?? "us-west-2";
    const stackName = `test-${region}`;
    let thrown: unknown;
    const program = async (): Promise<Record<string, unknown> | void> => {
        thrown = undefined;
        const awsProvider = new aws.Provider(`aws-${region}`, { region, defaultTags: { tags: { "managed-by": "pulumi", "pulumi-stack": stackName } } });
        const randomProvider = new random.Provider("random");
        const tlsProvider = new tls.Provider("tls");
        const others = new Map<string, aws.Provider>();
        let kube: k8s.Provider | undefined;
        const providers: TestProviders = {
            region,
            aws: awsProvider,
            random: randomProvider,
            tls: tlsProvider,
            onRegion: { providers: [awsProvider, randomProvider, tlsProvider] },
            awsIn: (other) => {
                if (other === region) return awsProvider;
                const p = others.get(other) ?? new aws.Provider(`aws-${other}`, { region: other });
                others.set(other, p);
                return p;
            },
            k8s: () => (kube ??= new k8s.Provider("k8s", { kubeconfig: "{}", enableServerSideApply: true })),
            onCluster: () => ({ providers: [awsProvider, providers.k8s(), randomProvider, tlsProvider] }),
        };
        try {
            const out = await build(providers);
            return out && typeof out === "object" && !(out instanceof pulumi.Resource) ? (out as Record<string, unknown>) : undefined;
        } catch (e) {
            thrown = e;
            throw e;
        }
    };
    const [stack] = await planStacks({ projectDir: projectDir(stackName), stacks: [stackName], program, preview: options.preview === true });
    const providerUrn = (ref: string) => ref.split("::").slice(0, -1).join("::");
    const byUrn = new Map(stack.resources.map((r) => [r.urn, r]));
    const ofType = (type: string) => stack.resources.filter((r) => r.type === type);
    const one = (type: string, name?: string): RecordedResource => {
        const found = ofType(type).filter((r) => name === undefined || r.name === name);
        if (found.length !== 1) throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`);
        return found[0];
    };
    return {
        stack,
        resources: stack.resources,
        error: stack.error,
        thrown,
        registeredBeforeError: (stack.registeredBeforeError ?? []).filter((u) => !u.includes("::pulumi:providers:")),
        ofType,
        one,
        inputs: (type, name) => plainInputs(one(type, name)),
        outputs: (type, name) => plainOutputs(one(type, name)),
        byUrn: (urn) => {
            const r = byUrn.get(urn);
            if (!r) throw new Error(`no resource ${urn}`);
            return r;
        },
        regionOf: (r) => {
            const p = byUrn.get(providerUrn(r.provider));
            return p ? (plainInputs(p).region as string | undefined) : undefined;
        },
    };
}

/**
 * Asserts a boundary refusal: the component threw a `pulumi.ResourceError` against itself with exactly
 * `message`, the engine reports it, and nothing but the component itself was registered (no child of it; resources the test built around it may be).
 */
export function expectRefused(plan: ComponentPlan, component: abstract new (...args: never[]) => pulumi.ComponentResource, message: string): void {
    expect(plan.error?.kind, "the plan must fail with a program error").toBe("program");
    // Program errors are reported with their stack trace: the first line is the error itself.
    expect(plan.error?.message.split("\n")[0]).toBe(`Error: ${message}`);
    expect(pulumi.ResourceError.isInstance(plan.thrown), "a pulumi.ResourceError").toBe(true);
    const err = plan.thrown as pulumi.ResourceError;
    expect(err.message).toBe(message);
    expect(err.resource, "raised against the component").toBeInstanceOf(component);
    // A URN's type is qualified by its parents' types: `intelgraph:network:RegionalVpc$aws:ec2/vpc:Vpc`.
    const types = plan.registeredBeforeError.map((u) => u.split("::")[2]);
    expect(types.filter((t) => t.split("$").pop()?.endsWith(`:${component.name}`)), "the component is registered").toHaveLength(1);
    expect(types.filter((t) => t.split("$").slice(0, -1).some((parent) => parent.endsWith(`:${component.name}`))), "none of its children is").toEqual([]);
}

/** URNs of the resources `r` waits for (dependsOn and input dependencies alike). */
export const dependencyNames = (plan: ComponentPlan, r: RecordedResource): string[] => r.dependencies.map((u) => plan.byUrn(u).name).sort();
