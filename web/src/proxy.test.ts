import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { config, proxy } from "./proxy";

const nonceOf = (policy: string | null) => policy?.match(/'nonce-([^']+)'/)?.[1];

/**
 * The request headers the page renders with: NextResponse.next({ request }) hands them to Next as
 * x-middleware-request-<name>, which is where Next's renderer reads the nonce from.
 */
const forwarded = (res: Response, name: string) => res.headers.get(`x-middleware-request-${name}`);

describe("proxy", () => {
  it("sends a nonce policy and renders the page with the same nonce", () => {
    const res = proxy(new NextRequest("http://127.0.0.1:3000/products"));
    const policy = res.headers.get("Content-Security-Policy");
    const nonce = nonceOf(policy);
    expect(nonce).toBeTruthy();
    expect(forwarded(res, "content-security-policy")).toBe(policy);
    expect(forwarded(res, "x-nonce")).toBe(nonce);
  });

  it("uses a new nonce for every request", () => {
    const a = nonceOf(proxy(new NextRequest("http://127.0.0.1:3000/products")).headers.get("Content-Security-Policy"));
    const b = nonceOf(proxy(new NextRequest("http://127.0.0.1:3000/products")).headers.get("Content-Security-Policy"));
    expect(a).not.toBe(b);
  });

  it("runs for pages, not for the API, static files or link prefetches", () => {
    const matches = (url: string, headers: Record<string, string> = {}) =>
      unstable_doesMiddlewareMatch({ config, url, headers });
    expect(matches("/")).toBe(true);
    expect(matches("/products")).toBe(true);
    expect(matches("/products/0b6f6c1e-1111-4222-8333-944445555666/edit")).toBe(true);
    expect(matches("/login?next=/categories")).toBe(true);
    expect(matches("/no-such-page")).toBe(true);
    expect(matches("/api/v1/products")).toBe(false);
    expect(matches("/_next/static/chunks/main.js")).toBe(false);
    expect(matches("/products", { "next-router-prefetch": "1" })).toBe(false);
  });
});
