// The dashboard's Content-Security-Policy, built per request around a fresh nonce (src/proxy.ts).
// Scripts run only from our origin or with this response's nonce; 'strict-dynamic' lets those
// scripts load the chunks they import (next/dynamic, web-vitals) without listing each one.

/** 16 random bytes, base64: unguessable, and in the alphabet Next accepts in 'nonce-…'. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The policy for one response. `dev` adds 'unsafe-eval', which `next dev` needs (React rebuilds
 * server error stacks in the browser with eval); a production build never evaluates strings.
 */
export function contentSecurityPolicy(nonce: string, { dev = false }: { dev?: boolean } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Inline style attributes stay allowed: server-rendered React writes style="…" (skeleton bar
    // widths, the virtual list's row offsets), which a nonce cannot cover. No nonce here on
    // purpose: a nonce in a directive makes browsers ignore its 'unsafe-inline'.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' https: http: data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; ");
}
