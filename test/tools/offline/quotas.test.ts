import { beforeAll, describe, expect, it } from "vitest";
import quotaTable from "../../../policy-pack/data/aws-quotas.json";
import instanceTable from "../../../policy-pack/data/ec2-instance-types.json";
import type { PlannedStack } from "../../../tools/offline/engine";
import type { RecordedResource } from "../../../tools/offline/monitor";
import { QuotaDataError, type QuotaInput, type QuotaNeed, quotaNeeds, vcpuQuotaOf, vcpusOf } from "../../../tools/offline/quotas";
import { type StackReport, buildReport } from "../../../tools/offline/report";
import { renderSummary } from "../../../tools/offline/summary";
import { runCli } from "../../helpers/cli";
import { PROJECT_DIR, inputsOf, mustGet, ofType, plan } from "../../helpers/plan";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const VCPUS = instanceTable.vcpus as Record<string, number>;

let stacks: Map<string, PlannedStack>;
let previewed: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
    previewed = await plan({ preview: true });
});

const reportOf = (s: PlannedStack): StackReport => buildReport([s], "test").stacks[0];
const byCode = (quotas: readonly QuotaNeed[] | undefined) => new Map((quotas ?? []).map((q) => [q.code, q]));

/** The planned stack with one node group's inputs changed (a copy; the shared plan stays as it is). */
function withNodeGroup(s: PlannedStack, name: string, change: (inputs: Record<string, unknown>) => void): PlannedStack {
    const copy = structuredClone(s) as PlannedStack;
    const ng = (copy.resources as RecordedResource[]).find((r) => r.type === NODE_GROUP && r.name === name);
    if (!ng) throw new Error(`no node group ${name} in ${s.stack}`);
    change(ng.inputs as Record<string, unknown>);
    return copy;
}

/** vCPUs at maxSize computed straight from the planned node groups and the instance table. */
function vcpusAtMax(s: PlannedStack): number {
    return ofType(s, NODE_GROUP).reduce((n, r) => {
        const i = inputsOf(r) as { instanceTypes: string[]; scalingConfig: { maxSize: number } };
        return n + i.scalingConfig.maxSize * Math.max(...i.instanceTypes.map((t) => VCPUS[t]));
    }, 0);
}

describe("quotas: what the planned maxima need", () => {
    it("us-west-2: 8 x m6i.xlarge (4) + 3 graph groups x 2 x r6i.2xlarge (8) = 80 vCPUs in the Standard bucket, over its default of 5", () => {
        const west = mustGet(stacks, "us-west-2");
        const groups = ofType(west, NODE_GROUP).map((r) => inputsOf(r) as { instanceTypes: string[]; scalingConfig: { maxSize: number } });
        expect(groups.map((g) => [g.instanceTypes, g.scalingConfig.maxSize]).sort()).toEqual([
            [["m6i.xlarge"], 8],
            [["r6i.2xlarge"], 2],
            [["r6i.2xlarge"], 2],
            [["r6i.2xlarge"], 2],
        ]);
        expect(vcpusAtMax(west)).toBe(80);
        const q = mustGet(byCode(reportOf(west).quotas), "L-1216C47A");
        expect(q).toMatchObject({
            name: "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
            region: "us-west-2",
            needed: 80,
            default: 5,
            overDefault: true,
            unit: "vCPUs",
        });
        expect(q.basis).toBe("8 x m6i.xlarge (4 vCPUs) + 6 x r6i.2xlarge (8 vCPUs) = 80 vCPUs, 4 node groups at maxSize");
    });

    it("us-east-1 (the failover target): its own maxSize, not its warm-standby size, gives 80 vCPUs too", () => {
        const east = mustGet(stacks, "us-east-1");
        const general = inputsOf(ofType(east, NODE_GROUP).find((r) => r.name === "eks-ng-general")!) as { scalingConfig: { desiredSize: number; maxSize: number } };
        expect(general.scalingConfig).toMatchObject({ desiredSize: 2, maxSize: 8 });
        expect(mustGet(byCode(reportOf(east).quotas), "L-1216C47A")).toMatchObject({ region: "us-east-1", needed: vcpusAtMax(east), overDefault: true });
        expect(vcpusAtMax(east)).toBe(80);
    });

    it("counts the network, EKS, ALB and RDS quotas of each regional stack from its planned resources", () => {
        for (const s of [...stacks.values()].filter((x) => ["primary", "secondary"].includes(x.config["intelgraph:role"] ?? ""))) {
            const q = byCode(reportOf(s).quotas);
            const need = (code: string) => mustGet(q, code).needed;
            expect(need("L-0263D0A3")).toBe(ofType(s, "aws:ec2/eip:Eip").length);
            expect(need("L-0263D0A3")).toBe(3);
            expect(need("L-FE5A380F")).toBe(1); // three NAT gateways, one per AZ
            expect(ofType(s, "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
            expect(need("L-F678F1CE")).toBe(1);
            expect(need("L-A4707A72")).toBe(1);
            expect(need("L-1194D53C")).toBe(1);
            expect(need("L-6D54EA21")).toBe(4);
            // Nodes per managed node group: the largest maxSize the stack file sets (prod general 8).
            expect(need("L-BD136A63")).toBe(Math.max(...ofType(s, "aws:eks/nodeGroup:NodeGroup").map((n) => (inputsOf(n).scalingConfig as { maxSize: number }).maxSize)));
            if (s.stack === "us-west-2") expect(need("L-BD136A63")).toBe(8);
            expect(need("L-53DA6B97")).toBe(1);
            expect(need("L-952B80B8")).toBe(1);
            expect(need("L-7B6409FD")).toBe(ofType(s, "aws:rds/clusterInstance:ClusterInstance").length);
            expect(need("L-7B6409FD")).toBe(2);
            if (s.config["intelgraph:environment"] === "prod") expect([...q.values()].filter((x) => x.overDefault).map((x) => x.code)).toEqual(["L-1216C47A"]);
            for (const x of q.values()) expect(x.region).toBe(s.config["aws:region"]);
        }
    });

    it("a first preview (ids unknown) needs the same", () => {
        for (const [name, s] of stacks) {
            const strip = (qs: readonly QuotaNeed[] | undefined) => (qs ?? []).map((x) => [x.code, x.needed, x.overDefault]);
            expect(strip(reportOf(mustGet(previewed, name)).quotas)).toEqual(strip(reportOf(s).quotas));
        }
    });

    it("follows the sizes: a general group of maxSize 16 needs 16 x 4 + 48 = 112 vCPUs and 16 nodes per group", () => {
        const bigger = withNodeGroup(mustGet(stacks, "us-west-2"), "eks-ng-general", (i) => {
            (i.scalingConfig as { maxSize: number }).maxSize = 16;
        });
        const q = byCode(reportOf(bigger).quotas);
        expect(mustGet(q, "L-1216C47A").needed).toBe(112);
        expect(mustGet(q, "L-BD136A63").needed).toBe(16);
    });

    it("uses the largest instance type of a node group and the Spot bucket for SPOT capacity", () => {
        const ng = (name: string, inputs: Record<string, unknown>): QuotaInput => ({ urn: `urn:pulumi:s::p::${NODE_GROUP}::${name}`, type: NODE_GROUP, inputs });
        const needs = byCode(
            quotaNeeds(
                [
                    ng("mixed", { instanceTypes: ["m6i.large", "m6i.2xlarge"], scalingConfig: { maxSize: 3 } }),
                    ng("spot", { instanceTypes: ["c6i.xlarge"], capacityType: "SPOT", scalingConfig: { maxSize: 10 } }),
                ],
                "us-west-2",
            ),
        );
        expect(mustGet(needs, "L-1216C47A")).toMatchObject({ needed: 24, overDefault: true });
        expect(mustGet(needs, "L-34B43A08")).toMatchObject({ name: "All Standard (A, C, D, H, I, M, R, T, Z) Spot Instance Requests", needed: 40, default: 5 });
    });
});

describe("quotas: missing data is an error naming it, never a guess", () => {
    it("an instance type missing from the vCPU table", () => {
        expect(VCPUS["zz9.mega"]).toBeUndefined();
        expect(() => vcpusOf("zz9.mega")).toThrow(QuotaDataError);
        expect(() => vcpusOf("zz9.mega")).toThrow(/instance type "zz9\.mega"/);
    });

    it("fails the stack's report with a config error naming the type, the node group and the data file", () => {
        expect(VCPUS["m7i.xlarge"]).toBeUndefined();
        const west = withNodeGroup(mustGet(stacks, "us-west-2"), "eks-ng-general", (i) => {
            i.instanceTypes = ["m6i.xlarge", "m7i.xlarge"];
        });
        const report = reportOf(west);
        expect(report.quotas).toBeUndefined();
        expect(report.error?.kind).toBe("config");
        expect(report.error?.message).toContain('policy-pack/data/ec2-instance-types.json: instance type "m7i.xlarge"');
        expect(report.error?.message).toContain("'eks-ng-general'");
    });

    it("a family whose quota bucket has no verified default", () => {
        expect(VCPUS["g5.xlarge"]).toBe(4);
        expect(() => vcpuQuotaOf("g5.xlarge", "ON_DEMAND")).toThrow(/"g5\.xlarge" counts against "Running On-Demand G and VT instances", whose code and AWS default are not verified/);
        expect(() => vcpuQuotaOf("mac2.metal", "ON_DEMAND")).toThrow(/instance family "mac"/);
    });

    it("a node group without a known maxSize", () => {
        const ng: QuotaInput = { urn: `urn:pulumi:s::p::${NODE_GROUP}::ng`, type: NODE_GROUP, inputs: { instanceTypes: ["m6i.xlarge"], scalingConfig: {} } };
        expect(() => quotaNeeds([ng], "us-west-2")).toThrow(/'ng': scalingConfig\.maxSize is undefined/);
    });
});

describe("quotas: the data table", () => {
    it("gives every quota a code, a name, a numeric default, a source and the check date", () => {
        const specs = Object.values(quotaTable.quotas);
        expect(specs.length).toBeGreaterThanOrEqual(12);
        for (const q of specs) {
            expect(q.code).toMatch(/^L-[0-9A-F]{8}$/);
            expect(q.name.length).toBeGreaterThan(3);
            expect(Number.isInteger(q.default) && q.default > 0).toBe(true);
            expect(q.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
            expect(q.checked).toBe("2026-12-01");
        }
        expect(new Set(specs.map((q) => q.code)).size).toBe(specs.length);
    });

    it("knows the vCPUs of every instance type the stacks use (m6i.xlarge 4, r6i.2xlarge 8)", () => {
        expect(VCPUS["m6i.xlarge"]).toBe(4);
        expect(VCPUS["r6i.2xlarge"]).toBe(8);
        for (const s of stacks.values()) for (const r of ofType(s, NODE_GROUP)) for (const t of (inputsOf(r) as { instanceTypes: string[] }).instanceTypes) expect(VCPUS[t]).toBeGreaterThan(0);
    });
});

describe("quotas: the interconnect", () => {
    it("needs none of the counted quotas (peering and replication are not among them)", () => {
        expect(reportOf(mustGet(stacks, "interconnect-us")).quotas).toEqual([]);
    });
});

describe("quotas: the summary", () => {
    it("prints a short section per stack: header, the over-default quota, the rest packed, the data file", () => {
        const report = buildReport([...stacks.values()], "test");
        const text = renderSummary(report, { durations: new Map() });
        for (const s of report.stacks.filter((x) => x.role === "primary" || x.role === "secondary")) {
            const lines = text.split("\n");
            const start = lines.findIndex((l) => l.startsWith(`Quotas in ${s.region} at every node group's maxSize`));
            expect(start).toBeGreaterThan(-1);
            const section = lines.slice(start, lines.indexOf("", start) === -1 ? undefined : lines.indexOf("", start));
            expect(section.length).toBeLessThanOrEqual(6);
            expect(section[1]).toBe(
                "  OVER Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (L-1216C47A): 80 vCPUs needed, default 5; " +
                    "8 x m6i.xlarge (4 vCPUs) + 6 x r6i.2xlarge (8 vCPUs) = 80 vCPUs, 4 node groups at maxSize",
            );
            const body = section.join("\n");
            for (const item of ["Elastic IPs L-0263D0A3 3/5", "NAT gateways per AZ L-FE5A380F 1/5", "VPCs L-F678F1CE 1/5", "node groups per cluster L-6D54EA21 4/30", "DB instances L-7B6409FD 2/40"]) {
                expect(body).toContain(item);
            }
            expect(body).toContain("policy-pack/data/aws-quotas.json (checked 2026-12-01)");
        }
        expect(text).toContain("Quotas in us-east-1 at every node group's maxSize (what a failover to this secondary needs), needed vs AWS default; 1 over default");
        expect(text).toContain("Quotas in us-west-2 at every node group's maxSize (this primary fully scaled out), needed vs AWS default; 1 over default, request an increase before the first deploy");
    });

    it("is printed and written by npm run plan (--json carries the quotas)", async () => {
        const { main } = await import("../../../tools/offline/plan");
        const summary = await runCli(main, ["--stack", "us-west-2"], PROJECT_DIR);
        expect(summary.code).toBe(0);
        expect(summary.stdout).toContain("OVER Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (L-1216C47A): 80 vCPUs needed, default 5");
        const json = await runCli(main, ["--stack", "us-west-2", "--json"], PROJECT_DIR);
        const west = (JSON.parse(json.stdout) as { stacks: StackReport[] }).stacks[0];
        expect(mustGet(byCode(west.quotas), "L-1216C47A")).toMatchObject({ code: "L-1216C47A", needed: 80, default: 5, overDefault: true });
        expect(Object.keys(west.quotas![0])).toEqual(expect.arrayContaining(["code", "name", "needed", "default", "overDefault", "basis"]));
    });
});
