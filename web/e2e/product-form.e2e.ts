// The product form's images and attributes: add, remove and reorder images, add and then edit
// attributes; each save survives a reload, and the API holds what the page shows.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_EMAIL, ADMIN_PASSWORD, apiCall, apiLogin, launchBrowser, newContext, requireEnv, signIn } from "./support";

const run = Date.now().toString(36);
const NAME = `E2E Form ${run}`;
let productId = "";

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  requireEnv();
  browser = await launchBrowser();
  context = await newContext(browser);
  page = await context.newPage();
  page.on("dialog", (d) => void d.accept());
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
});

afterAll(async () => {
  try {
    if (productId) await apiCall("DELETE", `/api/v1/products/${productId}`, { token: await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD) });
  } finally {
    await browser?.close();
  }
});

function textbox(p: Page, name: string) {
  return p.getByRole("textbox", { name, exact: true });
}

/** The detail page's images, in order, by their alt text. */
async function galleryAlts(p: Page): Promise<string[]> {
  await p.getByRole("heading", { name: "Images" }).waitFor();
  return p.locator('section[aria-labelledby="d-images"] img').evaluateAll((imgs) => imgs.map((i) => i.getAttribute("alt") ?? ""));
}

async function attributeRows(p: Page): Promise<Record<string, string>> {
  const rows = await p.locator('section[aria-labelledby="d-attrs"] tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector("th")?.textContent ?? "", tr.querySelector("td")?.textContent ?? ""]),
  );
  return Object.fromEntries(rows);
}

describe("product form: images and attributes", () => {
  it("adds, removes and reorders images and adds attributes; a reload shows them", async () => {
    await page.goto("/products/new");
    await textbox(page, "Name").fill(NAME);
    await textbox(page, "SKU").fill(`E2E-F-${run}`.toUpperCase());
    await textbox(page, "Price").fill("9.90");
    await textbox(page, "Stock").fill("3");
    for (let i = 1; i <= 3; i++) {
      await page.getByRole("button", { name: "Add image" }).click();
      await page.getByRole("textbox", { name: `Image ${i} URL` }).fill(`https://img.example.test/${run}/${i}.png`);
      await page.getByRole("textbox", { name: `Image ${i} alt text` }).fill(`picture ${i}`);
    }
    await page.getByRole("button", { name: "Remove image 2" }).click(); // 1, 3
    await page.getByRole("button", { name: "Move image 2 up" }).click(); // 3, 1
    expect(await page.getByRole("textbox", { name: "Image 1 alt text" }).inputValue()).toBe("picture 3");
    await page.getByRole("textbox", { name: "Attributes (JSON)" }).fill('{"colour": "blue", "sizes": ["S", "M"]}');
    await page.getByRole("button", { name: "Create product" }).click();
    await page.waitForURL(/\/products\/[0-9a-f-]{36}$/);
    productId = new URL(page.url()).pathname.split("/").pop() ?? "";

    await page.reload();
    expect(await galleryAlts(page)).toEqual(["picture 3", "picture 1"]);
    expect(await attributeRows(page)).toEqual({ colour: "blue", sizes: "S, M" });
    const api = await apiCall<{ images: { url: string }[]; attributes: Record<string, unknown> }>("GET", `/api/v1/products/${productId}`, {
      token: await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD), // a draft: only staff read it
    });
    expect(api.body.data?.images.map((i) => i.url.split("/").pop())).toEqual(["3.png", "1.png"]);
    expect(api.body.data?.attributes).toEqual({ colour: "blue", sizes: ["S", "M"] });
  });

  it("edits the attributes and an image; a reload shows the edit", async () => {
    await page.goto(`/products/${productId}/edit`);
    const attrs = page.getByRole("textbox", { name: "Attributes (JSON)" });
    await attrs.waitFor();
    expect(JSON.parse(await attrs.inputValue())).toEqual({ colour: "blue", sizes: ["S", "M"] });
    await attrs.fill('{"colour": "red", "material": "clay"}');
    await page.getByRole("textbox", { name: "Image 2 alt text" }).fill("picture one, edited");
    await page.getByRole("button", { name: "Remove image 1" }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL((u) => u.pathname === `/products/${productId}`);

    await page.reload();
    expect(await galleryAlts(page)).toEqual(["picture one, edited"]);
    expect(await attributeRows(page)).toEqual({ colour: "red", material: "clay" });
  });
});
