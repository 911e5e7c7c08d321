import { beforeAll, describe, expect, it } from "vitest";
import type { PlannedStack } from "../../../tools/offline/engine";
import { UNKNOWN, type WireProps, isSecret, unwrapWire } from "../../../tools/offline/wire";
import { mockInvoke } from "../../../tools/offline/mocks";
import { PROJECT_DIR, inputsOf, mustGet, ofType, one, outputsOf, plan } from "../../helpers/plan";
import { projectCopy } from "../../helpers/project";

let stacks: Map<string, PlannedStack>;
let preview: Map<string, PlannedStack>;
beforeAll(async () => {
    stacks = await plan();
    preview = await plan({ preview: true });
});

describe("offline engine: recorded graph", () => {
    it("plans the primary, then the secondary, then the interconnect that reads both, all without error", () => {
        // Each environment's primary before its secondary, interconnects after the stacks they read.
        expect([...stacks.keys()]).toEqual(["us-west-2", "billing", "us-east-1", "interconnect-us", "staging-us-west-2", "staging-billing", "staging-us-east-1", "staging-interconnect-us"]);
        for (const s of stacks.values()) expect(s.error).toBeUndefined();
    });

    it("records parents: children under their component, components under the stack", () => {
        const west = mustGet(stacks, "us-west-2");
        const vpcComponent = one(west, "intelgraph:network:RegionalVpc");
        const stack = one(west, "pulumi:pulumi:Stack");
        expect(vpcComponent.parent).toBe(stack.urn);
        expect(one(west, "aws:ec2/vpc:Vpc").parent).toBe(vpcComponent.urn);
        expect(one(west, "aws:kms/key:Key").parent).toBe(one(west, "intelgraph:security:RegionalKms").urn);
    });

    it("names resources with the engine's URNs (full parent type chain, root stack left out)", () => {
        const west = mustGet(stacks, "us-west-2");
        expect(one(west, "intelgraph:network:RegionalVpc").urn).toBe("urn:pulumi:us-west-2::intelgraph::intelgraph:network:RegionalVpc::network");
        expect(one(west, "aws:ec2/vpc:Vpc").urn).toBe("urn:pulumi:us-west-2::intelgraph::intelgraph:network:RegionalVpc$aws:ec2/vpc:Vpc::network-vpc");
        expect(one(west, "pulumi:providers:aws").urn).toBe("urn:pulumi:us-west-2::intelgraph::pulumi:providers:aws::aws-us-west-2");
    });

    it("records the explicit provider of every resource (the stack files disable default providers)", () => {
        for (const s of stacks.values()) {
            expect(s.config["pulumi:disable-default-providers"]).toBe('["*"]');
            const providers = s.resources.filter((r) => r.type.startsWith("pulumi:providers:"));
            expect(providers.every((p) => !p.name.startsWith("default"))).toBe(true);
            for (const r of s.resources.filter((x) => x.custom && !x.external && !x.type.startsWith("pulumi:"))) {
                const pkg = r.type.split(":")[0];
                expect(r.provider, `${s.stack} ${r.urn}`).toMatch(new RegExp(`[:$]pulumi:providers:${pkg}::`));
                if (pkg === "aws") expect(r.provider, `${s.stack} ${r.urn}`).toMatch(/::pulumi:providers:aws::aws-(us-west-2|us-east-1)::/);
            }
        }
    });

    it("records dependencies and property dependencies", () => {
        const west = mustGet(stacks, "us-west-2");
        const nat = ofType(west, "aws:ec2/natGateway:NatGateway").find((n) => n.name === "network-nat-a")!;
        const igw = one(west, "aws:ec2/internetGateway:InternetGateway");
        const eip = one(west, "aws:ec2/eip:Eip", "network-nat-eip-a");
        const subnet = one(west, "aws:ec2/subnet:Subnet", "network-subnet-public-a");
        expect(nat.dependencies).toEqual(expect.arrayContaining([igw.urn, eip.urn, subnet.urn]));
        expect(nat.propertyDependencies).toMatchObject({ allocationId: [eip.urn], subnetId: [subnet.urn] });
    });

    it("records resource options (protect) as the engine would", () => {
        const west = mustGet(stacks, "us-west-2");
        expect(one(west, "aws:kms/key:Key").protect).toBe(true);
        expect(one(west, "aws:ec2/vpc:Vpc").protect).toBe(false);
    });

    it("puts the provider's defaultTags on the provider and returns them in tagsAll", () => {
        const east = mustGet(stacks, "us-east-1");
        const home = ofType(east, "pulumi:providers:aws").find((p) => inputsOf(p).region === "us-east-1")!;
        const tags = (JSON.parse(inputsOf(home).defaultTags as string) as { tags: Record<string, string> }).tags;
        expect(tags).toEqual({
            "residency-zone": "us",
            "residency-region": "us-east-1",
            owner: "platform-team",
            environment: "prod",
            "cost-centre": "cc-4100",
            "managed-by": "pulumi",
            "pulumi-stack": "us-east-1",
        });
        expect(outputsOf(one(east, "aws:ec2/vpc:Vpc")).tagsAll).toMatchObject({ ...tags, Name: "intelgraph-us-east-1-vpc" });
    });

    it("answers the secondary's StackReference with the primary's planned outputs", () => {
        const east = mustGet(stacks, "us-east-1");
        const ref = one(east, "pulumi:pulumi:StackReference");
        expect(ref.id).toBe("organization/intelgraph/us-west-2");
        expect(outputsOf(ref).outputs).toEqual(unwrapWire(mustGet(stacks, "us-west-2").outputs));
        expect([...(outputsOf(ref).secretOutputNames as string[])].sort()).toEqual(["auroraMasterPassword", "kubeconfig", "neo4jClusterCaKeyPem", "redisAuthToken"]);
        // As the engine records it: the referenced stack's secrets stay secret in this stack's state.
        const recorded = ref.outputs.outputs as WireProps;
        expect(["auroraMasterPassword", "kubeconfig", "neo4jClusterCaKeyPem", "redisAuthToken"].filter((k) => isSecret(recorded[k]))).toHaveLength(4);
        expect(isSecret(recorded.vpcId)).toBe(false);
        const interconnect = mustGet(stacks, "interconnect-us");
        expect(ofType(interconnect, "pulumi:pulumi:StackReference").map((r) => r.id)).toEqual(["organization/intelgraph/us-west-2", "organization/intelgraph/us-east-1"]);
        expect(inputsOf(one(interconnect, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection")).peerVpcId).toBe(one(mustGet(stacks, "us-west-2"), "aws:ec2/vpc:Vpc").id);
    });

    it("gives plausible, region-correct and stable ids and ARNs", async () => {
        const east = mustGet(stacks, "us-east-1");
        expect(one(east, "aws:ec2/vpc:Vpc").id).toMatch(/^vpc-[0-9a-f]{17}$/);
        expect(outputsOf(one(east, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")).arn).toBe(
            "arn:aws:logs:us-east-1:123456789012:log-group:/intelgraph/intelgraph-us-east-1/vpc-flow-logs",
        );
        const again = await plan({ stacks: ["us-east-1"] });
        expect(mustGet(again, "us-east-1").resources.map((r) => r.id)).toEqual(east.resources.map((r) => r.id));
    });
});

describe("offline engine: preview mode", () => {
    it("terminates with the same resource set as a normal plan", () => {
        for (const [name, s] of stacks) {
            const p = mustGet(preview, name);
            expect(p.error).toBeUndefined();
            expect(p.preview).toBe(true);
            expect(p.resources.map((r) => r.urn).sort()).toEqual(s.resources.map((r) => r.urn).sort());
        }
    });

    it("leaves computed outputs of new resources unknown, inputs known", () => {
        const west = mustGet(preview, "us-west-2");
        const vpc = one(west, "aws:ec2/vpc:Vpc");
        expect(vpc.id).toBe(UNKNOWN);
        expect(vpc.outputs.arn).toBeUndefined();
        expect(inputsOf(vpc).cidrBlock).toBe("10.10.0.0/16");
        expect(inputsOf(one(west, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs")).kmsKeyId).toBe(UNKNOWN);
        expect(west.outputs.vpcId).toBe(UNKNOWN);
    });

    it("previews a stack against the deployed state of the stacks it reads", () => {
        const east = mustGet(preview, "us-east-1");
        // The secondary's own cluster is new (unknown id); the global cluster it joins is the primary's, known.
        expect(inputsOf(one(east, "aws:rds/cluster:Cluster")).globalClusterIdentifier).toBe("intelgraph-us-prod");
        expect(inputsOf(one(east, "aws:ec2/vpc:Vpc")).cidrBlock).toBe("10.20.0.0/16");
        expect(one(east, "aws:ec2/vpc:Vpc").id).toBe(UNKNOWN);
        const request = one(mustGet(preview, "interconnect-us"), "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        expect(inputsOf(request).peerVpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
        expect(inputsOf(request).vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
    });
});

describe("offline engine: bad stack files fail before any resource is registered", () => {
    it.each<[string, string, Record<string, string>, string]>([
        ["a wrong region", "us-east-1", { "aws:region": "us-west-1" }, 'Pulumi.us-east-1.yaml: aws:region is "us-west-1"; allowed: the region the stack "us-east-1" is named after'],
        ["an unknown zone", "us-west-2", { "intelgraph:residencyZone": "atlantis" }, 'Pulumi.us-west-2.yaml: intelgraph:residencyZone is "atlantis"; allowed: a known residency zone: us ('],
        ["two AZs", "us-west-2", { "intelgraph:availabilityZones": '["us-west-2a","us-west-2b"]' }, "Pulumi.us-west-2.yaml: intelgraph:availabilityZones is [\"us-west-2a\",\"us-west-2b\"]; allowed: exactly three distinct"],
        ["a missing peer", "us-east-1", { "intelgraph:primaryStack": "" }, 'Pulumi.us-east-1.yaml: intelgraph:primaryStack is ""; allowed: the primary stack this secondary reads'],
        ["a CIDR overlapping the primary's (known only through the StackReference)", "us-east-1", { "intelgraph:vpcCidr": "10.10.64.0/18" }, "Pulumi.us-east-1.yaml: intelgraph:vpcCidr is \"10.10.64.0/18\"; allowed: a CIDR that does not overlap the primary us-west-2's VPC 10.10.0.0/16"],
    ])("%s", async (_, stack, overrides, message) => {
        const planned = mustGet(await plan({ stacks: [stack], configOverrides: { [stack]: overrides } }), stack);
        expect(planned.error?.kind).toBe("config");
        expect(planned.error?.message).toContain(message);
        expect(planned.registeredBeforeError).toEqual([]);
        expect(planned.resources).toEqual([]);
    });

    it("reports secure: values it cannot decrypt instead of guessing", async () => {
        const dir = projectCopy((f, text) => (f === "Pulumi.us-west-2.yaml" ? `${text}  intelgraph:apiToken:\n    secure: v1:abcdef\n` : text));
        const planned = mustGet(await plan({ projectDir: dir, stacks: ["us-west-2"] }), "us-west-2");
        expect(planned.error).toEqual({ kind: "config", message: expect.stringContaining("Pulumi.us-west-2.yaml: intelgraph:apiToken hold secure: (encrypted) values") });
        expect(planned.error?.message).not.toContain("v1:abcdef");
    });
});

describe("offline engine: a secondary against an incomplete primary", () => {
    it.each([
        ["the primary's writer instance exists", "auroraWriterInstanceArn"],
        ["the primary exports the credentials it copies (a secret output)", "auroraMasterPassword"],
    ])("refuses to plan until %s, and registers nothing", async (_, missing) => {
        const { loadProgram, planStack } = await import("../../../tools/offline/engine");
        const { loadProject, loadStackFile } = await import("../../../tools/offline/project");
        const project = loadProject(PROJECT_DIR);
        const west = mustGet(stacks, "us-west-2");
        const outputs = { ...west.outputs };
        delete outputs[missing];
        const east = await planStack(project, loadStackFile(project, "us-east-1"), {
            preview: false,
            organization: "organization",
            program: await loadProgram(project),
            references: new Map([["us-west-2", { ...west, outputs }]]),
        });
        expect(east.error).toEqual({
            kind: "config",
            message:
                `Pulumi.us-east-1.yaml: intelgraph:primaryStack "us-west-2" (organization/intelgraph/us-west-2) has no output(s) ${missing}; ` +
                "deploy that stack first (pulumi up -s us-west-2): the secondary joins its global cluster and datastore",
        });
        expect(east.registeredBeforeError).toEqual([]);
    });
});

describe("offline engine: strict invokes", () => {
    it("answers the data sources the program uses for the caller's region", () => {
        expect(mockInvoke("aws:index/getCallerIdentity:getCallerIdentity", {}, "us-east-1")).toMatchObject({ accountId: "123456789012" });
        expect(mockInvoke("aws:index/getRegion:getRegion", {}, "us-east-1")).toMatchObject({ name: "us-east-1" });
    });

    it("throws on any other invoke so a new data source is a conscious decision", () => {
        expect(() => mockInvoke("aws:ec2/getAmi:getAmi", { mostRecent: true }, "us-east-1")).toThrow(
            "offline engine: no mock for invoke 'aws:ec2/getAmi:getAmi'",
        );
    });
});

describe("offline engine: a tool of its own", () => {
    it("imports nothing from the project's stacks/ or components/ (the program comes from Pulumi.yaml's main)", async () => {
        const fs = await import("node:fs");
        const path = await import("node:path");
        const dir = path.join(PROJECT_DIR, "tools", "offline");
        for (const f of fs.readdirSync(dir).filter((x) => /\.(ts|cjs)$/.test(x))) {
            const imports = [...fs.readFileSync(path.join(dir, f), "utf8").matchAll(/(?:from|import\(|require\()\s*["']([^"']+)["']/g)].map((m) => m[1]);
            expect(imports.filter((i) => /(^|\/)(stacks|components)(\/|$)|^\.\.\/(config|program)/.test(i)), f).toEqual([]);
        }
    });

    it("plans a referenced stack first, found from the StackReferences the program reads", async () => {
        const fs = await import("node:fs");
        const os = await import("node:os");
        const path = await import("node:path");
        const pulumi = await import("@pulumi/pulumi");
        const { planStacks } = await import("../../../tools/offline/engine");
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-refs-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: refs\nruntime: nodejs\nmain: index.ts\n");
        // Nothing in either stack file names the other: only the program knows "a" reads "b".
        fs.writeFileSync(path.join(dir, "Pulumi.a.yaml"), "config: {}\n");
        fs.writeFileSync(path.join(dir, "Pulumi.b.yaml"), "config: {}\n");
        const program = async () => {
            if (pulumi.getStack() === "b") return { answer: 42 };
            const b = new pulumi.StackReference("organization/refs/b");
            return { fromB: b.getOutput("answer") };
        };
        const planned = await planStacks({ projectDir: dir, program });
        expect(planned.map((p) => [p.stack, p.error, unwrapWire(p.outputs)])).toEqual([
            ["b", undefined, { answer: 42 }],
            ["a", undefined, { fromB: 42 }],
        ]);
        const previewed = await planStacks({ projectDir: dir, program, preview: true, stacks: ["a"] });
        expect(previewed.map((p) => [p.stack, unwrapWire(p.outputs)])).toEqual([["a", { fromB: 42 }]]);
    });
});
