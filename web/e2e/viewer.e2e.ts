// What a viewer sees: the catalog read-only. No bulk bar or row selection, no write buttons,
// no import, no audit trail (the API refuses it to viewers too), but the CSV export, a read.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiCall, apiLogin, createProducts, deleteProducts, launchBrowser, newContext, requireEnv, signIn } from "./support";

const run = Date.now().toString(36);
const VIEWER = { email: `viewer-ro-${run}@e2e-mercato.test`, password: `viewer-pass-${run}-long`, name: "E2E Read Only" };
let viewerId = "";
let productId = "";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  requireEnv();
  const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
  const r = await apiCall<{ id: string }>("POST", "/api/v1/users", { token, body: { ...VIEWER, role: "viewer" } });
  if (r.status !== 201 || !r.body.data) throw new Error(`creating the viewer: ${r.status} ${JSON.stringify(r.body.error)}`);
  viewerId = r.body.data.id;
  productId = (await createProducts([`E2E Viewer ${run}`]))[0] ?? "";
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  await signIn(page, VIEWER.email, VIEWER.password);
}, 60_000);

afterAll(async () => {
  try {
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
    if (productId) await deleteProducts([productId], token);
    if (viewerId) await apiCall("DELETE", `/api/v1/users/${viewerId}`, { token });
  } finally {
    await browser?.close();
  }
});

describe("a viewer", () => {
  it("reads the products list without selection, bulk bar, or write buttons", async () => {
    await page.goto("/products");
    await page.getByRole("heading", { name: "Products", exact: true }).waitFor();
    await page.locator('[data-testid="product-row"]').first().waitFor();
    expect(await page.getByRole("checkbox").count()).toBe(0);
    expect(await page.getByRole("region", { name: "Bulk actions" }).count()).toBe(0);
    expect(await page.getByRole("link", { name: /new product/i }).count()).toBe(0);
    expect(await page.getByRole("link", { name: /import/i }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /delete|archive|edit/i }).count()).toBe(0);
    await page.getByRole("button", { name: "Export CSV" }).waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Audit" }).count()).toBe(0);
  });

  it("sees a product without Edit, Delete or History", async () => {
    await page.goto(`/products/${productId}`);
    await page.getByRole("heading", { name: `E2E Viewer ${run}` }).waitFor();
    for (const name of ["Edit", "History"]) expect(await page.getByRole("link", { name, exact: true }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Delete" }).count()).toBe(0);
  });

  it("is told the audit trail and the import are for editors and admins", async () => {
    await page.goto("/audit");
    await page.getByText("Editors and admins only").waitFor();
    expect(await page.locator('[data-testid="audit-entry"]').count()).toBe(0);
    await page.goto("/products/import");
    await page.getByText("Editors and admins only").waitFor();
  });
});
