import type { NextConfig } from "next";

// The dashboard's /api/* is proxied to the gateway by server.mjs (not by a rewrite: the proxy
// must choose its source address and the X-Forwarded-For it sends), so the identity service's
// refresh cookie (httpOnly, SameSite=Strict, Path=/api/v1/auth) is first-party for the
// dashboard's origin. The build therefore does not depend on the gateway's address.

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  // Content-Security-Policy is not here: it carries a per-request nonce, so src/proxy.ts sets it.
];

const config: NextConfig = {
  // Each stack builds into its own directory (scripts/web.sh sets .next/dev or .next/test).
  distDir: process.env.MERCATO_WEB_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default config;
