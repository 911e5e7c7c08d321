import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    globalSetup: ["test/helpers/globalSetup.ts"],
    // Planning a stack imports @pulumi/aws (~0.7 s); the first test of a file pays for it.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
