/** The offline evaluator behaves as CrossGuard's analyzer where rules can tell the difference. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { evaluatePolicies } from "../../../tools/offline/policy";
import { stackResources } from "../../helpers/policy";

const rule = (name: string, validateResource: ResourceValidationPolicy["validateResource"]): ResourceValidationPolicy => ({
    name,
    description: "test rule",
    enforcementLevel: "mandatory",
    validateResource,
});

describe("offline policy evaluator", () => {
    it("refuses a rule that writes to its props (they are shared between rules), and the next rule sees the original", async () => {
        const resources = (await stackResources("us-west-2")).filter((r) => r.type === "aws:kms/key:Key");
        const writer = rule("writer", (args) => {
            (args.props.tags as Record<string, string>).owner = "someone-else";
        });
        await expect(evaluatePolicies(resources, [writer])).rejects.toThrow(/policy rules must not modify the resource properties they are given/);

        const seen: unknown[] = [];
        const reader = rule("reader", (args) => {
            seen.push(args.props.deletionWindowInDays);
        });
        const deleter = rule("deleter", (args) => {
            delete (args.props as Record<string, unknown>).deletionWindowInDays;
        });
        await expect(evaluatePolicies(resources, [deleter, reader])).rejects.toThrow(/must not modify/);
        await evaluatePolicies(resources, [reader]);
        expect(seen).toEqual([30]);
    });

    it("still reports a rule that reads a value unknown at preview as can't-run (unknown detection survives the read-only view)", async () => {
        const resources = (await stackResources("us-west-2", true)).filter((r) => r.type === "aws:eks/cluster:Cluster");
        const reader = rule("reads-unknown", (args) => {
            // The cluster role's ARN is an output of a role created in the same preview.
            void (args.props.roleArn as string).length;
        });
        const result = await evaluatePolicies(resources, [reader]);
        expect(result.summary.cantRunDuringPreview).toBe(1);
        expect(result.violations[0].message).toMatch(/^can't run policy 'reads-unknown' during preview/);
    });
});
