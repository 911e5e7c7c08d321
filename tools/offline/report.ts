/**
 * The plan report (DESIGN §3 contract, version 1). `deployment` has the shape of `pulumi stack export`'s
 * deployment (version 3) so one reader handles a plan and a real export. Secrets never leave in clear:
 * every secret value is replaced by "[secret]" here, the only way out of the engine.
 */
import type { EnvironmentBudget } from "./environmentBudget";
import type { StackSetProblem } from "./stackSet";
import type { PlanError, PlannedStack, RegionDown } from "./engine";
import type { CostEstimate } from "../../policy-pack/lib/cost";
import type { ResilienceModel } from "../../policy-pack/lib/resilience";
import type { PolicySummary } from "./policy";
import type { RecordedResource } from "./monitor";
import { QuotaDataError, type QuotaNeed, quotaNeeds } from "./quotas";
import { SECRET_SIG, SIG_KEY, type WireProps, type WireValue, unwrapWire } from "./wire";

export const REPORT_VERSION = 1;
export const SECRET_PLACEHOLDER = "[secret]";

export interface ReportResource {
    urn: string;
    custom: boolean;
    type: string;
    id?: string;
    inputs: WireProps;
    outputs: WireProps;
    parent?: string;
    provider?: string;
    dependencies: string[];
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    retainOnDelete: boolean;
    ignoreChanges: string[];
    deleteBeforeReplace?: boolean;
    external?: boolean;
}

export interface PolicyViolation {
    policy: string;
    enforcementLevel: "advisory" | "mandatory" | "remediate" | "disabled";
    urn: string;
    message: string;
}

export interface StackReport {
    stack: string;
    project: string;
    region: string;
    role: string;
    preview: boolean;
    deployment: { manifest: { time: string; magic: string; version: string }; resources: ReportResource[] };
    outputs: WireProps;
    policy: { violations: PolicyViolation[]; summary?: PolicySummary };
    /**
     * Service Quotas the stack needs at its maxima (every node group at maxSize) against the AWS defaults of
     * policy-pack/data/aws-quotas.json; for a secondary, what a failover to it needs.
     */
    quotas?: QuotaNeed[];
    /** Monthly estimate from the planned resources and the price table (policy-pack/data/aws-prices.json). */
    cost?: CostEstimate & { budgetUsd?: number };
    /** RTO/RPO of failing this region over, per tier, with the objectives from the policy config. */
    resilience?: ResilienceModel & { objectives: Record<string, { rtoSeconds: number; rpoSeconds: number }> };
    /** With --region-down: whether the stack can still be updated, and what would fail. */
    regionDown?: RegionDown;
    error?: PlanError;
}

export interface PlanReport {
    version: typeof REPORT_VERSION;
    stacks: StackReport[];
    /** The stack set checked as a whole (tools/offline/stackSet.ts): conflicts no single stack can see. */
    stackSet?: { problems: StackSetProblem[] };
    /** Each environment's planned monthly total against its cap (policy-pack/config/environments.json). */
    environments?: EnvironmentBudget[];
}

/** Replaces every secret (wire-wrapped) value by "[secret]". */
export function maskSecrets(v: WireValue): WireValue {
    if (Array.isArray(v)) return v.map(maskSecrets);
    if (v && typeof v === "object") {
        if (v[SIG_KEY] === SECRET_SIG) return SECRET_PLACEHOLDER;
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, maskSecrets(x)]));
    }
    return v;
}

function maskProps(p: WireProps): WireProps {
    return maskSecrets(p) as WireProps;
}

function toReportResource(r: RecordedResource): ReportResource {
    return {
        urn: r.urn,
        custom: r.custom,
        type: r.type,
        ...(r.custom ? { id: r.id } : {}),
        inputs: maskProps(r.inputs),
        outputs: maskProps(r.outputs),
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.provider ? { provider: r.provider } : {}),
        dependencies: r.dependencies,
        propertyDependencies: r.propertyDependencies,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
        ignoreChanges: r.ignoreChanges,
        ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        ...(r.external ? { external: true } : {}),
    };
}

/** The stack's quota needs, or the config error that names the instance type or quota the data lacks. */
function quotasOf(resources: readonly ReportResource[], region: string): { quotas: QuotaNeed[] } | { error: PlanError } {
    try {
        const inputs = resources.map((r) => ({ ...r, inputs: unwrapWire(r.inputs) as Record<string, unknown> }));
        return { quotas: quotaNeeds(inputs, region) };
    } catch (e) {
        if (e instanceof QuotaDataError) return { error: { kind: "config", message: e.message } };
        throw e;
    }
}

export function stackReport(s: PlannedStack, version: string, violations: PolicyViolation[] = []): StackReport {
    const region = s.config["aws:region"] ?? "";
    const resources = s.resources.map(toReportResource);
    const quotas = s.error ? undefined : quotasOf(resources, region);
    const error = s.error ?? (quotas && "error" in quotas ? quotas.error : undefined);
    return {
        stack: s.stack,
        project: s.project,
        region,
        role: s.config["intelgraph:role"] ?? "",
        preview: s.preview,
        deployment: {
            manifest: { time: new Date().toISOString(), magic: "", version },
            resources,
        },
        outputs: maskProps(s.outputs),
        policy: { violations },
        ...(quotas && "quotas" in quotas ? { quotas: quotas.quotas } : {}),
        ...(s.regionDown ? { regionDown: s.regionDown } : {}),
        ...(error ? { error } : {}),
    };
}

export function buildReport(stacks: readonly PlannedStack[], version: string, violations?: ReadonlyMap<string, PolicyViolation[]>): PlanReport {
    return { version: REPORT_VERSION, stacks: stacks.map((s) => stackReport(s, version, violations?.get(s.stack) ?? [])) };
}
