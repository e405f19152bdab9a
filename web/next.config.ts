import type { NextConfig } from "next";

// The dashboard's /api/* is proxied to the gateway, so the identity service's refresh cookie
// (httpOnly, SameSite=Strict, Path=/api/v1/auth) is first-party for the dashboard's origin.
// Rewrites are resolved at build time: the driver rebuilds when the gateway URL changes.
const gatewayUrl = (process.env.MERCATO_GATEWAY_URL || process.env.GATEWAY_URL || "http://127.0.0.1:8080").replace(
  /\/+$/,
  "",
);

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
  async rewrites() {
    return [{ source: "/api/:path*", destination: `${gatewayUrl}/api/:path*` }];
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default config;
