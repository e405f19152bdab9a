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
  const r = await apiCall(method, path, { token: await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD), body });
  return r.status !== 404;
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
    expect(await summary.innerText()).toMatch(/Rows\s*3[\s\S]*Valid\s*2[\s\S]*With errors\s*1/);
    const bad = page.getByTestId("import-error");
    await bad.first().waitFor();
    expect(await bad.first().innerText()).toMatch(/^3\s/); // the header is line 1
    await page.getByRole("button", { name: "Download the rows with errors (CSV)" }).waitFor();

    await page.getByRole("button", { name: "Run import" }).click();
    await page.getByText("Imported 2 products.").waitFor({ timeout: 60_000 });
    expect(await page.getByRole("progressbar", { name: "Import progress" }).getAttribute("value")).toBe("1");

    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const n of [1, 3]) {
      const r = await apiCall<{ id: string; sku: string }[]>("GET", `/api/v2/products?q=${encodeURIComponent(sku(n))}`, { token });
      const found = r.body.data?.find((p) => p.sku === sku(n));
      expect(found, `imported ${sku(n)}`).toBeDefined();
      made.push(found!.id);
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

    await page.goto(`/products?category=${categoryId}`);
    await page.locator('[data-testid="product-row"]').first().waitFor();
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
