/**
 * Generated stack sets: a temporary project holding only the stacks a test describes (regions, zones,
 * environments), written from the committed prod files as templates, with the program's source linked, so
 * the offline engine runs the real program against them. Stacks are named as the schema requires: `<region>`
 * (prod) or `<env>-<region>`, interconnects `interconnect-<zone>` or `<env>-interconnect-<zone>`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { PROJECT_DIR } from "./plan";

export interface RegionSpec {
    readonly region: string;
    readonly role: "primary" | "secondary";
    readonly cidr: string;
    /** Defaults to the environment's apiDomain. */
    readonly apiDomain?: string;
    /** A secondary's primary, when not the environment's primary. */
    readonly primaryStack?: string;
}

export interface EnvironmentSpec {
    readonly environment: "prod" | "staging" | "dev";
    readonly zone: string;
    readonly account: string;
    readonly apiDomain: string;
    readonly regions: readonly RegionSpec[];
    /** Links the primary with every secondary (default true). */
    readonly interconnect?: boolean;
    /** The environment's billing stack, its budget at the environments.json cap (default true). */
    readonly billing?: boolean;
}

export const stackName = (environment: string, region: string) => (environment === "prod" ? region : `${environment}-${region}`);
export const interconnectName = (environment: string, zone: string) => (environment === "prod" ? `interconnect-${zone}` : `${environment}-interconnect-${zone}`);

const read = (f: string) => fs.readFileSync(path.join(PROJECT_DIR, f), "utf8");

/** The /18s of a /16, as the committed files list the deploy runners' subnets. */
function runnerCidrs(cidr: string): string[] {
    const [a, b] = cidr.split(".");
    return [0, 64, 128].map((c) => `${a}.${b}.${c}.0/18`);
}

function regionalFile(env: EnvironmentSpec, r: RegionSpec, primary: string): string {
    const doc = parseDocument(read(r.role === "primary" ? "Pulumi.us-west-2.yaml" : "Pulumi.us-east-1.yaml"));
    const set = (key: string, v: unknown) => doc.setIn(["config", key], v);
    const get = (key: string) => doc.getIn(["config", key]);
    set("aws:region", r.region);
    set("intelgraph:residencyZone", env.zone);
    set("intelgraph:environment", env.environment);
    set("intelgraph:accountId", env.account);
    set("intelgraph:vpcCidr", r.cidr);
    set("intelgraph:availabilityZones", ["a", "b", "c"].map((z) => `${r.region}${z}`));
    for (const kind of ["admins", "deployers", "previewers", "breakGlass"]) {
        const arns = (doc.getIn(["config", "intelgraph:eks", "access", kind]) as { toJSON(): string[] }).toJSON();
        doc.setIn(["config", "intelgraph:eks", "access", kind], arns.map((a) => a.replace(/iam::\d{12}:/, `iam::${env.account}:`)));
    }
    doc.setIn(["config", "intelgraph:eks", "privateAccessCidrs"], runnerCidrs(r.cidr));
    doc.setIn(["config", "intelgraph:dns", "apiDomain"], r.apiDomain ?? env.apiDomain);
    // Backups copy to another region of the environment: the primary to its first secondary, a secondary to the primary.
    const copyTo =
        (r.role === "primary" ? env.regions.find((x) => x.role === "secondary")?.region : env.regions.find((x) => x.role === "primary")?.region) ??
        (r.region === "us-west-2" ? "us-east-1" : "us-west-2");
    doc.setIn(["config", "intelgraph:backup", "copyToVaultArn"], `arn:aws:backup:${copyTo}:${env.account}:backup-vault:intelgraph-${stackName(env.environment, copyTo)}`);
    // The Docker Hub credentials of the pull-through cache live in each stack's own account and region.
    doc.setIn(["config", "intelgraph:registry", "dockerHubCredentialArn"], `arn:aws:secretsmanager:${r.region}:${env.account}:secret:ecr-pullthroughcache/docker-hub-IntLgr`);
    // The drills take out the stack's own first AZ and partition it from the region its backups copy to.
    doc.setIn(["config", "intelgraph:chaos", "availabilityZone"], `${r.region}a`);
    doc.setIn(["config", "intelgraph:chaos", "crossRegionPartition", "region"], copyTo);
    if (env.environment !== "prod") doc.setIn(["config", "intelgraph:evidence", "mode"], "governance");
    if (r.role === "primary") {
        doc.setIn(["config", "intelgraph:aurora", "globalClusterIdentifier"], `intelgraph-${env.zone}-${env.environment}`);
        doc.setIn(["config", "intelgraph:redis", "globalDatastoreSuffix"], `intelgraph-${env.zone}-${env.environment}`);
    } else {
        set("intelgraph:primaryStack", r.primaryStack ?? primary);
    }
    if (get("aws:region") === undefined) throw new Error("template without aws:region");
    return doc.toString();
}

function interconnectFile(env: EnvironmentSpec, primary: string, secondaries: readonly string[]): string {
    const doc = parseDocument(read("Pulumi.interconnect-us.yaml"));
    doc.setIn(["config", "intelgraph:residencyZone"], env.zone);
    doc.setIn(["config", "intelgraph:environment"], env.environment);
    doc.setIn(["config", "intelgraph:accountId"], env.account);
    doc.setIn(["config", "intelgraph:primaryStack"], primary);
    doc.setIn(["config", "intelgraph:secondaryStacks"], [...secondaries]);
    return doc.toString();
}

/** Writes the stack set (and, per stack, the prod policy config of its role) into a fresh project folder. */
export function stackSetProject(envs: readonly EnvironmentSpec[], extra: Readonly<Record<string, string>> = {}): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-stackset-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), read("Pulumi.yaml"));
    for (const d of ["stacks", "components"]) fs.symlinkSync(path.join(PROJECT_DIR, d), path.join(dir, d), "dir");
    const configDir = path.join(dir, "policy-pack", "config");
    fs.mkdirSync(configDir, { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, "policy-pack", "config", "environments.json"), path.join(configDir, "environments.json"));
    const policy = (role: string) => read(path.join("policy-pack", "config", role === "primary" ? "us-west-2.json" : role === "secondary" ? "us-east-1.json" : "interconnect-us.json"));
    for (const env of envs) {
        const primary = env.regions.find((r) => r.role === "primary");
        const primaryStack = primary ? stackName(env.environment, primary.region) : "";
        for (const r of env.regions) {
            const stack = stackName(env.environment, r.region);
            fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), regionalFile(env, r, primaryStack));
            fs.writeFileSync(path.join(configDir, `${stack}.json`), policy(r.role));
        }
        const secondaries = env.regions.filter((r) => r.role === "secondary" && !r.primaryStack).map((r) => stackName(env.environment, r.region));
        if (env.interconnect !== false && primary && secondaries.length) {
            const stack = interconnectName(env.environment, env.zone);
            fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), interconnectFile(env, primaryStack, secondaries));
            fs.writeFileSync(path.join(configDir, `${stack}.json`), policy("interconnect"));
        }
    }
    const caps = (JSON.parse(read(path.join("policy-pack", "config", "environments.json"))) as { environments: Record<string, { monthlyBudgetUsd: number }> }).environments;
    for (const env of envs.filter((e) => e.billing !== false)) {
        const stack = env.environment === "prod" ? "billing" : `${env.environment}-billing`;
        if (fs.existsSync(path.join(dir, `Pulumi.${stack}.yaml`))) continue; // one per environment, whatever its zones
        const doc = parseDocument(read("Pulumi.billing.yaml"));
        const primary = env.regions.find((r) => r.role === "primary");
        doc.setIn(["config", "intelgraph:environment"], env.environment);
        doc.setIn(["config", "intelgraph:accountId"], env.account);
        doc.setIn(["config", "intelgraph:primaryStack"], primary ? stackName(env.environment, primary.region) : "");
        doc.setIn(["config", "intelgraph:budgets", "infraMonthlyUsd"], caps[env.environment].monthlyBudgetUsd);
        fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), doc.toString());
        fs.writeFileSync(path.join(configDir, `${stack}.json`), policy("interconnect"));
    }
    for (const [file, text] of Object.entries(extra)) fs.writeFileSync(path.join(dir, file), text);
    return dir;
}

/** The committed prod set, as a spec: us-west-2 primary, us-east-1 secondary, the us interconnect. */
export const US_PROD: EnvironmentSpec = {
    environment: "prod",
    zone: "us",
    account: "123456789012",
    apiDomain: "api.intelgraph.example.com",
    regions: [
        { region: "us-west-2", role: "primary", cidr: "10.10.0.0/16" },
        { region: "us-east-1", role: "secondary", cidr: "10.20.0.0/16" },
    ],
};

export const EU_PROD: EnvironmentSpec = {
    environment: "prod",
    zone: "eu",
    account: "123456789012",
    apiDomain: "api.eu.intelgraph.example.com",
    regions: [
        { region: "eu-west-1", role: "primary", cidr: "10.40.0.0/16" },
        { region: "eu-central-1", role: "secondary", cidr: "10.50.0.0/16" },
    ],
};
