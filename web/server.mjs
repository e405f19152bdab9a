#!/usr/bin/env node
// The dashboard's server: Next's request handler for pages, and /api/* proxied to the gateway
// by server/api-proxy.mjs, and download forms (POST /download) by server/download.mjs (the connection leaves from GATEWAY_SOURCE_ADDRESS and carries the
// browser's address in X-Forwarded-For; see that file for why Next's rewrites cannot do it).
//
//   node server.mjs [--dev]
//   HOST (127.0.0.1), PORT (3000)            where the dashboard listens
//   MERCATO_GATEWAY_URL, else GATEWAY_URL    the gateway (http://127.0.0.1:8080), read at start
//   GATEWAY_SOURCE_ADDRESS                   local address of connections to it ("" = any)
//   GATEWAY_TIMEOUT_MS (30000)               longest silence from the gateway per request
//   WEB_TRACE_SAMPLE_RATIO (1)               share of traces the proxy marks sampled (0 to 1)
//   MERCATO_WEB_DIST_DIR                     the build directory (next.config.ts reads it)

import http from "node:http";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createApiProxy, isApiPath } from "./server/api-proxy.mjs";
import { createDownloadHandler, isDownloadPath } from "./server/download.mjs";

const dev = process.argv.includes("--dev");
// As `next start` / `next dev` set it; Next and src/proxy.ts read it.
process.env.NODE_ENV ??= dev ? "development" : "production";

function fatal(message) {
  console.error(`web: ${message}`);
  process.exit(2);
}

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 3000);
if (!Number.isInteger(port) || port < 1 || port > 65535) fatal(`PORT=${process.env.PORT} is not a port number`);
const timeoutMs = Number(process.env.GATEWAY_TIMEOUT_MS || 30_000);
const gatewayUrl = (process.env.MERCATO_GATEWAY_URL || process.env.GATEWAY_URL || "http://127.0.0.1:8080").replace(/\/+$/, "");

let proxyApi;
try {
  const ratioText = process.env.WEB_TRACE_SAMPLE_RATIO ?? "";
  const traceSampleRatio = ratioText.trim() === "" ? 1 : Number(ratioText);
  proxyApi = createApiProxy({ gatewayUrl, sourceAddress: process.env.GATEWAY_SOURCE_ADDRESS || "", timeoutMs, traceSampleRatio });
} catch (e) {
  fatal(e.message);
}

// Imported after NODE_ENV is set: Next reads it when it loads.
const { default: next } = await import("next");
const download = createDownloadHandler(proxyApi);
const app = next({ dev, dir: dirname(fileURLToPath(import.meta.url)), hostname: host, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((req, res) => {
  if (isApiPath(req.url)) {
    proxyApi(req, res);
    return;
  }
  if (isDownloadPath(req.url)) {
    download(req, res);
    return;
  }
  handle(req, res).catch((e) => {
    console.error("web: request failed", e);
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
    res.end("Internal Server Error");
  });
});
// `next dev` reloads pages over a WebSocket.
if (dev) {
  const upgrade = app.getUpgradeHandler();
  server.on("upgrade", (req, socket, head) => {
    if (isApiPath(req.url)) socket.destroy();
    else upgrade(req, socket, head);
  });
}
server.on("error", (e) => fatal(`cannot listen on ${host}:${port}: ${e.message}`));
server.listen(port, host, () => {
  const via = process.env.GATEWAY_SOURCE_ADDRESS ? ` from ${process.env.GATEWAY_SOURCE_ADDRESS}` : "";
  console.log(`web: ready on http://${host}:${port} (${dev ? "dev" : "production"}; /api → ${gatewayUrl}${via})`);
});

for (const signal of ["SIGTERM", "SIGINT"])
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
