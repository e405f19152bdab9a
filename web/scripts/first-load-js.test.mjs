// The first-load JS check must fail whenever it cannot check: a build without its statistics is
// not "no build". Each case runs the script on a build directory made here.

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const SCRIPT = new URL("./first-load-js.mjs", import.meta.url).pathname;
const dirs = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop(), { recursive: true, force: true });
});

function distDir({ built, stats }) {
  const dir = mkdtempSync(join(tmpdir(), "first-load-js-"));
  dirs.push(dir);
  if (built) writeFileSync(join(dir, "BUILD_ID"), "test-build");
  if (stats) {
    mkdirSync(join(dir, "diagnostics"));
    const chunk = join(dir, "chunk.js");
    writeFileSync(chunk, randomBytes(stats.bytes)); // incompressible: gzip keeps its size
    const rows = [{ route: "/products", firstLoadUncompressedJsBytes: stats.bytes, firstLoadChunkPaths: [chunk] }];
    writeFileSync(join(dir, "diagnostics", "route-bundle-stats.json"), JSON.stringify(rows));
  }
  return dir;
}

function run(dir, ...args) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { env: { ...process.env, MERCATO_WEB_DIST_DIR: dir }, encoding: "utf8" });
  return { code: r.status, out: r.stdout + r.stderr };
}

describe("first-load-js.mjs", () => {
  it("fails with --if-built when a build exists without its statistics", () => {
    const r = run(distDir({ built: true }), "--if-built");
    expect(r.code).toBe(2);
    expect(r.out).toContain("no build statistics");
  });

  it("skips with --if-built only when there is no build at all, and fails without the flag", () => {
    const dir = distDir({ built: false });
    expect(run(dir, "--if-built")).toMatchObject({ code: 0 });
    expect(run(dir).code).toBe(2);
  });

  it("passes under the budget and fails over it", () => {
    const dir = distDir({ built: true, stats: { bytes: 20_000 } });
    expect(run(dir, "--if-built", "--budget", "180")).toMatchObject({ code: 0 });
    const over = run(dir, "--if-built", "--budget", "1");
    expect(over.code).toBe(1);
    expect(over.out).toContain("status=over");
  });
});
