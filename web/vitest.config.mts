import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Unit tests only, in Node: no browser and no running stack (the /api proxy test runs its own
// upstream on loopback).
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  test: {
    include: ["src/**/*.test.ts", "server/**/*.test.mjs", "scripts/**/*.test.mjs"],
    environment: "node",
  },
});
