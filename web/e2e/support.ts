// Shared set-up of the end-to-end suite: where the stack is, who signs in, a small API client
// for changes made "by someone else", and Debian's Chromium launched the one way that works here.

import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const BASE_URL = (process.env.MERCATO_WEB_URL || "http://127.0.0.1:13000").replace(/\/+$/, "");
export const ADMIN_EMAIL = process.env.MERCATO_E2E_EMAIL || "";
export const ADMIN_PASSWORD = process.env.MERCATO_E2E_PASSWORD || "";
/** Access-token TTL of the stack under test, in seconds, when it is short enough to wait out. */
export const TOKEN_TTL_SECONDS = Number(process.env.MERCATO_E2E_TOKEN_TTL || "0");
export const CHROMIUM = process.env.MERCATO_CHROMIUM || "/usr/bin/chromium";

export function requireEnv() {
  const missing = [
    ["MERCATO_E2E_EMAIL", ADMIN_EMAIL],
    ["MERCATO_E2E_PASSWORD", ADMIN_PASSWORD],
  ]
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missing.length) throw new Error(`set ${missing.join(" and ")} (an admin account of the stack under test)`);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1280, height: 800 } });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(20_000);
  return context;
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByRole("textbox", { name: "Email" }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
  await page.getByTestId("user-menu").waitFor();
}

// ---- the API, through the dashboard's own /api proxy ----

export interface Envelope<T> {
  success: boolean;
  data?: T;
  error?: { code: string; message: string };
}

export async function apiCall<T>(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; ifMatch?: string } = {},
): Promise<{ status: number; body: Envelope<T>; etag: string | null }> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (opts.ifMatch) headers["If-Match"] = opts.ifMatch;
  const res = await fetch(BASE_URL + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Envelope<T>) : { success: res.ok }, etag: res.headers.get("ETag") };
}

export async function apiLogin(email: string, password: string): Promise<string> {
  const r = await apiCall<{ access_token: string }>("POST", "/api/v1/auth/login", { body: { email, password } });
  if (r.status !== 200 || !r.body.data?.access_token)
    throw new Error(`API login of ${email} failed: ${r.status} ${JSON.stringify(r.body.error)}`);
  return r.body.data.access_token;
}

/** A JWT anywhere in a string: three base64url parts, the first one a JSON header. */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/;

export async function waitForHidden(page: Page, selector: string, timeout = 10_000) {
  await page.locator(selector).first().waitFor({ state: "detached", timeout });
}

// ---- writes made "by someone else" beyond one user's rate limit ----

/** Admins made by the driver for a suite's writes (MERCATO_E2E_HELPERS: email:password …):
 *  more writes than the 100 requests a minute one user is allowed. */
export const HELPERS = (process.env.MERCATO_E2E_HELPERS || "")
  .split(/\s+/)
  .filter(Boolean)
  .map((s) => ({ email: s.slice(0, s.indexOf(":")), password: s.slice(s.indexOf(":") + 1) }));

/** Runs `fn` over `items` in batches of 20, the batches taking turns among the helper admins,
 *  each batch with a fresh token: the test stack's access tokens live 2 s. */
export async function inHelperBatches<T>(items: T[], fn: (item: T, token: string) => Promise<void>) {
  if (HELPERS.length === 0) throw new Error("set MERCATO_E2E_HELPERS (admins for the suite's writes: email:password …)");
  for (let i = 0, b = 0; i < items.length; i += 20, b++) {
    const who = HELPERS[b % HELPERS.length]!;
    const token = await apiLogin(who.email, who.password);
    await Promise.all(items.slice(i, i + 20).map((item) => fn(item, token)));
  }
}

/** Creates products through the helper admins; returns their ids in the order of `names`. */
export async function createProducts(names: string[], extra: Record<string, unknown> = {}): Promise<string[]> {
  const ids = new Array<string>(names.length);
  const run = Date.now().toString(36).toUpperCase();
  await inHelperBatches(
    names.map((name, i) => ({ name, i })),
    async ({ name, i }, token) => {
      const body = { name, sku: `E2E-${run}-${i}`, price_cents: 1000 + i, currency: "EUR", stock: 1, status: "active", ...extra };
      const r = await apiCall<{ id: string }>("POST", "/api/v1/products", { token, body });
      if (r.status !== 201 || !r.body.data) throw new Error(`creating ${name}: ${r.status} ${JSON.stringify(r.body.error)}`);
      ids[i] = r.body.data.id;
    },
  );
  return ids;
}

/** Deletes products by id in bulk calls (one request per 1,000, not one per product). */
export async function deleteProducts(ids: string[], token: string) {
  for (let i = 0; i < ids.length; i += 1000)
    await apiCall("POST", "/api/v1/products/bulk", { token, body: { action: "delete", items: ids.slice(i, i + 1000).map((id) => ({ id })) } });
}

/** How many live products a filter selects (the v1 list's total). */
export async function countProducts(token: string, filter: { status?: string; category_id?: string }): Promise<number> {
  const sp = new URLSearchParams({ per_page: "1", ...filter });
  const r = await apiCall<unknown[]>("GET", `/api/v1/products?${sp.toString()}`, { token });
  if (r.status !== 200) throw new Error(`counting products: ${r.status} ${JSON.stringify(r.body.error)}`);
  return (r.body as { meta?: { total_items?: number } }).meta?.total_items ?? -1;
}
