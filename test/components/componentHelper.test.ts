import * as aws from "@pulumi/aws";
import { describe, expect, it } from "vitest";
import { planComponent } from "../helpers/component";

describe("planComponent (test/helpers/component.ts)", () => {
    it("refuses, like the real stacks, a resource without an explicit provider", async () => {
        const p = await planComponent(() => new aws.s3.Bucket("orphan", {}));
        expect(p.error?.message.split("\n")[0]).toBe(
            "Error: failed to register new resource orphan [aws:s3/bucket:Bucket]: Default provider for 'aws' disabled. " +
                "'urn:pulumi:test-us-west-2::component-test::aws:s3/bucket:Bucket::orphan' must use an explicit provider.",
        );
    });

    it("creates with the providers it hands out, in the requested region", async () => {
        const p = await planComponent(({ aws: provider, awsIn }) => {
            new aws.s3.Bucket("here", {}, { provider });
            new aws.s3.Bucket("there", {}, { provider: awsIn("ap-southeast-2") });
        }, { region: "ca-central-1" });
        expect(p.error).toBeUndefined();
        expect(p.regionOf(p.one("aws:s3/bucket:Bucket", "here"))).toBe("ca-central-1");
        expect(p.regionOf(p.one("aws:s3/bucket:Bucket", "there"))).toBe("ap-southeast-2");
        expect(() => p.one("aws:s3/bucket:Bucket")).toThrow(/^expected one aws:s3\/bucket:Bucket, found 2: /);
    });
});
