import { describe, expect, it } from "vitest";
import { parseBillingConfig } from "../../../stacks/config/billing";
import { loadProject, loadStackFile } from "../../../tools/offline/project";
import { problemsOf } from "../../helpers/config";
import { PROJECT_DIR } from "../../helpers/plan";

const file = (stack: string) => ({ ...loadStackFile(loadProject(PROJECT_DIR), stack).config });

describe("billing stack file", () => {
    it("parses the committed files: the seed's caps, 80 % warnings, the prod LLM budget over Amazon Bedrock", () => {
        expect(parseBillingConfig("billing", file("billing")).budgets).toEqual({
            subscribers: ["finops@intelgraph.example.com", "finance@intelgraph.example.com"],
            infraMonthlyUsd: 18000,
            llm: { monthlyUsd: 5000, services: ["Amazon Bedrock"] },
            warnAtPercent: 80,
        });
        expect(parseBillingConfig("staging-billing", file("staging-billing")).budgets).toMatchObject({ infraMonthlyUsd: 3000, warnAtPercent: 80 });
    });

    it("refuses a region, an unknown budget key, no subscriber and a misnamed stack, naming file and key", () => {
        const c = file("billing");
        const budgets = JSON.parse(c["intelgraph:budgets"] ?? "{}") as Record<string, unknown>;
        const problems = problemsOf(() => parseBillingConfig("budgets", { ...c, "aws:region": "us-west-2", "intelgraph:budgets": JSON.stringify({ ...budgets, subscribers: [], cap: 1 }) }));
        expect(problems.map((p) => [p.file, p.key])).toEqual([
            ["Pulumi.budgets.yaml", "aws:region"],
            ["Pulumi.budgets.yaml", "intelgraph:budgets.subscribers"],
            ["Pulumi.budgets.yaml", "intelgraph:budgets.cap"],
        ]);
        expect(problems[0].allowed).toBe("unset: AWS Budgets is account-wide (its API is served from us-east-1)");
        expect(problems[1].allowed).toBe("at least one email address");
        expect(problems[2].allowed).toBe("no such key in intelgraph:budgets; its keys are subscribers, infraMonthlyUsd, llm, warnAtPercent");
        expect(problemsOf(() => parseBillingConfig("budgets", c))).toEqual([
            { file: "Pulumi.budgets.yaml", key: "intelgraph:environment", value: "prod", allowed: 'the environment the stack "budgets" is named after: the prod billing stack is named billing or prod-billing' },
        ]);
    });
});
