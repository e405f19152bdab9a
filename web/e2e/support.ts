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
