/**
 * A resource monitor that records what the real engine records. It extends Pulumi's own MockMonitor (so
 * serialization, URNs and preview semantics are the SDK's) and keeps every registration's full request:
 * parent, provider, dependencies, property dependencies and options, which `newResource` mocks never see.
 */
import type * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { Struct } from "./runtimeInternals";

import { SECRET_SIG, SIG_KEY, UNKNOWN, type WireProps, type WireValue, isSecret, withSecretKeys } from "./wire";

export { SECRET_SIG, SIG_KEY, UNKNOWN, type WireProps, type WireValue, isSecret };

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** "" for components; unknown (UNKNOWN) for new custom resources in preview. */
    id: string;
    parent: string;
    /** Provider reference `urn::id`, "" where none was given. */
    provider: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    inputs: WireProps;
    outputs: WireProps;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace: boolean;
    replaceOnChanges: string[];
    additionalSecretOutputs: string[];
    aliases: WireValue[];
    /** True for reads (e.g. StackReference), which the engine records as external. */
    external: boolean;
}

/** Minimal views of the generated protobuf classes (the SDK ships them untyped). */
interface Struct {
    toJavaScript(): WireProps;
}
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getObject(): Struct | undefined;
    getProtect(): boolean | undefined;
    getDependenciesList(): string[];
    getProvider(): string;
    getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
    getDeletebeforereplace(): boolean;
    getIgnorechangesList(): string[];
    getReplaceonchangesList(): string[];
    getAdditionalsecretoutputsList(): string[];
    getRetainondelete(): boolean | undefined;
    getAliasesList(): { toObject(): WireValue }[];
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
    getObject(): Struct | undefined;
    setObject(value: unknown): void;
}
interface InvokeRequest {
    getTok(): string;
    getProvider(): string;
}
interface ReadRequest {
    getId(): string;
    getType(): string;
    getName(): string;
    getParent(): string;
    getProvider(): string;
    getProperties(): Struct | undefined;
    getDependenciesList(): string[];
}
interface ReadResponse {
    getUrn(): string;
    getProperties(): Struct | undefined;
    setProperties(value: unknown): void;
}
interface OutputsRequest {
    getUrn(): string;
    getOutputs(): Struct | undefined;
}
type Callback<T> = (err: Error | null, resp: T | undefined) => void;

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";


/** `resource.NewURN` of the Pulumi engine. */
export function engineUrn(stack: string, project: string, parent: string, type: string, name: string): string {
    const parentType = parent ? parent.split("::")[2] : "";
    const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * The engine's StackReference returns the referenced stack's secret outputs as secrets, so they reach this
 * stack's state (and a `pulumi stack export`) encrypted. The mock answers with plain values plus their names;
 * the record marks them secret the same way, so a report never shows the primary's passwords.
 */
function withReferencedSecrets(type: string, state: WireProps): WireProps {
    if (type !== "pulumi:pulumi:StackReference") return state;
    const names = Array.isArray(state.secretOutputNames) ? state.secretOutputNames.map(String) : [];
    const outputs = state.outputs && typeof state.outputs === "object" && !Array.isArray(state.outputs) ? state.outputs : {};
    return { ...state, outputs: withSecretKeys(outputs, names) };
}

export class RecordingMonitor extends MockMonitor {
    readonly records: RecordedResource[] = [];
    private readonly byUrn = new Map<string, RecordedResource>();

    constructor(
        mocks: pulumi.runtime.Mocks,
        private readonly stack: string,
        private readonly project: string,
        /** `pulumi:disable-default-providers` of the stack: packages ("*" for all) that must name a provider. */
        private readonly disabledDefaultProviders: readonly string[] = [],
    ) {
        super(mocks);
        // MockMonitor qualifies a type with its parent's last type segment, and with `pulumi:pulumi:Stack` for
        // top-level resources; the engine uses the parent's full qualified type and leaves the root stack out.
        // Reports, policies and runbooks name URNs, so they must be the engine's.
        (this as unknown as { newUrn: (parent: string, type: string, name: string) => string }).newUrn = (parent, type, name) =>
            engineUrn(this.stack, this.project, parent, type, name);
    }

    private add(r: RecordedResource): void {
        this.records.push(r);
        this.byUrn.set(r.urn, r);
    }

    /**
     * The engine refuses a resource or invoke that would need a disabled default provider (its message, from
     * pkg/resource/deploy/providers/registry.go); mocks never register default providers, so without this a
     * forgotten `provider` would plan cleanly offline and fail (or worse, deploy elsewhere) for real.
     */
    private defaultProviderRefusal(token: string, provider: string, what: string): Error | undefined {
        const pkg = token.split(":")[0];
        if (provider || pkg === "pulumi") return undefined;
        if (!this.disabledDefaultProviders.includes("*") && !this.disabledDefaultProviders.includes(pkg)) return undefined;
        return new Error(`Default provider for '${pkg}' disabled. '${what}' must use an explicit provider.`);
    }

    override async invoke(req: InvokeRequest, callback: Callback<unknown>): Promise<void> {
        const refusal = this.defaultProviderRefusal(req.getTok(), req.getProvider(), req.getTok());
        if (refusal) return callback(refusal, undefined);
        return super.invoke(req, callback);
    }

    override async registerResource(req: RegisterRequest, callback: Callback<RegisterResponse>): Promise<void> {
        if (req.getCustom() && !req.getType().startsWith("pulumi:providers:")) {
            const refusal = this.defaultProviderRefusal(req.getType(), req.getProvider(), engineUrn(this.stack, this.project, req.getParent(), req.getType(), req.getName()));
            if (refusal) return callback(refusal, undefined);
        }
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps, key) => {
            propertyDependencies[key] = deps.getUrnsList();
        });
        const inputs = req.getObject()?.toJavaScript() ?? {};
        const secretOutputs = req.getAdditionalsecretoutputsList();
        await super.registerResource(req, (err: Error | null, resp: RegisterResponse | undefined) => {
            if (!err && resp && secretOutputs.length) {
                // The engine marks a resource's additionalSecretOutputs secret (random passwords, auth tokens);
                // MockMonitor does not, which would let them flow in clear into other resources' inputs.
                resp.setObject(Struct.fromJavaScript(withSecretKeys(resp.getObject()?.toJavaScript() ?? {}, secretOutputs)));
            }
            if (!err && resp) {
                this.add({
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    custom: req.getCustom(),
                    id: req.getCustom() ? resp.getId() || UNKNOWN : "",
                    parent: req.getParent(),
                    provider: req.getProvider(),
                    dependencies: req.getDependenciesList(),
                    propertyDependencies,
                    inputs,
                    outputs: req.getCustom() ? (resp.getObject()?.toJavaScript() ?? {}) : {},
                    protect: req.getProtect() === true,
                    retainOnDelete: req.getRetainondelete() === true,
                    ignoreChanges: req.getIgnorechangesList(),
                    deleteBeforeReplace: req.getDeletebeforereplace(),
                    replaceOnChanges: req.getReplaceonchangesList(),
                    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
                    aliases: req.getAliasesList().map((a) => a.toObject()),
                    external: false,
                });
            }
            callback(err, resp);
        });
    }

    override async readResource(req: ReadRequest, callback: Callback<ReadResponse>): Promise<void> {
        const inputs = req.getProperties()?.toJavaScript() ?? {};
        await super.readResource(req, (err: Error | null, resp: ReadResponse | undefined) => {
            if (!err && resp) {
                // Answered as the engine does, so the program sees the same secretness offline and for real.
                const state = withReferencedSecrets(req.getType(), resp.getProperties()?.toJavaScript() ?? {});
                resp.setProperties(Struct.fromJavaScript(state));
                this.add({
                    urn: resp.getUrn(),
                    type: req.getType(),
                    name: req.getName(),
                    custom: true,
                    id: req.getId(),
                    parent: req.getParent(),
                    provider: req.getProvider(),
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: {},
                    inputs,
                    outputs: state,
                    protect: false,
                    retainOnDelete: false,
                    ignoreChanges: [],
                    deleteBeforeReplace: false,
                    replaceOnChanges: [],
                    additionalSecretOutputs: [],
                    aliases: [],
                    external: true,
                });
            }
            callback(err, resp);
        });
    }

    /** Components' and the stack's outputs arrive here (the stack's are the stack outputs). */
    override registerResourceOutputs(req: OutputsRequest, callback: Callback<object>): void {
        const r = this.byUrn.get(req.getUrn());
        if (r) r.outputs = req.getOutputs()?.toJavaScript() ?? {};
        super.registerResourceOutputs(req, callback);
    }
}
