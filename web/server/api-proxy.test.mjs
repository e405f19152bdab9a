// The dashboard's /api proxy against a real upstream on loopback: what the gateway sees (the
// connection's source address, X-Forwarded-For) and what the browser gets back (status,
// every Set-Cookie, streamed bodies, a timeout). Clients bind their own loopback addresses,
// as separate browsers would have.

import http from "node:http";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { createApiProxy, isApiPath } from "./api-proxy.mjs";

const SOURCE = "127.0.0.5";
const CLIENT_A = "127.0.0.21";
const CLIENT_B = "127.0.0.22";

const closers = [];
afterEach(async () => {
  while (closers.length) await closers.pop()();
});

async function listen(server) {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  );
  return `http://127.0.0.1:${server.address().port}`;
}

/** An upstream that records each request (socket peer, headers, body) and lets the test answer. */
async function upstream(answer) {
  const seen = [];
  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const rec = { peer: req.socket.remoteAddress, method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) };
    seen.push(rec);
    await answer(rec, res);
  });
  return { url: await listen(server), seen };
}

async function proxyFor(gatewayUrl, opts = {}) {
  const handle = createApiProxy({ gatewayUrl, sourceAddress: SOURCE, timeoutMs: 2000, ...opts });
  const server = http.createServer((req, res) => {
    if (isApiPath(req.url)) handle(req, res);
    else {
      res.statusCode = 418;
      res.end("not the api");
    }
  });
  return listen(server);
}

/** One request from a given local address; resolves with status, raw headers and body. */
function request(base, path, { from, method = "GET", headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method, headers, localAddress: from, agent: false }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, raw: res.rawHeaders, body: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe("the /api proxy", () => {
  it("connects from GATEWAY_SOURCE_ADDRESS and forwards each browser's own address, not what it claims", async () => {
    const up = await upstream((_, res) => res.end("{}"));
    const base = await proxyFor(up.url);
    const forged = { "X-Forwarded-For": "6.6.6.6", Forwarded: "for=6.6.6.6", "X-Real-IP": "6.6.6.6", "X-Forwarded-Proto": "https" };
    expect((await request(base, "/api/v1/products?q=a%20b", { from: CLIENT_A, headers: forged })).status).toBe(200);
    expect((await request(base, "/api/v1/auth/me", { from: CLIENT_B, headers: { "X-Forwarded-For": "7.7.7.7, 8.8.8.8" } })).status).toBe(200);

    expect(up.seen.map((r) => r.peer)).toEqual([SOURCE, SOURCE]);
    expect(up.seen.map((r) => r.headers["x-forwarded-for"])).toEqual([CLIENT_A, CLIENT_B]);
    expect(up.seen[0].url).toBe("/api/v1/products?q=a%20b");
    expect(up.seen[0].headers.forwarded).toBeUndefined();
    expect(up.seen[0].headers["x-real-ip"]).toBeUndefined();
    expect(up.seen[0].headers["x-forwarded-proto"]).toBe("http");
  });

  it("passes the status, every Set-Cookie and the body back, and streams a request body through", async () => {
    const up = await upstream((rec, res) => {
      res.writeHead(201, [
        "Content-Type", "application/json",
        "Set-Cookie", "refresh_token=abc; Path=/api/v1/auth; HttpOnly; SameSite=Strict",
        "Set-Cookie", "other=1; Path=/",
        "Location", "/api/v1/products/1",
      ]);
      res.end(JSON.stringify({ echoed: rec.body.length, type: rec.headers["content-type"] }));
    });
    const base = await proxyFor(up.url);
    const body = "x".repeat(300_000);
    const r = await request(base, "/api/v1/products", { from: CLIENT_A, method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect(r.status).toBe(201);
    expect(r.headers["set-cookie"]).toEqual([
      "refresh_token=abc; Path=/api/v1/auth; HttpOnly; SameSite=Strict",
      "other=1; Path=/",
    ]);
    expect(r.headers.location).toBe("/api/v1/products/1");
    expect(JSON.parse(r.body)).toEqual({ echoed: 300_000, type: "application/json" });
  });

  it("passes a well-formed traceparent and tracestate on, and the gateway's traceparent and request id back", async () => {
    const answer = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const up = await upstream((_, res) => {
      res.writeHead(200, { "Content-Type": "application/json", traceparent: answer, "X-Request-ID": "req-1" });
      res.end("{}");
    });
    const base = await proxyFor(up.url);
    const sent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const r = await request(base, "/api/v1/products", { from: CLIENT_A, headers: { traceparent: sent, tracestate: "mercato=1" } });
    expect(up.seen[0].headers.traceparent).toBe(sent);
    expect(up.seen[0].headers.tracestate).toBe("mercato=1");
    expect(r.headers.traceparent).toBe(answer);
    expect(r.headers["x-request-id"]).toBe("req-1");
  });

  it("sets the sampled flag itself by the ratio rule: a browser's flag is not trusted", async () => {
    const up = await upstream((_, res) => res.end("{}"));
    const never = await proxyFor(up.url, { traceSampleRatio: 0 });
    const always = await proxyFor(up.url, { traceSampleRatio: 1 });
    const half = await proxyFor(up.url, { traceSampleRatio: 0.5 });
    const low = "00-4bf92f3577b34da60000000000000001-00f067aa0ba902b7";
    const high = "00-4bf92f3577b34da6ffffffffffffffff-00f067aa0ba902b7";
    await request(never, "/api/v1/products", { from: CLIENT_A, headers: { traceparent: `${low}-01` } });
    await request(always, "/api/v1/products", { from: CLIENT_A, headers: { traceparent: `${high}-00` } });
    await request(half, "/api/v1/products", { from: CLIENT_A, headers: { traceparent: `${low}-00` } });
    await request(half, "/api/v1/products", { from: CLIENT_A, headers: { traceparent: `${high}-01` } });
    expect(up.seen.map((r) => r.headers.traceparent)).toEqual([`${low}-00`, `${high}-01`, `${low}-01`, `${high}-00`]);
    expect(() => createApiProxy({ gatewayUrl: up.url, traceSampleRatio: 1.5 })).toThrow(/WEB_TRACE_SAMPLE_RATIO/);
    expect(() => createApiProxy({ gatewayUrl: up.url, traceSampleRatio: Number.NaN })).toThrow(/WEB_TRACE_SAMPLE_RATIO/);
  });

  it("drops a malformed traceparent with its tracestate, and an oversized tracestate", async () => {
    const up = await upstream((_, res) => res.end("{}"));
    const base = await proxyFor(up.url);
    const bad = [
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
    ];
    for (const traceparent of bad) await request(base, "/api/v1/products", { from: CLIENT_A, headers: { traceparent, tracestate: "a=1" } });
    for (const seen of up.seen) {
      expect(seen.headers.traceparent).toBeUndefined();
      expect(seen.headers.tracestate).toBeUndefined();
    }
    const good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";
    await request(base, "/api/v1/products", { from: CLIENT_A, headers: { traceparent: good, tracestate: `a=${"x".repeat(600)}` } });
    expect(up.seen.at(-1).headers.traceparent).toBe(`${good.slice(0, 53)}01`); // the proxy's own decision (ratio 1)
    expect(up.seen.at(-1).headers.tracestate).toBeUndefined();
  });

  it("answers 504 gateway_timeout when the gateway does not answer in time", async () => {
    const up = await upstream(() => new Promise(() => {})); // never answers
    const base = await proxyFor(up.url, { timeoutMs: 300 });
    const r = await request(base, "/api/v1/products", { from: CLIENT_A });
    expect(r.status).toBe(504);
    expect(JSON.parse(r.body)).toMatchObject({ success: false, error: { code: "gateway_timeout" } });
  });

  it("answers 502 bad_gateway when the gateway is down", async () => {
    const up = await upstream((_, res) => res.end());
    const down = up.url;
    await closers.pop()(); // the upstream is gone; its port refuses connections
    const base = await proxyFor(down);
    const r = await request(base, "/api/v1/products", { from: CLIENT_A });
    expect(r.status).toBe(502);
    expect(JSON.parse(r.body)).toMatchObject({ success: false, error: { code: "bad_gateway" } });
  });

  it("claims /api/ paths only", () => {
    expect(isApiPath("/api/v1/products")).toBe(true);
    expect(isApiPath("/api/v1/products?x=1")).toBe(true);
    expect(isApiPath("/api")).toBe(true);
    expect(isApiPath("/api?x")).toBe(true);
    expect(isApiPath("/apis")).toBe(false);
    expect(isApiPath("/products")).toBe(false);
    expect(isApiPath("http://evil.example/api/v1")).toBe(false);
  });

  it("refuses a source address that is not an IP and a gateway that is not http", () => {
    expect(() => createApiProxy({ gatewayUrl: "http://127.0.0.1:1", sourceAddress: "localhost" })).toThrow(/GATEWAY_SOURCE_ADDRESS/);
    expect(() => createApiProxy({ gatewayUrl: "ftp://127.0.0.1:1" })).toThrow(/gateway URL/);
  });
});
