import { defineConfig } from "vitest/config";

// End-to-end: one file, run in order against a running stack in Debian's Chromium.
export default defineConfig({
  test: {
    root: new URL(".", import.meta.url).pathname,
    include: ["**/*.e2e.ts"],
    environment: "node",
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    bail: 0,
  },
});
