// The operations view end to end, in Debian's Chromium against the running stack and its real
// Prometheus: an admin opens it from the navigation, the charts fill from the gateway's
// /api/v1/admin/ops endpoints, and when this test injects load (some of it rate-limited: 4xx)
// and server errors (a real catalog outage: the gateway answers 5xx), the page itself — live,
// without a reload — shows the spike. A viewer sees neither the link nor the data.
//
// MERCATO_GATEWAY_URL: the gateway, for the load (default the test stack's).
// MERCATO_CTL: how to stop and start the stack's catalog (`./mercato _ctl test`, set by
//   `./mercato test`; for the dev stack "<repo>/mercato _ctl dev").
// MERCATO_E2E_SCREENSHOTS=1: also writes docs/images/operations-*.png (off by default, so a
//   test run never changes tracked files).

import { execFileSync } from "node:child_process";
import http from "node:http";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiCall, apiLogin, launchBrowser, newContext, requireEnv, signIn } from "./support";

const GATEWAY = (process.env.MERCATO_GATEWAY_URL || "http://127.0.0.1:18080").replace(/\/+$/, "");
const CTL = (process.env.MERCATO_CTL || "").split(" ").filter(Boolean);
const SCREENSHOTS = process.env.MERCATO_E2E_SCREENSHOTS === "1";
const DOCS_IMAGES = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "images");
/** Scrapes (2 s in the test stack, 10 s in dev), 1-minute rates and the page's 10 s refresh. */
const SPIKE_TIMEOUT_MS = 120_000;
/** A product id no store holds (the misses' 404s). */
const ABSENT_PRODUCT = "00000000-0000-7000-8000-00000000dead";

const run = Date.now().toString(36);
const VIEWER = { email: `ops-viewer-${run}@e2e-mercato.test`, password: `ops-viewer-pass-${run}-long` };

let browser: Browser;
let admin: BrowserContext;
let page: Page;
let viewerId = "";
let catalogStopped = false;

function ctl(...args: string[]) {
  const [cmd, ...rest] = CTL;
  execFileSync(cmd!, [...rest, ...args], { stdio: ["ignore", "ignore", "pipe"], timeout: 120_000 });
}

/**
 * Load that runs until stopped: each client (a loopback address of its own, so each is its own
 * client to the gateway's rate limit, as separate users are) GETs `path` over one keep-alive
 * connection, one request every `everyMs`. Paced, not flat out: the counters behind the charts
 * are scraped every few seconds, and a series born in the middle of a burst that ends before
 * its second scrape shows no increase at all (Prometheus needs two samples); a sustained load
 * is also what an operator sees in real life. Statuses are tallied ("error": no answer).
 */
class Load {
  readonly seen: Record<string, number> = {};
  private running = true;
  private readonly done: Promise<void>[];

  constructor(sources: string[], path: string, everyMs: number) {
    this.done = sources.map((from) => this.client(from, new URL(GATEWAY + path), everyMs));
  }

  private async client(from: string, url: URL, everyMs: number) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (this.running) {
        const status = await new Promise<string>((resolve) => {
          const req = http.request(
            { host: url.hostname, port: url.port, path: url.pathname + url.search, agent, localAddress: from, timeout: 10_000 },
            (res) => {
              res.resume();
              res.on("end", () => resolve(String(res.statusCode)));
            },
          );
          req.on("timeout", () => req.destroy(new Error("timeout")));
          req.on("error", () => resolve("error"));
          req.end();
        });
        this.seen[status] = (this.seen[status] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, everyMs)); // the load's shape, not a synchronisation
      }
    } finally {
      agent.destroy();
    }
  }

  count(prefix: string): number {
    return Object.entries(this.seen)
      .filter(([s]) => s.startsWith(prefix))
      .reduce((n, [, c]) => n + c, 0);
  }

  async stop() {
    this.running = false;
    await Promise.all(this.done);
  }
}

/** The latest value the page shows for one series of one panel (NaN when it shows none). */
async function latest(p: Page, panel: string, series: string): Promise<number> {
  const v = await p.locator(`[data-panel="${panel}"] li[data-series="${series}"]`).getAttribute("data-latest").catch(() => null);
  return v ? Number(v) : NaN;
}

/** Waits, without reloading, until the page shows `panel`/`series` at `min` or more. */
async function waitForShown(p: Page, panel: string, series: string, min: number) {
  await p.waitForFunction(
    ([panelName, seriesName, least]) => {
      const el = document.querySelector(`[data-panel="${panelName}"] li[data-series="${seriesName}"]`);
      const v = el?.getAttribute("data-latest");
      return !!v && Number(v) >= Number(least);
    },
    [panel, series, String(min)] as const,
    { timeout: SPIKE_TIMEOUT_MS, polling: 500 },
  );
}

async function screenshot(p: Page, name: string) {
  if (!SCREENSHOTS) return;
  mkdirSync(DOCS_IMAGES, { recursive: true });
  await p.screenshot({ path: join(DOCS_IMAGES, `operations-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  requireEnv();
  if (!CTL.length) throw new Error("set MERCATO_CTL (how to stop and start the stack's catalog: ./mercato _ctl <stack>)");
  browser = await launchBrowser();
  admin = await newContext(browser);
  page = await admin.newPage();
});

afterAll(async () => {
  try {
    if (catalogStopped) ctl("svc:catalog", "start");
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD).catch(() => "");
    if (token && viewerId) await apiCall("DELETE", `/api/v1/users/${viewerId}`, { token });
  } finally {
    await browser?.close();
  }
});

describe("operations view", () => {
  // Up to a minute for the gateway's first rate (two scrapes of a fresh stack's Prometheus).
  it("is in the admin's navigation and fills every chart from the stack's Prometheus", { timeout: 90_000 }, async () => {
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operations" }).click();
    await page.waitForURL((u) => u.pathname === "/operations");
    await page.getByRole("heading", { name: "Operations", level: 1 }).waitFor();
    for (const name of ["rate", "errors", "latency_p50", "latency_p99", "cache_hit_ratio", "db_pool_saturation", "alerts_firing"])
      await page.locator(`[data-panel="${name}"]`).waitFor();
    // Each chart names itself to assistive technology and states its numbers in text.
    await page.getByRole("img", { name: "Requests per second" }).waitFor();
    await page.locator('[data-panel="rate"] li[data-series="gateway"]').waitFor({ timeout: 60_000 });
    await page.getByRole("heading", { name: "Alerts", exact: true }).waitFor();
    await page.locator('[data-testid="ops-alert"], [data-testid="ops-no-alerts"]').first().waitFor();
    await page.locator('[data-testid="slow-request"]').first().waitFor();
    await screenshot(page, "overview");
  });

  it("shows the spike of injected load and server errors live, with the slowest requests' ids", { timeout: 240_000 }, async () => {
    const rateBefore = await latest(page, "rate", "gateway");
    const clientErrorsBefore = (await latest(page, "client_errors", "gateway")) || 0;
    const updatedBefore = await page.getByTestId("ops-updated").getAttribute("data-end");

    // Load: eight clients, five product reads a second each, and four more asking five times a
    // second for a product that does not exist: their 404s are the client errors. (Not 429s:
    // the suite's gateway has no rate limit, which one dashboard user at test speed would
    // spend: scripts/test.sh, web_e2e.)
    const load = new Load(Array.from({ length: 8 }, (_, i) => `127.0.0.${60 + i}`), "/api/v1/products?per_page=5", 200);
    const misses = new Load(Array.from({ length: 4 }, (_, i) => `127.0.0.${74 + i}`), `/api/v1/products/${ABSENT_PRODUCT}`, 200);
    let outage: Load | undefined;
    try {
      await waitForShown(page, "rate", "gateway", (Number.isFinite(rateBefore) ? rateBefore : 0) + 5);
      await waitForShown(page, "client_errors", "gateway", clientErrorsBefore + 0.5);

      // Server errors: the catalog goes away, and the gateway answers its routes with 502/503
      // (four more clients read categories meanwhile), until the page shows them.
      ctl("svc:catalog", "stop");
      catalogStopped = true;
      outage = new Load(Array.from({ length: 4 }, (_, i) => `127.0.0.${70 + i}`), "/api/v1/categories", 200);
      await waitForShown(page, "errors", "gateway", 0.05);
    } finally {
      await outage?.stop();
      await misses.stop();
      await load.stop();
      if (catalogStopped) {
        ctl("svc:catalog", "start");
        catalogStopped = false;
      }
    }
    expect(load.count("2")).toBeGreaterThan(100);
    expect(misses.count("404")).toBeGreaterThan(0);
    expect(outage!.count("5")).toBeGreaterThan(0);
    // All of it seen live: the page refreshed by itself, no reload.
    expect(await page.getByTestId("ops-updated").getAttribute("data-end")).not.toBe(updatedBefore);
    const max = Number(await page.locator('[data-panel="rate"]').getAttribute("data-max"));
    expect(max).toBeGreaterThanOrEqual((Number.isFinite(rateBefore) ? rateBefore : 0) + 5);

    // The slowest requests, slowest first, each with the id it was answered with.
    const rows = page.locator('[data-testid="slow-request"]');
    await rows.first().waitFor();
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-request-id") ?? ""));
    expect(ids.length).toBeGreaterThan(0);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
    await screenshot(page, "spike");

    // The catalog is back: wait for it before leaving (the suite's other tests need it).
    await expect
      .poll(async () => (await apiCall("GET", "/api/v1/categories")).status, { timeout: 60_000, interval: 500 })
      .toBe(200);
  });

  it("is neither offered to nor readable by a viewer", async () => {
    const created = await apiCall<{ id: string }>("POST", "/api/v1/users", {
      token: await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD),
      body: { email: VIEWER.email, password: VIEWER.password, role: "viewer", name: "Ops Viewer" },
    });
    expect(created.status).toBe(201);
    viewerId = created.body.data?.id ?? "";
    const context = await newContext(browser);
    try {
      const viewer = await context.newPage();
      await signIn(viewer, VIEWER.email, VIEWER.password);
      expect(await viewer.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Operations" }).count()).toBe(0);
      await viewer.goto("/operations");
      await viewer.getByRole("heading", { name: "Admins only" }).waitFor();
      const token = await apiLogin(VIEWER.email, VIEWER.password);
      const r = await apiCall("GET", "/api/v1/admin/ops/series?panel=rate", { token });
      expect(r.status).toBe(403);
      expect(r.body.error?.code).toBe("forbidden");
    } finally {
      await context.close();
    }
  });
});
