// The dashboard's /api/* proxy to the gateway. The dashboard is the edge for staff browsers, so
// the gateway must learn each browser's own address (its rate limit and identity's login
// throttle key on it): the connection leaves from GATEWAY_SOURCE_ADDRESS, the one address the
// gateway trusts X-Forwarded-For from, and X-Forwarded-For carries the browser's socket peer.
// Whatever the browser itself sent as X-Forwarded-For, Forwarded or X-Real-IP is dropped.
//
// Written here because Next's rewrites cannot choose the local address of their connection or
// replace forwarding headers; node:http can, and nothing else is needed: bodies stream both
// ways, status, reason and every header (each Set-Cookie) come back as the gateway sent them.

import http from "node:http";
import { isIP } from "node:net";

/** Hop-by-hop headers (RFC 9110 §7.6.1) and Host, which belongs to the gateway's connection. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

/** What a client could claim about where it is; only this proxy says that to the gateway. */
const CLIENT_CLAIMS = new Set(["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port", "forwarded", "x-real-ip"]);

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/): the dashboard's client starts a trace
 * on every fetch. Passed on only when well-formed (version 00, ids not all zero); otherwise
 * traceparent and tracestate are both dropped, as the spec asks of a receiver, so the gateway
 * starts its own trace. tracestate is capped at the spec's 512 characters.
 *
 * The gateway follows the sampled flag of a caller in its TRUSTED_PROXIES, which this proxy is;
 * the browser is not trusted, so the proxy does not pass its flag on but sets it itself by the
 * services' ratio rule (the trace id's low 8 bytes below ratio × 2^64, as src/trace/sampler.cpp
 * and src/lib/reporting/traceparent.ts decide): a browser cannot have every request traced.
 */
const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;
const MAX_TRACESTATE = 512;

export function sampledByRatio(traceId, ratio) {
  if (!(ratio > 0)) return false;
  if (ratio >= 1) return true;
  return BigInt(`0x${traceId.slice(16, 32)}`) < BigInt(Math.floor(ratio * 2 ** 64));
}

/** Bodyless methods that may be sent again when a kept-alive connection turned out to be closed. */
const RETRYABLE = new Set(["GET", "HEAD", "OPTIONS"]);

/** True for the paths the dashboard hands to the gateway: /api and /api/… (origin-form only). */
export function isApiPath(url) {
  return typeof url === "string" && /^\/api(?:[/?]|$)/.test(url);
}

/** The browser's address as its socket shows it (IPv4-mapped IPv6 written as IPv4). */
export function peerAddress(req) {
  const a = req.socket.remoteAddress ?? "";
  return a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

/**
 * Returns `(req, res) => void` proxying one /api request to the gateway.
 * - gatewayUrl: http://host:port of the gateway (https is refused: the gateway is on loopback).
 * - sourceAddress: local address of the connections to the gateway ("" = the kernel's choice).
 * - timeoutMs: longest silence from the gateway (no byte of the head or body) before the
 *   request is given up: 504 if nothing was answered yet, else the browser's response is cut.
 * - traceSampleRatio: share of traces whose sampled flag this proxy sets (0 to 1).
 */
export function createApiProxy({ gatewayUrl, sourceAddress = "", timeoutMs = 30_000, traceSampleRatio = 1 }) {
  let target;
  try {
    target = new URL(gatewayUrl);
  } catch {
    throw new Error(`the gateway URL ${JSON.stringify(gatewayUrl)} is not a URL`);
  }
  if (target.protocol !== "http:") throw new Error(`the gateway URL ${gatewayUrl} must be http://host:port`);
  if (sourceAddress && !isIP(sourceAddress))
    throw new Error(`GATEWAY_SOURCE_ADDRESS=${sourceAddress} is not an IP address`);
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new Error(`the proxy timeout ${timeoutMs} is not a positive number`);
  if (!(traceSampleRatio >= 0 && traceSampleRatio <= 1))
    throw new Error(`WEB_TRACE_SAMPLE_RATIO=${traceSampleRatio} is not a number from 0 to 1`);

  // Kept-alive connections, closed after 4 s idle here so that the gateway's own (longer)
  // keep-alive and first-byte timeouts rarely close one under a request.
  const agent = new http.Agent({ keepAlive: true, timeout: 4000, maxSockets: 256 });
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || 80);

  function upstreamHeaders(req) {
    const named = new Set(
      String(req.headers.connection ?? "")
        .split(",")
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    );
    const out = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (HOP_BY_HOP.has(name) || CLIENT_CLAIMS.has(name) || named.has(name) || value === undefined) continue;
      out[name] = value;
    }
    if (!(typeof out.traceparent === "string" && TRACEPARENT.test(out.traceparent))) {
      delete out.traceparent;
      delete out.tracestate;
    } else {
      const sampled = sampledByRatio(out.traceparent.slice(3, 35), traceSampleRatio);
      out.traceparent = `${out.traceparent.slice(0, 53)}${sampled ? "01" : "00"}`;
      if (typeof out.tracestate !== "string" || out.tracestate.length > MAX_TRACESTATE) delete out.tracestate;
    }
    out["x-forwarded-for"] = peerAddress(req);
    out["x-forwarded-proto"] = "http";
    return out;
  }

  function responseHeaders(upRes) {
    const named = new Set(
      String(upRes.headers.connection ?? "")
        .split(",")
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    );
    const flat = [];
    for (let i = 0; i < upRes.rawHeaders.length; i += 2) {
      const name = upRes.rawHeaders[i];
      const lower = name.toLowerCase();
      if (HOP_BY_HOP.has(lower) || named.has(lower)) continue;
      flat.push(name, upRes.rawHeaders[i + 1]);
    }
    return flat;
  }

  function fail(res, status, code, message) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ success: false, error: { code, message } });
    res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Cache-Control": "no-store" });
    res.end(body);
  }

  /**
   * `as`: send another request than the browser's, on its behalf: {method, url, authorization,
   * attachment} (server/download.mjs: a form's POST becomes the GET of a file). Its body is not
   * forwarded, and a 2xx answer without Content-Disposition is marked an attachment named
   * `attachment`, so the browser saves it rather than showing it.
   */
  return function proxy(req, res, { retried = false, as = null } = {}) {
    const headers = upstreamHeaders(req);
    if (as) {
      for (const name of ["content-length", "content-type", "cookie", "origin", "referer"]) delete headers[name];
      headers.authorization = as.authorization;
      headers.accept = "text/csv, application/json";
    }
    const method = as?.method ?? req.method;
    const upstream = http.request({
      agent,
      host,
      port,
      localAddress: sourceAddress || undefined,
      method,
      path: as?.url ?? req.url,
      headers,
      timeout: timeoutMs,
    });
    let done = false;

    upstream.on("response", (upRes) => {
      const flat = responseHeaders(upRes);
      const status = upRes.statusCode ?? 502;
      if (as?.attachment && status >= 200 && status < 300 && !upRes.headers["content-disposition"])
        flat.push("Content-Disposition", `attachment; filename="${as.attachment}"`);
      // A download form's answer lands in a frame of the dashboard's own page, which must be able
      // to read a refusal there: the gateway's X-Frame-Options DENY becomes SAMEORIGIN (and no
      // other site may frame it).
      if (as) {
        for (let i = flat.length - 2; i >= 0; i -= 2)
          if (/^(x-frame-options|content-security-policy)$/i.test(flat[i])) flat.splice(i, 2);
        flat.push("X-Frame-Options", "SAMEORIGIN", "Content-Security-Policy", "frame-ancestors 'self'");
      }
      res.writeHead(status, upRes.statusMessage, flat);
      upRes.pipe(res);
      upRes.on("error", () => res.destroy());
      upRes.on("end", () => {
        done = true;
      });
    });
    upstream.on("timeout", () => upstream.destroy(Object.assign(new Error("the gateway did not answer in time"), { code: "ETIMEDOUT" })));
    upstream.on("error", (err) => {
      if (done || res.destroyed) return;
      // A kept-alive connection the gateway had just closed: nothing reached it, ask once more.
      if (!retried && upstream.reusedSocket && err.code === "ECONNRESET" && !res.headersSent && RETRYABLE.has(method ?? "")) {
        proxy(req, res, { retried: true, as });
        return;
      }
      if (err.code === "ETIMEDOUT") fail(res, 504, "gateway_timeout", "the API did not answer in time");
      else fail(res, 502, "bad_gateway", "the API cannot be reached");
    });
    // The browser went away: stop the gateway's work on its behalf.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });

    if (retried || as) upstream.end();
    else req.pipe(upstream);
  };
}
