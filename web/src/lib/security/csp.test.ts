import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, createNonce } from "./csp";

/** The sources of one directive, e.g. ["'self'", "'nonce-…'"]. */
function directive(policy: string, name: string): string[] {
  const found = policy
    .split(";")
    .map((d) => d.trim().split(/\s+/))
    .find(([n]) => n === name);
  if (!found) throw new Error(`no ${name} in ${policy}`);
  return found.slice(1);
}

describe("contentSecurityPolicy", () => {
  it("allows scripts by nonce, never inline or eval in production", () => {
    const scripts = directive(contentSecurityPolicy("abc123=="), "script-src");
    expect(scripts).toEqual(["'self'", "'nonce-abc123=='", "'strict-dynamic'"]);
  });

  it("adds 'unsafe-eval' only for next dev", () => {
    expect(directive(contentSecurityPolicy("n", { dev: true }), "script-src")).toContain("'unsafe-eval'");
    expect(directive(contentSecurityPolicy("n", { dev: false }), "script-src")).not.toContain("'unsafe-eval'");
  });

  it("keeps the rest of the lockdown", () => {
    const policy = contentSecurityPolicy("n");
    expect(directive(policy, "default-src")).toEqual(["'self'"]);
    expect(directive(policy, "connect-src")).toEqual(["'self'"]);
    expect(directive(policy, "frame-ancestors")).toEqual(["'none'"]);
    expect(directive(policy, "object-src")).toEqual(["'none'"]);
    expect(directive(policy, "base-uri")).toEqual(["'self'"]);
    expect(directive(policy, "form-action")).toEqual(["'self'"]);
    // style-src keeps 'unsafe-inline', which a nonce in the same directive would switch off.
    expect(directive(policy, "style-src").some((s) => s.startsWith("'nonce-"))).toBe(false);
  });
});

describe("createNonce", () => {
  it("is 16 random bytes in base64, different every time", () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) {
      // The alphabet Next's nonce parser accepts, and 16 bytes once decoded.
      expect(n).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
      expect(Buffer.from(n, "base64")).toHaveLength(16);
    }
  });
});
