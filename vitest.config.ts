import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each suite states its budget; nothing here should need more.
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
