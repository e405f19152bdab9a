// The download form handler in front of a real upstream on loopback: the GET it sends for the
// form, the attachment header, the body streamed (the first bytes reach the browser before the
// upstream has finished), and the forms it refuses without asking the upstream anything.

import http from "node:http";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { createApiProxy } from "./api-proxy.mjs";
import { createDownloadHandler, isDownloadPath } from "./download.mjs";

const TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln";
const closers = [];
afterEach(async () => {
  while (closers.length) await closers.pop()();
});

async function listen(server) {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  closers.push(() => new Promise((resolve) => (server.closeAllConnections?.(), server.close(() => resolve()))));
  return `http://127.0.0.1:${server.address().port}`;
}

async function stack(answer) {
  const seen = [];
  const up = await listen(
    http.createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers });
      answer(req, res);
    }),
  );
  const download = createDownloadHandler(createApiProxy({ gatewayUrl: up, timeoutMs: 5000 }));
  const base = await listen(http.createServer((req, res) => (isDownloadPath(req.url) ? download(req, res) : res.end("other"))));
  return { base, seen };
}

function post(base, form, contentType = "application/x-www-form-urlencoded") {
  return fetch(`${base}/download`, { method: "POST", headers: { "Content-Type": contentType }, body: new URLSearchParams(form).toString() });
}

describe("download form", () => {
  it("GETs the allowed path with the form's token and streams the file as an attachment", async () => {
    let finish;
    const { base, seen } = await stack((req, res) => {
      res.writeHead(200, { "Content-Type": "text/csv" });
      res.write("sku,name\n");
      finish = () => res.end("A-1,Mug\n");
    });
    const res = await post(base, { path: "/api/v1/products/export?status=active", token: TOKEN });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="products.csv"');
    const reader = res.body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe("sku,name\n"); // before the upstream has ended its answer
    finish();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("A-1,Mug\n");
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "GET", url: "/api/v1/products/export?status=active" });
    expect(seen[0].headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen[0].headers["content-length"]).toBeUndefined();
  });

  it("passes the API's refusal on as it is, not as an attachment", async () => {
    const { base } = await stack((req, res) => {
      res.writeHead(401, { "Content-Type": "application/json", "X-Frame-Options": "DENY" });
      res.end('{"success":false,"error":{"code":"token_expired","message":"expired"}}');
    });
    const res = await post(base, { path: "/api/v1/imports/0190c3a2-7d4e-7b3a-9c1d-2f6e8a4b5c6d/errors.csv", token: TOKEN });
    expect(res.status).toBe(401);
    expect(res.headers.get("content-disposition")).toBeNull();
    // Readable by the dashboard's own frame, and by no other site's.
    expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    expect(res.headers.get("content-security-policy")).toBe("frame-ancestors 'self'");
    expect(await res.text()).toContain("token_expired");
  });

  it("refuses other paths, a missing token, other methods and other bodies, asking nothing upstream", async () => {
    const { base, seen } = await stack((req, res) => res.end("should not be asked"));
    expect((await post(base, { path: "/api/v1/users", token: TOKEN })).status).toBe(400);
    expect((await post(base, { path: "/api/v1/products/export/../../users", token: TOKEN })).status).toBe(400);
    expect((await post(base, { path: "/api/v1/products/export" })).status).toBe(400);
    expect((await post(base, { path: "/api/v1/products/export", token: TOKEN }, "application/json")).status).toBe(415);
    expect((await fetch(`${base}/download`)).status).toBe(405);
    expect((await post(base, { path: "/api/v1/products/export", token: "x".repeat(20_000) })).status).toBe(413);
    expect(seen).toHaveLength(0);
  });
});
