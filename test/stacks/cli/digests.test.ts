import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { placeholderDigests } from "../../../stacks/cli/digests";
import { loadProject, loadStackFile } from "../../../tools/offline/project";
import { runCli } from "../../helpers/cli";
import { PROJECT_DIR } from "../../helpers/plan";

async function digests(args: string[], cwd = PROJECT_DIR) {
    const { main } = await import("../../../stacks/cli/digests");
    return runCli(main, args, cwd);
}

const ZERO = "0".repeat(64);
const REAL = "3f1c".padEnd(64, "a");

describe("npm run digests (the deploy workflow refuses placeholder image digests)", () => {
    it("finds the three placeholder digests of every committed regional stack file, by key", () => {
        const project = loadProject(PROJECT_DIR);
        for (const stack of ["us-west-2", "us-east-1", "staging-us-west-2", "staging-us-east-1"]) {
            expect(placeholderDigests(loadStackFile(project, stack).config), stack).toEqual([
                "intelgraph:backup.neo4jVerification.awsCliImage",
                "intelgraph:eks.loadBalancerController.image",
                "intelgraph:neo4j.image",
            ]);
        }
        expect(placeholderDigests(loadStackFile(project, "billing").config)).toEqual([]);
    });

    it("takes a resolved digest, and is not fooled by a digest that merely contains zeros", () => {
        expect(placeholderDigests({ "intelgraph:neo4j": JSON.stringify({ image: `neo4j:5.26.1-enterprise@sha256:${REAL}` }) })).toEqual([]);
        expect(placeholderDigests({ "intelgraph:neo4j": JSON.stringify({ image: `neo4j:5.26.1-enterprise@sha256:${"0".repeat(63)}1` }) })).toEqual([]);
        expect(placeholderDigests({ "intelgraph:x": JSON.stringify({ images: [`a@sha256:${ZERO}`] }) })).toEqual(["intelgraph:x.images.0"]);
    });

    it("exits 1 naming the file and keys, 0 once every digest is resolved, 2 for a missing stack file", async () => {
        const refused = await digests(["--stack", "us-east-1"]);
        expect(refused.code).toBe(1);
        expect(refused.stderr).toBe(
            "digests: Pulumi.us-east-1.yaml: 3 image(s) pinned to the placeholder digest sha256:000...0, which pulls nothing: intelgraph:backup.neo4jVerification.awsCliImage, intelgraph:eks.loadBalancerController.image, intelgraph:neo4j.image. Resolve each with `docker buildx imagetools inspect <image:tag>` (the index digest) and commit it (README, \"A real deploy\").\n",
        );
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "intelgraph-digests-"));
        fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
        fs.writeFileSync(path.join(dir, "Pulumi.us-east-1.yaml"), fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.us-east-1.yaml"), "utf8").replaceAll(`@sha256:${ZERO}`, `@sha256:${REAL}`));
        expect(await digests(["--stack", "us-east-1"], dir)).toMatchObject({ code: 0, stdout: "digests: Pulumi.us-east-1.yaml: every image digest is resolved\n" });
        expect((await digests(["--stack", "eu-west-9"], dir)).code).toBe(2);
    });
});
