// The categories screen and the product form with more categories than one API page holds
// (the server caps a page at 100): the screen pages through them, the form's select offers
// every one. The suite makes 130 categories of its own through the API and removes them after.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiCall, inHelperBatches, launchBrowser, newContext, requireEnv, signIn } from "./support";

const run = Date.now().toString(36);
const COUNT = 130;
const names = Array.from({ length: COUNT }, (_, i) => `E2E Paging ${run} ${String(i + 1).padStart(3, "0")}`);
const ids: string[] = [];

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  requireEnv();
  await inHelperBatches(names, async (name, token) => {
    const r = await apiCall<{ id: string }>("POST", "/api/v1/categories", { token, body: { name } });
    if (r.status !== 201 || !r.body.data) throw new Error(`creating ${name}: ${r.status} ${JSON.stringify(r.body.error)}`);
    ids.push(r.body.data.id);
  });
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

afterAll(async () => {
  try {
    await inHelperBatches([...ids], async (id, token) => {
      await apiCall("DELETE", `/api/v1/categories/${id}`, { token });
    });
  } finally {
    await browser?.close();
  }
});

describe("categories beyond one page", () => {
  it("pages through every category on the categories screen", async () => {
    await page.goto("/categories");
    await page.getByRole("heading", { name: "Categories", exact: true }).waitFor();
    const pager = page.getByRole("navigation", { name: "Pages" });
    const status = await pager.locator("span").innerText();
    const total = Number(/of (\d+)/.exec(status)?.[1] ?? "0");
    expect(total).toBeGreaterThanOrEqual(3); // 130 of ours at 50 a page, and the store's own

    // The last of ours (names sort) is on a later page: Next until it shows, never past the end.
    const last = page.getByRole("link", { name: names[COUNT - 1], exact: true });
    for (let p = 1; p <= total && !(await last.isVisible()); p++) {
      await pager.getByRole("button", { name: "Next" }).click();
      await pager.getByText(`Page ${Math.min(p + 1, total)} of ${total}`).waitFor();
    }
    await last.waitFor();
    expect(await page.locator("tbody tr").count()).toBeLessThanOrEqual(50);
    await pager.getByRole("button", { name: "Previous" }).click();
    await expect(last.isVisible()).resolves.toBe(false);
  });

  it("offers every category in the product form, beyond the first 100", async () => {
    await page.goto("/products/new");
    const select = page.getByRole("combobox", { name: "Category" });
    await select.waitFor();
    await expect
      .poll(async () => (await select.locator("option").allInnerTexts()).filter((t) => t.startsWith(`E2E Paging ${run}`)).length, {
        timeout: 10_000,
      })
      .toBe(COUNT);
  });
});
