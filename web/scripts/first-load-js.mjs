#!/usr/bin/env node
// Reports the first-load JavaScript of each route of the last `next build`, gzipped, and fails
// when the products page is over its budget.
//
// Next 16 no longer prints sizes; it writes <distDir>/diagnostics/route-bundle-stats.json with the
// chunks every route loads first (dynamic imports such as ProductTable are not among them). Each
// chunk is gzipped here at level 9, as a server would send it, and the sizes are added up.
//
// Usage: node scripts/first-load-js.mjs [--route /products] [--budget 180] [--if-built]
//   distDir: $MERCATO_WEB_DIST_DIR (relative to web/ or absolute), else the newest of .next/dev,
//     .next/test, .next.
//   --if-built: exit 0 with a note when there is no build at all (no BUILD_ID: `npm test` before
//     any build). A build without its statistics still fails: the budget cannot be checked, and
//     a check that cannot run must not pass.
// Prints one machine-readable line: FIRST_LOAD_JS route=/products gzip_kb=… budget_kb=… status=…

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const route = opt("--route", "/products");
const budgetKb = Number(opt("--budget", process.env.FIRST_LOAD_BUDGET_KB || "180"));
const ifBuilt = args.includes("--if-built");

function findDistDir() {
  if (process.env.MERCATO_WEB_DIST_DIR) return process.env.MERCATO_WEB_DIST_DIR;
  const candidates = [".next/dev", ".next/test", ".next"]
    .map((d) => ({ d, id: join(webDir, d, "BUILD_ID") }))
    .filter((c) => existsSync(c.id))
    .sort((a, b) => statSync(b.id).mtimeMs - statSync(a.id).mtimeMs);
  return candidates[0]?.d ?? ".next";
}

const distDir = findDistDir();
const distPath = resolve(webDir, distDir);
const statsFile = join(distPath, "diagnostics", "route-bundle-stats.json");
if (ifBuilt && !existsSync(join(distPath, "BUILD_ID"))) {
  console.log(`first-load JS: skipped (no build in ${distPath}: run \`next build\` first)`);
  process.exit(0);
}
if (!existsSync(statsFile)) {
  console.error(`first-load JS: no build statistics at ${statsFile}: the budget cannot be checked (run \`next build\`)`);
  process.exit(2);
}

const stats = JSON.parse(readFileSync(statsFile, "utf8"));
const gzCache = new Map();
function gzipBytes(chunk) {
  if (!gzCache.has(chunk)) {
    const file = resolve(webDir, chunk);
    gzCache.set(chunk, gzipSync(readFileSync(file), { level: 9 }).length);
  }
  return gzCache.get(chunk);
}

const kb = (n) => (n / 1000).toFixed(1);
const rows = stats
  .map((r) => ({
    route: r.route,
    raw: r.firstLoadUncompressedJsBytes,
    gzip: r.firstLoadChunkPaths.reduce((sum, c) => sum + gzipBytes(c), 0),
    chunks: r.firstLoadChunkPaths.length,
  }))
  .sort((a, b) => a.route.localeCompare(b.route));

console.log(`First-load JS per route (${distDir}; kB = 1000 bytes; gzip level 9)`);
console.log(`  ${"route".padEnd(24)} ${"gzip kB".padStart(8)} ${"raw kB".padStart(8)} chunks`);
for (const r of rows)
  console.log(`  ${r.route.padEnd(24)} ${kb(r.gzip).padStart(8)} ${kb(r.raw).padStart(8)} ${String(r.chunks).padStart(6)}`);

const target = rows.find((r) => r.route === route);
if (!target) {
  console.error(`first-load JS: route ${route} is not in the build`);
  process.exit(2);
}
const over = target.gzip > budgetKb * 1000;
console.log(
  `FIRST_LOAD_JS route=${route} gzip_kb=${kb(target.gzip)} raw_kb=${kb(target.raw)} budget_kb=${budgetKb} status=${over ? "over" : "ok"}`,
);
if (over) {
  console.error(`first-load JS of ${route} is ${kb(target.gzip)} kB gzipped, over the ${budgetKb} kB budget`);
  process.exit(1);
}
