#!/usr/bin/env node
// Screenshots of the main pages into the repository's docs/screenshots/, from a running dashboard (for example
// against the dev stack). Usage:
//   MERCATO_WEB_URL=http://127.0.0.1:13000 MERCATO_E2E_EMAIL=… MERCATO_E2E_PASSWORD=… node scripts/screenshots.mjs

import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const base = process.env.MERCATO_WEB_URL || "http://127.0.0.1:13000";
const email = process.env.MERCATO_E2E_EMAIL;
const password = process.env.MERCATO_E2E_PASSWORD;
if (!email || !password) throw new Error("set MERCATO_E2E_EMAIL and MERCATO_E2E_PASSWORD");
const out = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "docs", "screenshots");
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const shot = (name) => page.screenshot({ path: join(out, `${name}.png`) });

  await page.goto("/login");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await shot("login");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => u.pathname === "/products");
  await page.getByTestId("product-row").first().waitFor();
  await page.getByRole("checkbox").nth(2).check();
  await page.getByRole("checkbox").nth(3).check();
  await shot("products");

  const href = await page.getByTestId("product-row").first().getByRole("link").first().getAttribute("href");
  await page.goto(href);
  await page.getByTestId("product-price").waitFor();
  await shot("product-detail");

  await page.goto(`${href}/edit`);
  await page.getByRole("button", { name: "Save changes" }).waitFor();
  await page.getByRole("textbox", { name: "Price", exact: true }).fill("-3");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.waitForTimeout(300);
  await shot("product-edit-validation");

  // Someone else saves the product while this form is open: the 412 flow.
  await page.goto(`${href}/edit`);
  await page.getByRole("button", { name: "Save changes" }).waitFor();
  const api = async (method, path, body, headers = {}) => {
    const r = await fetch(base + path, { method, headers: { "Content-Type": "application/json", ...headers }, body: body && JSON.stringify(body) });
    return { etag: r.headers.get("ETag"), json: await r.json().catch(() => null) };
  };
  const token = (await api("POST", "/api/v1/auth/login", { email, password })).json.data.access_token;
  const current = await api("GET", `/api/v1/products${href.slice("/products".length)}`);
  await api("PATCH", `/api/v1/products${href.slice("/products".length)}`, { stock: 7, price_cents: 4200 }, { Authorization: `Bearer ${token}`, "If-Match": current.etag });
  await page.getByRole("textbox", { name: "Stock", exact: true }).fill("12");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByTestId("conflict").waitFor();
  await shot("product-edit-conflict");

  page.on("dialog", (d) => void d.accept());
  await page.goto("/categories");
  await page.locator("table").waitFor();
  await shot("categories");

  await page.goto("/users");
  await page.locator("table").waitFor();
  await shot("users");

  await page.goto("/no-such-page");
  await shot("not-found");

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/products");
  await page.getByTestId("product-row").first().waitFor();
  await shot("products-phone");
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
}
