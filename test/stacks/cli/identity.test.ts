import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli";
import { PROJECT_DIR } from "../../helpers/plan";

async function identity(args: string[], cwd = PROJECT_DIR) {
    const { main } = await import("../../../stacks/cli/identity");
    return runCli(main, args, cwd);
}

describe("npm run identity (the roles a stack file grants cluster access)", () => {
    it.each(["us-west-2", "us-east-1"])("prints the previewer of %s, which the PR workflow assumes", async (stack) => {
        expect(await identity(["--stack", stack, "--kind", "previewers"])).toMatchObject({ code: 0, stdout: "arn:aws:iam::123456789012:role/ci/intelgraph-preview\n" });
    });

    it("answers for an interconnect with its primary's previewer (it has no cluster of its own)", async () => {
        expect(await identity(["--stack", "interconnect-us", "--kind", "previewers"])).toMatchObject({ code: 0, stdout: "arn:aws:iam::123456789012:role/ci/intelgraph-preview\n" });
    });

    it("exits 2 naming the key when the stack file is invalid or the list empty", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-identity-"));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        const text = fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.us-west-2.yaml"), "utf8");
        fs.writeFileSync(path.join(dir, "Pulumi.us-west-2.yaml"), text.replace(/\n {6}previewers:\n {8}- [^\n]+/, "\n      previewers: []"));
        expect(await identity(["--stack", "us-west-2", "--kind", "previewers"], dir)).toMatchObject({ code: 2, stderr: "identity: Pulumi.us-west-2.yaml: intelgraph:eks.access.previewers is empty\n" });
        fs.writeFileSync(path.join(dir, "Pulumi.us-west-2.yaml"), text.replace("intelgraph:owner:", "intelgraph:ownr:"));
        expect((await identity(["--stack", "us-west-2", "--kind", "deployers"], dir)).stderr).toContain("intelgraph:ownr");
    });
});
