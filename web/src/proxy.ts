// Next.js 16 "proxy" (the file convention formerly called middleware; it sits beside app/, so in
// src/). Every page response gets a Content-Security-Policy with a nonce of its own.
//
// Next reads the nonce from the *request's* Content-Security-Policy header while it renders and
// puts it on its own scripts (framework, chunks, inline flight data), so the policy is set on the
// request passed on as well as on the response; x-nonce carries it for any server component
// that renders a <Script> itself. A nonce needs a per-request render: the root layout opts every
// page out of static prerendering (src/app/layout.tsx).

import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy, createNonce } from "@/lib/security/csp";

export function proxy(request: NextRequest) {
  const nonce = createNonce();
  const policy = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development" });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  matcher: [
    {
      // Not the gateway's API (rewritten to JSON responses), not static files (no HTML, and they
      // are cached for good), and not link prefetches (flight data, not a document).
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
