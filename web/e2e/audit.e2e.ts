// The audit trail screen: a product's History link opens it filtered to that product, an
// entry unfolds into the fields its write changed, the action filter narrows it, and keyset
// pages load on "Load more".

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
/** More than one page of the screen (50 entries). */
const MANY = 55;
const made: string[] = [];
let productId = "";
let since = "";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  requireEnv();
  since = new Date(Date.now() - 1000).toISOString();
  const ids = await createProducts(Array.from({ length: MANY }, (_, i) => `E2E Audit ${run} ${i + 1}`));
  made.push(...ids);
  productId = ids[0]!;
  // The change the screen is to show, made by the admin in one bulk call.
  const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD);
  const r = await apiCall<{ succeeded: number }>("POST", "/api/v1/products/bulk", { token, body: { action: "archive", items: [{ id: productId }] } });
  if (r.status !== 200 || r.body.data?.succeeded !== 1) throw new Error(`archiving: ${r.status} ${JSON.stringify(r.body)}`);
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
}, 120_000);

afterAll(async () => {
  try {
    if (made.length) await deleteProducts(made, await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD));
  } finally {
    await browser?.close();
  }
});

function entries(p: Page) {
  return p.locator('[data-testid="audit-entry"]');
}

describe("audit trail", () => {
  it("opens from a product's History link, filtered to it, with each change's diff", async () => {
    await page.goto(`/products/${productId}`);
    await page.getByRole("link", { name: "History" }).click();
    await page.waitForURL((u) => u.pathname === "/audit" && u.searchParams.get("entity_id") === productId);
    await page.getByRole("heading", { name: "Audit trail" }).waitFor();
    await entries(page).first().waitFor();
    // Newest first: the archive, then the create; nothing of any other product.
    expect(await entries(page).evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")))).toEqual([
      "product.update",
      "product.create",
    ]);
    expect(await entries(page).evaluateAll((rows) => rows.every((r) => r.getAttribute("data-entity-id") === rows[0]?.getAttribute("data-entity-id")))).toBe(true);

    const update = entries(page).first();
    await update.getByText("you").waitFor(); // the signed-in admin made it
    await update.getByRole("button", { name: "Show changes" }).click();
    const status = page.locator('[data-testid="diff-row"][data-field="status"]');
    await status.waitFor();
    expect(await status.locator("td").allInnerTexts()).toEqual(["active", "archived"]);
    // Only what changed: not the name, not the bookkeeping every write moves.
    expect(await page.locator('[data-testid="diff-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute("data-field")))).toEqual(["status"]);
  });

  it("narrows to an action and loads older entries on Load more", async () => {
    await page.goto(`/audit?action=product.create&since=${encodeURIComponent(since)}`);
    await page.getByRole("heading", { name: "Audit trail" }).waitFor();
    await entries(page).first().waitFor();
    expect(await entries(page).count()).toBe(50);
    expect(await page.getByRole("combobox", { name: "Action" }).inputValue()).toBe("product.create");
    await page.getByRole("button", { name: "Load more" }).click();
    await page.getByText(/entries loaded — end of trail/).waitFor();
    const actions = await entries(page).evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")));
    expect(actions.length).toBeGreaterThanOrEqual(MANY);
    expect(new Set(actions)).toEqual(new Set(["product.create"]));
  });
});
