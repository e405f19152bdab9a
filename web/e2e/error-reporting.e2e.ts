// Browser errors and traces, end to end: a real uncaught error and real failed fetches in the
// dashboard reach the gateway (POST /api/v1/rum/errors) and are counted on its metrics endpoint
// (MERCATO_GATEWAY_METRICS_URL), and every API fetch of the dashboard carries a well-formed W3C
// traceparent, fresh per request.

import type { Browser, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, launchBrowser, newContext, requireEnv, signIn } from "./support";

const METRICS_URL = (process.env.MERCATO_GATEWAY_METRICS_URL || "").replace(/\/+$/, "");
const TRACEPARENT = /^00-(?!0{32})([0-9a-f]{32})-(?!0{16})[0-9a-f]{16}-0[01]$/;
const run = Date.now().toString(36);

let browser: Browser;
let page: Page;
/** Every request the page sent to /api, in order. */
const apiRequests: Request[] = [];
/** The bodies of the error reports the page sent, parsed. */
const reports: { page: string; errors: Record<string, unknown>[] }[] = [];

async function errorCount(kind: string): Promise<number> {
  const text = await (await fetch(`${METRICS_URL}/metrics`)).text();
  const m = new RegExp(`^web_errors_total\\{kind="${kind}"\\} (\\S+)$`, "m").exec(text);
  return m ? Number(m[1]) : 0;
}

/** Polls `check` until it returns true; fails after `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const reported = (pred: (e: Record<string, unknown>) => boolean) => reports.flatMap((r) => r.errors).filter(pred);

beforeAll(async () => {
  requireEnv();
  if (!METRICS_URL) throw new Error("set MERCATO_GATEWAY_METRICS_URL (the gateway's internal metrics listener)");
  browser = await launchBrowser();
  const context = await newContext(browser);
  page = await context.newPage();
  page.on("request", (r) => {
    const path = new URL(r.url()).pathname;
    if (!path.startsWith("/api/")) return;
    apiRequests.push(r);
    if (path === "/api/v1/rum/errors") reports.push(JSON.parse(r.postData() ?? "{}"));
  });
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

afterAll(async () => {
  await browser?.close();
});

describe("browser errors reach the gateway", () => {
  it("an uncaught error is reported and counted as kind js", async () => {
    const before = await errorCount("js");
    const message = `e2e provoked error ${run}`;
    await page.evaluate((m) => {
      setTimeout(() => {
        throw new Error(m);
      }, 0);
    }, message);
    await until("the js error report", () => reported((e) => String(e.message).includes(message)).length === 1);
    const [e] = reported((x) => String(x.message).includes(message));
    expect(e).toMatchObject({ kind: "js", message: `Error: ${message}` });
    await until("web_errors_total{kind=js} to rise", async () => (await errorCount("js")) >= before + 1);
  });

  it("a fetch that gets no answer is reported with its trace id, and the page says so", async () => {
    const before = await errorCount("fetch");
    await page.route("**/api/v1/categories*", (route) => route.abort("failed"));
    // A fresh load (the session comes back from the refresh cookie): the products page may have
    // cached the categories already, and SWR would then keep showing them.
    await page.goto("/categories");
    // The page shows the error once SWR's retries (1 s, 2 s, 4 s, with jitter) are spent.
    const alert = page.getByRole("alert").filter({ hasText: "Could not load categories" });
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain("The server cannot be reached");

    const failed = apiRequests.filter((r) => new URL(r.url()).pathname === "/api/v1/categories");
    expect(failed.length).toBeGreaterThan(0);
    const traceIds = failed.map((r) => TRACEPARENT.exec(r.headers().traceparent ?? "")?.[1]);
    await until("the failed fetch's report", () => reported((e) => e.kind === "fetch" && e.status === 0).length > 0);
    const [report] = reported((e) => e.kind === "fetch" && e.status === 0);
    expect(report).toMatchObject({ method: "GET", url: "/api/v1/categories", status: 0 });
    expect(traceIds).toContain(report?.trace_id);
    await until("web_errors_total{kind=fetch} to rise", async () => (await errorCount("fetch")) >= before + 1);
    await page.unroute("**/api/v1/categories*");
  }, 90_000);

  it("a 5xx shows the request id the gateway answered with, and is reported with it", async () => {
    const requestId = `e2e-${run}-503`;
    const before = await errorCount("fetch");
    // The gateway's own 503 (what it answers while the catalog is down), so the stack keeps serving.
    await page.route("**/api/v1/categories*", (route) =>
      route.fulfill({
        status: 503,
        headers: { "Content-Type": "application/json", "X-Request-ID": requestId },
        body: JSON.stringify({ success: false, error: { code: "service_unavailable", message: "catalog unavailable" } }),
      }),
    );
    await page.getByRole("button", { name: "Try again" }).click();
    await until(
      "the request id on the page",
      async () =>
        ((await page.getByRole("alert").filter({ hasText: "Could not load categories" }).textContent()) ?? "").includes(
          `(request id ${requestId})`,
        ),
      30_000,
    );
    await until("the 5xx report", () => reported((e) => e.request_id === requestId).length === 1);
    expect(reported((e) => e.request_id === requestId)[0]).toMatchObject({ kind: "fetch", status: 503, url: "/api/v1/categories" });
    await until("web_errors_total{kind=fetch} to rise", async () => (await errorCount("fetch")) >= before + 1);
    await page.unroute("**/api/v1/categories*");
  }, 90_000);
});

describe("traces", () => {
  it("every API fetch of the dashboard carries its own well-formed traceparent", async () => {
    await page.getByRole("link", { name: "Products" }).click();
    const isList = (r: Request) => /^\/api\/v[12]\/products$/.test(new URL(r.url()).pathname);
    await until("the product list fetch", () => apiRequests.some(isList));
    const calls = apiRequests.filter((r) => !new URL(r.url()).pathname.startsWith("/api/v1/rum"));
    const paths = new Set(calls.map((r) => new URL(r.url()).pathname));
    expect(paths).toContain("/api/v1/auth/login");
    expect(paths).toContain("/api/v1/categories");
    const ids = calls.map((r) => {
      const header = r.headers().traceparent ?? "";
      expect(header, `${r.method()} ${r.url()}`).toMatch(TRACEPARENT);
      return TRACEPARENT.exec(header)?.[1];
    });
    expect(new Set(ids).size).toBe(ids.length);
  });
});
