/**
 * Plans both stacks once per test run (normal and preview) and hands the recorded graphs to every test file,
 * so each file does not pay the SDK import and the plan again. Tests that change config plan on their own.
 */
import * as path from "node:path";
import type { TestProject } from "vitest/node";
import { type PlannedStack, planStacks } from "../../tools/offline/engine";

declare module "vitest" {
    export interface ProvidedContext {
        plannedStacks: PlannedStack[];
        previewedStacks: PlannedStack[];
    }
}

export default async function setup(project: TestProject): Promise<void> {
    const projectDir = path.resolve(__dirname, "../..");
    project.provide("plannedStacks", await planStacks({ projectDir }));
    project.provide("previewedStacks", await planStacks({ projectDir, preview: true }));
}
