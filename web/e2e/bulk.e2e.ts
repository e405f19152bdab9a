// The products list's bulk bar at scale: 150 products of one category (made through the API by
// the helper admins: more writes than one user's 100 a minute), selected on the page and
// archived in one bulk call, then undone; then every product the category filter matches,
// archived by a background job with its progress bar, and undone.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  apiCall,
  apiLogin,
  countProducts,
  createProducts,
  deleteProducts,
  launchBrowser,
  newContext,
  requireEnv,
  signIn,
} from "./support";

const run = Date.now().toString(36);
const COUNT = 150;
let categoryId = "";
let ids: string[] = [];

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  requireEnv();
  const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
  const c = await apiCall<{ id: string }>("POST", "/api/v1/categories", { token, body: { name: `E2E Bulk ${run}` } });
  if (c.status !== 201 || !c.body.data) throw new Error(`creating the category: ${c.status} ${JSON.stringify(c.body.error)}`);
  categoryId = c.body.data.id;
  ids = await createProducts(
    Array.from({ length: COUNT }, (_, i) => `E2E Bulk ${run} ${String(i + 1).padStart(3, "0")}`),
    { category_id: categoryId },
  );
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  page.on("dialog", (d) => void d.accept());
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
}, 120_000);

afterAll(async () => {
  try {
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    if (ids.length) await deleteProducts(ids, token);
    if (categoryId) await apiCall("DELETE", `/api/v1/categories/${categoryId}`, { token: await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD) });
  } finally {
    await browser?.close();
  }
});

async function statusCounts() {
  const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
  const [active, archived] = await Promise.all([
    countProducts(token, { category_id: categoryId, status: "active" }),
    countProducts(token, { category_id: categoryId, status: "archived" }),
  ]);
  return { active, archived };
}

async function openCategory() {
  await page.goto(`/products?category=${categoryId}`);
  await page.getByRole("heading", { name: "Products", exact: true }).waitFor();
  await page.locator('[data-testid="product-row"]').first().waitFor();
}

describe("bulk actions", () => {
  it("selects 150 products on the page, archives them in one call, and undoes it", async () => {
    await openCategory();
    // Every row of the category loaded (100 a page): the list says when it reached the end.
    const footer = page.getByText(/products? loaded/);
    for (let i = 0; i < 5 && !(await footer.innerText()).includes("end of list"); i++) {
      const more = page.getByRole("button", { name: "Load more" });
      if (await more.isVisible()) await more.click();
      await page.waitForTimeout(300);
    }
    await page.getByText(`${COUNT} products loaded — end of list`).waitFor();

    const bulkCalls: number[] = [];
    page.on("request", (r) => {
      if (new URL(r.url()).pathname === "/api/v1/products/bulk") bulkCalls.push((r.postDataJSON() as { items?: unknown[] }).items?.length ?? -1);
    });
    await page.getByRole("checkbox", { name: "Select all loaded products" }).check();
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await bar.getByText(`${COUNT} products selected`).waitFor();
    await bar.getByRole("button", { name: "Archive", exact: true }).click();

    const toast = page.getByTestId("toast").filter({ hasText: `Archived ${COUNT} products.` });
    await toast.waitFor();
    expect(bulkCalls).toEqual([COUNT]); // one call by ids, below the API's 1,000
    await expect.poll(statusCounts, { timeout: 10_000 }).toEqual({ active: 0, archived: COUNT });
    // The list shows what the server now holds.
    await expect.poll(() => page.locator('[data-testid="product-row"]').first().innerText()).toContain("Archived");

    await toast.getByRole("button", { name: "Undo" }).click();
    await page.getByTestId("toast").filter({ hasText: `Undone for ${COUNT} products.` }).waitFor();
    expect(bulkCalls).toEqual([COUNT, COUNT]);
    await expect.poll(statusCounts, { timeout: 10_000 }).toEqual({ active: COUNT, archived: 0 });
    await expect.poll(() => page.locator('[data-testid="product-row"]').first().innerText()).toContain("Active");
  });

  it("archives every product the filter matches as a job with a progress bar, and undoes it", async () => {
    await openCategory();
    await page.getByText(/100 products loaded/).waitFor(); // one page of the 150: more exist
    await page.getByRole("checkbox", { name: "Select all loaded products" }).check();
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await bar.getByRole("button", { name: `Select all ${COUNT} matching` }).click();
    await bar.getByText(`All ${COUNT} matching products selected`).waitFor();

    const jobPolls: string[] = [];
    page.on("response", (r) => {
      if (new URL(r.url()).pathname.startsWith("/api/v1/jobs/")) jobPolls.push(new URL(r.url()).pathname);
    });
    await bar.getByRole("button", { name: "Archive", exact: true }).click();
    const toast = page.getByTestId("toast").filter({ hasText: `Archived ${COUNT} products.` });
    await toast.waitFor({ timeout: 20_000 });
    expect(jobPolls.length).toBeGreaterThan(0);
    await expect.poll(statusCounts, { timeout: 10_000 }).toEqual({ active: 0, archived: COUNT });

    await toast.getByRole("button", { name: "Undo" }).click();
    await page.getByTestId("toast").filter({ hasText: `Undone: ${COUNT} products active again.` }).waitFor({ timeout: 20_000 });
    await expect.poll(statusCounts, { timeout: 10_000 }).toEqual({ active: COUNT, archived: 0 });
  });

  it("lists the items the server refused, with its reason", async () => {
    // One product changed by someone else after the page loaded it: its ETag is stale (412).
    await openCategory();
    const first = page.locator('[data-testid="product-row"]').first();
    const id = (await first.getAttribute("data-product-id")) ?? "";
    const name = await first.getByRole("link").first().innerText();
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect((await apiCall("PATCH", `/api/v1/products/${id}`, { token, body: { stock: 7 }, ifMatch: "*" })).status).toBe(200);

    await first.getByRole("checkbox").check();
    await page.locator('[data-testid="product-row"]').nth(1).getByRole("checkbox").check();
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await bar.getByRole("textbox", { name: "Price change" }).fill("10");
    await bar.getByRole("button", { name: "Adjust price" }).click();
    await page.getByTestId("toast").filter({ hasText: "Repriced 1 product; 1 could not be changed." }).waitFor();
    const failures = bar.getByRole("alert");
    await failures.getByText("1 product not repriced").waitFor();
    await failures.getByText(name).waitFor();
    expect(await failures.innerText()).toContain("412");
  });

  it("deletes selected products in one call and undoes it by restoring them", async () => {
    await openCategory();
    const rows = page.locator('[data-testid="product-row"]');
    const picked = [await rows.nth(2).getAttribute("data-product-id"), await rows.nth(3).getAttribute("data-product-id")];
    await rows.nth(2).getByRole("checkbox").check();
    await rows.nth(3).getByRole("checkbox").check();
    const bar = page.getByRole("region", { name: "Bulk actions" });
    await bar.getByRole("button", { name: "Delete", exact: true }).click(); // confirm() accepted
    const toast = page.getByTestId("toast").filter({ hasText: "Deleted 2 products." });
    await toast.waitFor();
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const id of picked) expect((await apiCall("GET", `/api/v1/products/${id}`, { token })).status).toBe(404);

    await toast.getByRole("button", { name: "Undo" }).click();
    await page.getByTestId("toast").filter({ hasText: "Undone for 2 products." }).waitFor();
    const again = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    for (const id of picked) expect((await apiCall("GET", `/api/v1/products/${id}`, { token: again })).status).toBe(200);
  });
});
