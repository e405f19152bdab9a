// Importing products from a CSV file with a bad row (upload in parts, the dry run, the bad
// rows, the run with its progress bar) and exporting the list's current filter as CSV. The
// imports and export APIs are being built on other branches: each part skips, saying why, while
// its API answers 404 on this stack, and runs once it lands.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiCall,
  apiLogin,
  createProducts,
  deleteProducts,
  launchBrowser,
  newContext,
  requireEnv,
  signIn,
} from "./support";

const run = Date.now().toString(36);

/** False when the stack answers `method path` with 404: that API has not landed yet. */
async function available(method: string, path: string, body?: unknown): Promise<boolean> {
  requireEnv();
  try {
    const r = await apiCall(method, path, { token: await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD), body });
    return r.status !== 404;
  } catch (e) {
    // A body that is not JSON (the export's CSV): the route answered, so it exists.
    if (e instanceof SyntaxError) return true;
    throw e;
  }
}

// An empty body is refused (422) by an imports API that exists, so the probe creates nothing.
const IMPORTS = await available("POST", "/api/v1/imports", {});
// A category that does not exist selects nothing: an empty export, or a 422.
const EXPORT = await available("GET", "/api/v1/products/export?category_id=00000000-0000-7000-8000-000000000000");
if (!IMPORTS) console.warn("import-export.e2e: import skipped: POST /api/v1/imports answers 404 (the imports API has not landed on this stack)");
if (!EXPORT) console.warn("import-export.e2e: export skipped: GET /api/v1/products/export answers 404 (the export API has not landed on this stack)");

let browser: Browser;
let context: BrowserContext;
let page: Page;
const made: string[] = [];
let categoryId = "";

beforeAll(async () => {
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

afterAll(async () => {
  try {
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    if (made.length) await deleteProducts(made, token);
    if (categoryId) await apiCall("DELETE", `/api/v1/categories/${categoryId}`, { token });
  } finally {
    await browser?.close();
  }
});

describe.skipIf(!IMPORTS)("import", () => {
  const sku = (n: number) => `E2E-IMP-${run}-${n}`.toUpperCase();
  const csv = [
    "sku,name,price_cents,currency,stock,status",
    `${sku(1)},E2E Import ${run} one,1250,EUR,3,active`,
    `${sku(2)},E2E Import ${run} two,not-a-price,EUR,1,active`,
    `${sku(3)},E2E Import ${run} three,990,EUR,0,draft`,
  ].join("\n");

  it("uploads a file with a bad row, shows the dry run and the bad row, and runs the import", async () => {
    await page.goto("/products/import");
    await page.getByRole("heading", { name: "Import products" }).waitFor();
    await page.getByLabel("CSV file").setInputFiles({ name: `e2e-${run}.csv`, mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("combobox", { name: "Columns" }).selectOption("mercato");
    await page.getByRole("button", { name: "Upload and check" }).click();

    const summary = page.getByTestId("dry-run");
    await summary.waitFor({ timeout: 30_000 });
    expect(await summary.innerText()).toMatch(/Rows\s*3[\s\S]*Valid\s*2[\s\S]*With errors\s*1/i); // labels are upper-cased by CSS
    const bad = page.getByTestId("import-error");
    await bad.first().waitFor();
    expect(await bad.first().innerText()).toMatch(/^3\s/); // the header is line 1
    await page.getByRole("button", { name: "Download the rows with errors (CSV)" }).waitFor();

    await page.getByRole("button", { name: "Run import" }).click();
    await page.getByText("Imported 2 products.").waitFor({ timeout: 60_000 });
    expect(await page.getByRole("progressbar", { name: "Import progress" }).getAttribute("value")).toBe("1");

    // The import wrote in the catalog's job, and this is a new login with no read-after
    // position for it: a search may go to a replica that has not replayed the rows yet
    // (bounded staleness, DB_REPLICA_MAX_LAG; seen: 200 ms after the job ended, nothing). So
    // each product is searched again until it is found, within the bound and then some.
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const n of [1, 3]) {
      let found: { id: string; sku: string } | undefined;
      await expect
        .poll(
          async () => {
            const r = await apiCall<{ id: string; sku: string }[]>("GET", `/api/v2/products?q=${encodeURIComponent(sku(n))}`, { token });
            found = r.body.data?.find((p) => p.sku === sku(n));
            return found !== undefined;
          },
          { timeout: 15_000, message: `imported ${sku(n)}` },
        )
        .toBe(true);
      made.push(found!.id);
    }
  });
});

// Until the imports API lands: the screen says so rather than failing without a word.
describe.skipIf(IMPORTS)("import before its API", () => {
  it("says the server offers no imports yet, and nothing is uploaded", async () => {
    await page.goto("/products/import");
    await page.getByRole("heading", { name: "Import products" }).waitFor();
    const parts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "PUT") parts.push(r.url());
    });
    await page.getByLabel("CSV file").setInputFiles({ name: "a.csv", mimeType: "text/csv", buffer: Buffer.from("sku,name\nA,Mug\n") });
    await page.getByRole("button", { name: "Upload and check" }).click();
    await page.getByText("This server does not offer imports yet").waitFor();
    expect(parts).toEqual([]);
    // The form is usable again.
    expect(await page.getByRole("button", { name: "Upload and check" }).isEnabled()).toBe(true);
  });
});

// The screen against the contract itself, answered in the browser (page.route): parts of at
// most 1 MiB in order with a failed part sent again, the dry run, the bad rows paged, the run
// and its progress. Runs whether or not the API has landed.
describe("import screen against the contract", () => {
  it("uploads 2.5 MiB in three parts (one retried), shows the check and the bad rows, and follows the run", async () => {
    const ctx = await newContext(browser);
    const p = await ctx.newPage();
    try {
      await signIn(p, ADMIN_EMAIL, ADMIN_PASSWORD);
      const id = "0190c3a2-7d4e-7b3a-9c1d-2f6e8a4b5c6d";
      const parts: { n: number; bytes: number; type: string }[] = [];
      let failedOnce = false;
      let polls = 0;
      const envelope = (data: unknown, meta?: unknown, status = 200) => ({
        status,
        contentType: "application/json",
        body: JSON.stringify({ success: true, data, ...(meta ? { meta } : {}) }),
      });
      await p.route(/\/api\/v1\/imports(\/.*)?(\?.*)?$/, async (route) => {
        const req = route.request();
        const path = new URL(req.url()).pathname;
        if (req.method() === "POST" && path === "/api/v1/imports") {
          expect(req.postDataJSON()).toEqual({ filename: "big.csv", mapping: "shopify" });
          return route.fulfill(envelope({ id, state: "receiving" }, undefined, 201));
        }
        const part = /\/parts\/(\d+)$/.exec(path);
        if (req.method() === "PUT" && part) {
          const n = Number(part[1]);
          if (n === 2 && !failedOnce) {
            failedOnce = true;
            return route.fulfill({ status: 503, contentType: "application/json", body: '{"success":false,"error":{"code":"service_unavailable","message":"busy"}}' });
          }
          parts.push({ n, bytes: req.postDataBuffer()?.length ?? 0, type: req.headers()["content-type"] ?? "" });
          return route.fulfill(envelope({ part: n }));
        }
        if (path.endsWith("/finish")) return route.fulfill(envelope({ rows: 20000, valid: 19998, errors: 2, creates: 19000, updates: 998 }));
        if (path.endsWith("/errors")) {
          const cursor = new URL(req.url()).searchParams.get("cursor");
          return cursor
            ? route.fulfill(envelope([{ line: 90, field: "sku", message: "is used twice" }], { next_cursor: null, has_more: false }))
            : route.fulfill(envelope([{ line: 7, field: "price", message: "is not a price" }], { next_cursor: "c2", has_more: true }));
        }
        if (path.endsWith("/run")) return route.fulfill(envelope({ job_id: "j1", rows: 20000, valid: 19998 }, undefined, 202));
        if (path === `/api/v1/imports/${id}`) {
          polls++;
          const done = Math.min(19998, polls * 10000);
          return route.fulfill(envelope({ id, state: done === 19998 ? "succeeded" : "importing", done, valid: 19998 }));
        }
        return route.fulfill({ status: 404, body: "" });
      });

      await p.goto("/products/import");
      const size = 2.5 * 1024 * 1024;
      await p.getByLabel("CSV file").setInputFiles({ name: "big.csv", mimeType: "text/csv", buffer: Buffer.alloc(size, "a,b\n") });
      await p.getByRole("combobox", { name: "Columns" }).selectOption("shopify");
      await p.getByRole("button", { name: "Upload and check" }).click();

      const summary = p.getByTestId("dry-run");
      await summary.waitFor({ timeout: 30_000 });
      expect(parts.map((x) => x.n)).toEqual([1, 2, 3]);
      expect(parts.map((x) => x.bytes)).toEqual([1024 * 1024, 1024 * 1024, size - 2 * 1024 * 1024]);
      expect(parts.every((x) => x.type === "text/csv")).toBe(true);
      expect(await summary.innerText()).toMatch(/Rows\s*20,000[\s\S]*Valid\s*19,998[\s\S]*With errors\s*2/i);
      await p.getByTestId("import-error").first().waitFor();
      await p.getByRole("button", { name: "More errors" }).click();
      await expect.poll(() => p.getByTestId("import-error").count()).toBe(2);
      expect(await p.getByRole("button", { name: "More errors" }).count()).toBe(0);

      await p.getByRole("button", { name: "Run import" }).click();
      await p.getByText("Imported 19,998 products.").waitFor({ timeout: 30_000 });
      expect(polls).toBeGreaterThanOrEqual(2);
    } finally {
      await ctx.close();
    }
  });
});

describe.skipIf(!EXPORT)("export", () => {
  it("downloads the list's current filter as CSV", async () => {
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    const c = await apiCall<{ id: string }>("POST", "/api/v1/categories", { token, body: { name: `E2E Export ${run}` } });
    categoryId = c.body.data?.id ?? "";
    const names = [`E2E Export ${run} a`, `E2E Export ${run} b`];
    made.push(...(await createProducts(names, { category_id: categoryId })));

    // The products were written in the API's session, not the browser's: the browser has no
    // read-after position for them, and its reads may go to a replica that has not replayed
    // them yet (bounded staleness, DB_REPLICA_MAX_LAG). So the page is opened again until it
    // lists both, as a user would press reload; the export that follows is then on the same
    // replica's data.
    const rows = page.locator('[data-testid="product-row"]');
    await expect
      .poll(
        async () => {
          await page.goto(`/products?category=${categoryId}`);
          await page.getByText(/products? loaded|No products/i).first().waitFor();
          return rows.count();
        },
        { timeout: 15_000 },
      )
      .toBe(2);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
    const chunks: Buffer[] = [];
    for await (const c of (await download.createReadStream()) as AsyncIterable<Buffer>) chunks.push(c);
    const text = Buffer.concat(chunks).toString("utf8");
    const lines = text.trim().split(/\r?\n/);
    expect(lines.length).toBe(3); // the header and the category's two products, no other
    for (const n of names) expect(text).toContain(n);
  });
});

describe("download form", () => {
  it("shows the API's refusal of a download instead of leaving the page", async () => {
    // Not a category id: refused whether the export API exists (422) or not yet (404).
    await page.goto("/products?category=not-a-category");
    await page.getByRole("heading", { name: "Products", exact: true }).waitFor();
    let downloads = 0;
    page.on("download", () => downloads++);
    await page.getByRole("button", { name: "Export CSV" }).click();
    const toast = page.getByTestId("toast").filter({ hasText: "Could not download:" });
    await toast.waitFor();
    // The API's own reason, read from the frame (not the fallback for an unreadable frame).
    expect(await toast.innerText()).not.toContain("the server refused it");
    expect(new URL(page.url()).pathname).toBe("/products");
    expect(downloads).toBe(0);
  });
});
