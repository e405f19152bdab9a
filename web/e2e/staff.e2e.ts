// Staff flows the main suite does not drive: managing a user on the users screen, what an
// editor sees, a session that outlives its access token, and a refresh the server refuses
// (the session ends cleanly on the login page). Needs the test stack's short access tokens
// (MERCATO_E2E_TOKEN_TTL, 2 s in `./mercato test`).

import type { Browser, BrowserContext, Page, Response } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  JWT_PATTERN,
  TOKEN_TTL_SECONDS,
  apiCall,
  apiLogin,
  launchBrowser,
  newContext,
  requireEnv,
  signIn,
} from "./support";

const run = Date.now().toString(36);
const EDITOR = { email: `editor-${run}@e2e-mercato.test`, password: `editor-pass-${run}-long`, name: `E2E Editor ${run}` };
const MANAGED = { email: `managed-${run}@e2e-mercato.test`, password: `managed-pass-${run}-long`, name: `E2E Managed ${run}` };

let browser: Browser;
const contexts: BrowserContext[] = [];
const made: string[] = [];

async function freshPage(): Promise<Page> {
  const context = await newContext(browser);
  contexts.push(context);
  const page = await context.newPage();
  page.on("dialog", (d) => void d.accept()); // confirm() of a removal, "leave page?" prompts
  return page;
}

async function createUser(u: { email: string; password: string; name: string }, role: string): Promise<string> {
  const r = await apiCall<{ id: string }>("POST", "/api/v1/users", {
    token: await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD),
    body: { email: u.email, password: u.password, name: u.name, role },
  });
  if (r.status !== 201 || !r.body.data) throw new Error(`creating ${u.email}: ${r.status} ${JSON.stringify(r.body.error)}`);
  made.push(r.body.data.id);
  return r.body.data.id;
}

beforeAll(async () => {
  requireEnv();
  if (!(TOKEN_TTL_SECONDS > 0 && TOKEN_TTL_SECONDS <= 5))
    throw new Error("set MERCATO_E2E_TOKEN_TTL to the stack's access-token lifetime (seconds, at most 5): ./mercato test runs identity with 2 s");
  await createUser(EDITOR, "editor");
  browser = await launchBrowser();
});

afterAll(async () => {
  try {
    const token = await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD).catch(() => "");
    for (const id of made) if (token) await apiCall("DELETE", `/api/v1/users/${id}`, { token });
  } finally {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
  }
});

describe("staff", () => {
  it("adds a user, changes their role, deactivates, reactivates and removes them", async () => {
    const page = await freshPage();
    await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);
    await page.goto("/users");
    await page.getByRole("heading", { name: "Users and roles" }).waitFor();
    const form = page.locator('form[aria-labelledby="new-user"]');
    await form.getByRole("textbox", { name: "Email" }).fill(MANAGED.email);
    await form.getByRole("textbox", { name: "Name" }).fill(MANAGED.name);
    await form.getByRole("combobox", { name: "Role" }).selectOption("editor");
    await form.getByLabel("Initial password").fill(MANAGED.password);
    await form.getByRole("button", { name: "Add user" }).click();
    await page.getByText(`Added ${MANAGED.email} as editor.`).waitFor();

    // Users are listed oldest first: the new one is on the last page. While a page loads, the
    // list and its pager give way to a skeleton, so each step waits for the pager to name the
    // page it asked for (a fixed pause broke off the walk when a page took longer).
    const row = page.locator("tbody tr", { hasText: MANAGED.email });
    const pager = page.getByRole("navigation", { name: "Pages" });
    const next = pager.getByRole("button", { name: "Next" });
    await page.locator("tbody tr").first().waitFor();
    for (let p = 1; p < 500 && !(await row.isVisible()); p++) {
      if (!(await next.isVisible()) || (await next.isDisabled())) break;
      await next.click();
      await pager.getByText(`Page ${p + 1} of`).waitFor();
    }
    await row.waitFor();
    const id = (await row.getByRole("combobox").getAttribute("id"))?.replace(/^role-/, "") ?? "";
    expect(id).not.toBe("");
    made.push(id);

    await row.getByRole("combobox", { name: `Role of ${MANAGED.email}` }).selectOption("viewer");
    await page.getByText(`${MANAGED.email} is now viewer.`).waitFor();
    await row.getByRole("button", { name: "Deactivate" }).click();
    await page.getByText(`${MANAGED.email} deactivated.`).waitFor();
    await row.getByText("Deactivated").waitFor();

    // The server agrees: a deactivated user cannot sign in.
    const refused = await apiCall("POST", "/api/v1/auth/login", { body: { email: MANAGED.email, password: MANAGED.password } });
    expect(refused.status).toBe(401);

    await row.getByRole("button", { name: "Reactivate" }).click();
    await page.getByText(`${MANAGED.email} reactivated.`).waitFor();
    await row.getByRole("button", { name: `Remove ${MANAGED.email}` }).click();
    await page.getByText(`Removed ${MANAGED.email}.`).waitFor();
    await row.waitFor({ state: "detached" });
  });

  it("shows an editor the catalog with its write controls and nothing of the admins' screens", async () => {
    const page = await freshPage();
    await signIn(page, EDITOR.email, EDITOR.password);
    await page.goto("/products");
    await page.getByRole("heading", { name: "Products", exact: true }).waitFor();
    await page.getByRole("link", { name: /new product/i }).waitFor();
    const nav = page.getByRole("navigation", { name: "Main" });
    expect(await nav.getByRole("link", { name: "Users" }).count()).toBe(0);
    expect(await nav.getByRole("link", { name: "Operations" }).count()).toBe(0);
    await page.goto("/categories");
    await page.getByRole("heading", { name: "New category" }).waitFor(); // editors write categories
    await page.goto("/users");
    await page.getByText("Admins only").waitFor();
  });

  it("keeps a session going past its access token's lifetime, refreshing behind the scenes", async () => {
    const page = await freshPage();
    await signIn(page, EDITOR.email, EDITOR.password);
    // Counted from the signed-in page on (the login page's probe for a session has no cookie
    // to refresh with, and is refused by design).
    const refreshes: number[] = [];
    page.on("response", (r: Response) => {
      if (new URL(r.url()).pathname === "/api/v1/auth/refresh") refreshes.push(r.status());
    });
    // Three lifetimes, moving between screens meanwhile: every fetch either carried a live
    // token or was refreshed and retried; the user never sees the login page.
    for (let i = 0; i < 3; i++) {
      await page.waitForTimeout((TOKEN_TTL_SECONDS + 0.5) * 1000);
      await page.goto(i % 2 ? "/categories" : "/products");
      await page.getByTestId("user-menu").waitFor();
      expect(new URL(page.url()).pathname).not.toBe("/login");
    }
    expect(refreshes.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1);
    expect(refreshes.filter((s) => s !== 200)).toEqual([]);
  });

  it("ends the session cleanly when the refresh is refused: to the login page, nothing left behind", async () => {
    const victim = { email: `revoked-${run}@e2e-mercato.test`, password: `revoked-pass-${run}-long`, name: "E2E Revoked" };
    const id = await createUser(victim, "editor");
    const page = await freshPage();
    await signIn(page, victim.email, victim.password);
    await page.goto("/products");
    await page.getByRole("heading", { name: "Products", exact: true }).waitFor();

    // An admin deactivates them: every session of theirs is revoked server-side.
    const r = await apiCall("PATCH", `/api/v1/users/${id}`, { token: await apiLogin(ADMIN_EMAIL, ADMIN_PASSWORD), body: { active: false } });
    expect(r.status).toBe(200);

    // Once the access token has expired, the next fetch's refresh is refused and the dashboard
    // sends them to the login page, asking to come back to where they were.
    await page.waitForTimeout((TOKEN_TTL_SECONDS + 0.5) * 1000);
    await page.goto("/categories");
    await page.waitForURL((u) => u.pathname === "/login", { timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get("next")).toBe("/categories");
    const stored = await page.evaluate(() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie]));
    expect(stored).not.toMatch(JWT_PATTERN);
    // No loop of refreshes afterwards: the page stays on the login form.
    await page.waitForTimeout(1500);
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.getByRole("button", { name: "Sign in" }).waitFor();
  });
});
