import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Test files share a worker's module cache: the Pulumi SDK and the pack load once per worker, not once per file.
    // Safe here because every plan sets its own mocks and config (tools/offline/engine.ts).
    isolate: false,
    globalSetup: ["test/helpers/globalSetup.ts"],
    // Planning a stack imports @pulumi/aws (~0.7 s); the first test of a file pays for it.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
