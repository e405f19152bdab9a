import { describe, expect, it, vi } from "vitest";
import { fail, fakeFetch, gate, ok, tick, type Seen } from "../../test/fake-server";
import { createApiClient, loginUrl, safeNext, tokenExpiry, type FailedRequest } from "./client";
import { ApiError } from "./envelope";

const ME = { id: "u1", email: "a@b.co", name: "Ada", role: "admin" };

/**
 * A gateway whose access tokens are "t0", "t1", …: only the newest one is accepted, and only
 * until `expire()` is called; older or expired ones get 401 token_expired. Each refresh issues
 * the next token (after `refreshGate` opens, if given).
 */
function tokenServer(opts: { refreshGate?: Promise<void>; refreshFails?: boolean } = {}) {
  let issued = 0;
  let valid = true;
  const server = fakeFetch(async (req: Seen) => {
    if (req.path === "/api/v1/auth/refresh") {
      await opts.refreshGate;
      if (opts.refreshFails) return fail(401, "invalid_token", "refresh token revoked");
      issued += 1;
      valid = true;
      return ok({ access_token: `t${issued}`, expires_in: 900 });
    }
    if (req.path === "/api/v1/auth/login") return ok({ access_token: `t${issued}`, expires_in: 900, user: ME });
    if (req.path === "/api/v1/auth/me") return ok(ME);
    if (req.path === "/api/v1/auth/logout") return ok(null);
    if (!valid || req.headers.authorization !== `Bearer t${issued}`) return fail(401, "token_expired", "expired");
    return ok({ path: req.path, method: req.method });
  });
  return {
    ...server,
    /** The held access token's TTL has passed. */
    expire() {
      valid = false;
    },
  };
}

async function signedIn(server: ReturnType<typeof tokenServer>, onSessionLost = vi.fn()) {
  const client = createApiClient({ fetch: server.fetch, onSessionLost });
  await client.login("a@b.co", "correct horse battery");
  server.seen.length = 0;
  return client;
}

describe("token refresh", () => {
  it("ten parallel requests failing with token_expired make exactly one refresh and ten retries", async () => {
    const refresh = gate();
    const server = tokenServer({ refreshGate: refresh.promise });
    const client = await signedIn(server);
    const paths = Array.from({ length: 10 }, (_, i) => `/api/v1/products/${i}`);

    server.expire();
    const calls = paths.map((p, i) => (i % 2 ? client.get(p) : client.patch(p, { body: { stock: i } })));
    await tick(5);
    refresh.open();
    const results = await Promise.all(calls);

    const refreshes = server.seen.filter((r) => r.path === "/api/v1/auth/refresh");
    expect(refreshes).toHaveLength(1);
    for (const p of paths) {
      const attempts = server.seen.filter((r) => r.path === p);
      expect(attempts).toHaveLength(2);
      expect(attempts[0]?.headers.authorization).toBe("Bearer t0");
      expect(attempts[1]?.headers.authorization).toBe("Bearer t1");
    }
    expect(results.map((r) => (r.data as { path: string }).path)).toEqual(paths);
    expect(client.session().status).toBe("authenticated");
  });

  it("a request refused with an old token after the refresh finished is retried without a second refresh", async () => {
    const server = tokenServer();
    // The first request triggers the refresh; the second is answered late, after it.
    const slow = gate();
    const original = server.fetch;
    let held = false;
    const delayed: typeof fetch = async (input, init) => {
      if (String(input).endsWith("/slow") && !held) {
        held = true;
        const res = await original(input, init);
        await slow.promise;
        return res;
      }
      return original(input, init);
    };
    const c2 = createApiClient({ fetch: delayed });
    await c2.login("a@b.co", "correct horse battery");
    server.seen.length = 0;
    server.expire();
    const a = c2.get("/api/v1/fast");
    const b = c2.get("/api/v1/slow");
    await a;
    slow.open();
    await b;
    expect(server.seen.filter((r) => r.path === "/api/v1/auth/refresh")).toHaveLength(1);
    expect(server.seen.filter((r) => r.path === "/api/v1/slow").map((r) => r.headers.authorization)).toEqual([
      "Bearer t0",
      "Bearer t1",
    ]);
  });

  it("a request started while a refresh runs waits for it and goes out with the new token", async () => {
    const refresh = gate();
    const server = tokenServer({ refreshGate: refresh.promise });
    const client = await signedIn(server);
    server.expire();
    const first = client.get("/api/v1/a");
    await tick(5); // now refreshing
    const second = client.post("/api/v1/b", { body: { x: 1 } });
    await tick(5);
    refresh.open();
    await Promise.all([first, second]);
    expect(server.seen.filter((r) => r.path === "/api/v1/b").map((r) => r.headers.authorization)).toEqual(["Bearer t1"]);
  });

  it("a failed refresh ends the session once, sends the user to login, and rejects every waiting request", async () => {
    const refresh = gate();
    const server = tokenServer({ refreshGate: refresh.promise, refreshFails: true });
    const onSessionLost = vi.fn();
    const client = await signedIn(server, onSessionLost);
    server.expire();
    const calls = [client.get("/api/v1/a"), client.get("/api/v1/b"), client.delete("/api/v1/c")];
    await tick(5);
    refresh.open();
    const settled = await Promise.allSettled(calls);
    expect(server.seen.filter((r) => r.path === "/api/v1/auth/refresh")).toHaveLength(1);
    expect(onSessionLost).toHaveBeenCalledTimes(1);
    expect(client.session()).toEqual({ status: "anonymous", user: null });
    for (const s of settled) {
      expect(s.status).toBe("rejected");
      expect(((s as PromiseRejectedResult).reason as ApiError).code).toBe("auth_required");
    }
  });

  it("does not retry other errors, and never refreshes for a request sent without a token", async () => {
    const server = fakeFetch((req) =>
      req.path === "/api/v1/x" ? fail(403, "forbidden") : fail(401, "auth_required", "sign in"),
    );
    const client = createApiClient({ fetch: server.fetch });
    await expect(client.get("/api/v1/x")).rejects.toMatchObject({ code: "forbidden" });
    await expect(client.get("/api/v1/y")).rejects.toMatchObject({ code: "auth_required" });
    expect(server.seen.map((r) => r.path)).toEqual(["/api/v1/x", "/api/v1/y"]);
  });
});

describe("session", () => {
  it("refresh on boot restores the session from the cookie and loads the user", async () => {
    const server = tokenServer();
    const client = createApiClient({ fetch: server.fetch });
    const state = await client.restoreSession();
    expect(state).toEqual({ status: "authenticated", user: ME });
    expect(server.seen.map((r) => r.path)).toEqual(["/api/v1/auth/refresh", "/api/v1/auth/me"]);
    expect(server.seen[0]?.headers.authorization).toBeUndefined();
    await client.get("/api/v1/products");
    expect(server.seen.at(-1)?.headers.authorization).toBe("Bearer t1");
  });

  it("boot without a refresh cookie is signed out, without calling onSessionLost", async () => {
    const onSessionLost = vi.fn();
    const server = fakeFetch(() => fail(401, "auth_required", "no refresh token"));
    const client = createApiClient({ fetch: server.fetch, onSessionLost });
    expect((await client.restoreSession()).status).toBe("anonymous");
    expect(onSessionLost).not.toHaveBeenCalled();
  });

  it("logout calls the server with the token and forgets the session even if the call fails", async () => {
    const server = tokenServer();
    const client = await signedIn(server);
    const listener = vi.fn();
    client.subscribe(listener);
    await client.logout();
    expect(server.seen.map((r) => [r.path, r.headers.authorization])).toEqual([["/api/v1/auth/logout", "Bearer t0"]]);
    expect(client.session().status).toBe("anonymous");
    expect(listener).toHaveBeenCalled();
  });

  it("login sends no credentials but the body, and a wrong password is a typed error", async () => {
    const server = fakeFetch(() => fail(401, "invalid_credentials", "email or password is wrong"));
    const client = createApiClient({ fetch: server.fetch });
    await expect(client.login("a@b.co", "nope")).rejects.toMatchObject({ code: "invalid_credentials", status: 401 });
    expect(server.seen[0]?.body).toEqual({ email: "a@b.co", password: "nope", refresh_token_delivery: "cookie" });
    expect(server.seen).toHaveLength(1); // no refresh attempt for a login failure
  });
});

describe("refresh token delivery", () => {
  const FIELD_UNKNOWN = [{ field: "refresh_token_delivery", message: "is not a known field" }];

  it("login asks for the refresh token in the httpOnly cookie only, and refresh and logout send none", async () => {
    const server = tokenServer();
    const client = await signedIn(server);
    server.seen.length = 0;
    await client.login("a@b.co", "correct horse battery");
    expect(server.seen.map((r) => [r.path, r.body])).toEqual([
      ["/api/v1/auth/login", { email: "a@b.co", password: "correct horse battery", refresh_token_delivery: "cookie" }],
    ]);
    server.expire();
    await client.get("/api/v1/products");
    await client.logout();
    const auth = server.seen.filter((r) => r.path === "/api/v1/auth/refresh" || r.path === "/api/v1/auth/logout");
    expect(auth.map((r) => [r.path, r.body])).toEqual([
      ["/api/v1/auth/refresh", undefined],
      ["/api/v1/auth/logout", undefined],
    ]);
  });

  it("an identity service that does not know the field yet is asked again without it, once", async () => {
    const server = fakeFetch((req) => {
      const body = req.body as Record<string, unknown>;
      if ("refresh_token_delivery" in body) return fail(422, "validation_failed", "request validation failed", FIELD_UNKNOWN);
      return ok({ access_token: "t0", refresh_token: "r0", expires_in: 900, user: ME });
    });
    const client = createApiClient({ fetch: server.fetch });
    expect(await client.login("a@b.co", "correct horse battery")).toEqual(ME);
    expect(server.seen.map((r) => r.body)).toEqual([
      { email: "a@b.co", password: "correct horse battery", refresh_token_delivery: "cookie" },
      { email: "a@b.co", password: "correct horse battery" },
    ]);
  });

  it("any other validation failure is the user's error, not asked again", async () => {
    const server = fakeFetch(() =>
      fail(422, "validation_failed", "request validation failed", [...FIELD_UNKNOWN, { field: "email", message: "is not an email" }]),
    );
    const client = createApiClient({ fetch: server.fetch });
    await expect(client.login("nope", "correct horse battery")).rejects.toMatchObject({ code: "validation_failed", status: 422 });
    expect(server.seen).toHaveLength(1);
  });
});

describe("request sharing", () => {
  it("concurrent identical GETs share one request and both callers get the data", async () => {
    const hold = gate();
    const server = fakeFetch(async () => {
      await hold.promise;
      return ok([{ id: 1 }]);
    });
    const client = createApiClient({ fetch: server.fetch });
    const a = client.get("/api/v1/categories");
    const b = client.get("/api/v1/categories");
    hold.open();
    const [ra, rb] = await Promise.all([a, b]);
    expect(server.seen).toHaveLength(1);
    expect(ra.data).toEqual([{ id: 1 }]);
    expect(rb.data).toEqual([{ id: 1 }]);
    // Once settled, the next GET goes out again.
    await client.get("/api/v1/categories");
    expect(server.seen).toHaveLength(2);
  });

  it("a shared GET that fails rejects every caller with the same typed error", async () => {
    const server = fakeFetch(() => fail(503, "service_unavailable", "down"));
    const client = createApiClient({ fetch: server.fetch });
    const results = await Promise.allSettled([client.get("/api/x"), client.get("/api/x")]);
    expect(server.seen).toHaveLength(1);
    expect(results.map((r) => ((r as PromiseRejectedResult).reason as ApiError).code)).toEqual([
      "service_unavailable",
      "service_unavailable",
    ]);
  });

  it("different GETs are not shared", async () => {
    const server = fakeFetch(() => ok(null));
    const client = createApiClient({ fetch: server.fetch });
    await Promise.all([client.get("/api/a"), client.get("/api/a?page=2")]);
    expect(server.seen).toHaveLength(2);
  });

  it("identical writes are never de-duplicated", async () => {
    const server = fakeFetch((req) => ok({ n: server.seen.length, body: req.body }, { status: 201 }));
    const client = createApiClient({ fetch: server.fetch });
    const body = { name: "Mug", sku: "MUG-1" };
    await Promise.all([client.post("/api/v1/products", { body }), client.post("/api/v1/products", { body })]);
    await Promise.all([client.delete("/api/v1/products/1"), client.delete("/api/v1/products/1")]);
    expect(server.seen.map((r) => r.method)).toEqual(["POST", "POST", "DELETE", "DELETE"]);
  });

  it("sends If-Match and JSON on writes, and turns a network failure into a typed error", async () => {
    const server = fakeFetch(() => ok({}));
    const client = createApiClient({ fetch: server.fetch });
    await client.patch("/api/v1/products/1", { body: { stock: 2 }, ifMatch: '"1.4"' });
    expect(server.seen[0]?.headers["if-match"]).toBe('"1.4"');
    expect(server.seen[0]?.headers["content-type"]).toBe("application/json");
    const down = createApiClient({
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
    });
    await expect(down.get("/api/v1/products")).rejects.toMatchObject({ code: "network_error", status: 0 });
  });
});

describe("login redirect target", () => {
  it("keeps the page the user was on", () => {
    expect(loginUrl("/products/abc/edit?x=1")).toBe("/login?next=%2Fproducts%2Fabc%2Fedit%3Fx%3D1");
    expect(loginUrl("/products")).toBe("/login");
  });

  const ORIGIN = "http://127.0.0.1:3000";

  // Each of these, handed to the router or to location, would leave the dashboard (or run
  // script): the URL parser drops tabs and newlines and reads a backslash as a slash, and a
  // decoded %2F%2F is a protocol-relative URL.
  it.each([
    "//evil.example/x",
    "https://evil.example",
    "http://127.0.0.1:3001/products",
    "HTTPS://evil.example/products",
    "/\\evil.example",
    "/\\/evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    "products",
    "/login?next=/x",
    "/login",
    "/login/",
    "",
    null,
    undefined,
  ])("never redirects off-site or to login: %j", (hostile) => {
    expect(safeNext(hostile, ORIGIN)).toBe("/products");
  });

  it("keeps a same-origin path, its query and its fragment", () => {
    expect(safeNext("/categories", ORIGIN)).toBe("/categories");
    expect(safeNext("/products/abc/edit?x=1#top", ORIGIN)).toBe("/products/abc/edit?x=1#top");
    expect(safeNext("/products?q=a%20b", ORIGIN)).toBe("/products?q=a%20b");
    expect(safeNext("/products?q=a%2Fb", ORIGIN)).toBe("/products?q=a%2Fb");
    expect(safeNext("/users", "https://admin.mercato.example")).toBe("/users");
  });
});


describe("tracing and failed requests", () => {
  const TRACEPARENT = /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-0[01]$/;

  it("every request carries its own well-formed traceparent, retries and refreshes included", async () => {
    const server = tokenServer();
    const client = await signedIn(server);
    server.expire();
    await client.get("/api/v1/products");
    await client.post("/api/v1/products", { body: { name: "x" } });
    const headers = server.seen.map((r) => r.headers.traceparent);
    expect(server.seen.map((r) => r.path)).toContain("/api/v1/auth/refresh");
    for (const h of headers) expect(h).toMatch(TRACEPARENT);
    expect(new Set(headers.map((h) => h?.slice(3, 35))).size).toBe(headers.length);
  });

  it("a 5xx is handed to onFailedRequest with the gateway's request id and the trace id it sent", async () => {
    const failures: FailedRequest[] = [];
    const server = fakeFetch(() => fail(503, "service_unavailable", "down", undefined, { "X-Request-ID": "req-503" }));
    const client = createApiClient({ fetch: server.fetch, onFailedRequest: (f) => failures.push(f) });
    const error = await client.get("/api/v2/products?q=x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const sentTrace = server.seen[0]?.headers.traceparent?.slice(3, 35);
    expect((error as ApiError).traceId).toBe(sentTrace);
    expect((error as ApiError).requestId).toBe("req-503");
    expect(failures).toEqual([
      {
        method: "GET",
        path: "/api/v2/products?q=x",
        status: 503,
        message: "GET /api/v2/products?q=x failed: 503 service_unavailable",
        requestId: "req-503",
        traceId: sentTrace,
      },
    ]);
  });

  it("no answer at all is a failure with status 0 and no request id", async () => {
    const failures: FailedRequest[] = [];
    const client = createApiClient({
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
      onFailedRequest: (f) => failures.push(f),
    });
    const error = (await client.post("/api/v1/products", { body: {} }).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("network_error");
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ method: "POST", status: 0, requestId: null, traceId: error.traceId });
    expect(failures[0]?.traceId).toMatch(/^[0-9a-f]{32}$/);
  });

  it("client errors are the user's, not failures to report", async () => {
    const failures: FailedRequest[] = [];
    const server = fakeFetch(() => fail(422, "validation_failed", "bad", [{ field: "name", message: "is required" }]));
    const client = createApiClient({ fetch: server.fetch, onFailedRequest: (f) => failures.push(f) });
    await client.post("/api/v1/products", { body: {} }).catch(() => undefined);
    expect(failures).toEqual([]);
  });

  it("a reporter that throws changes nothing for the caller", async () => {
    const server = fakeFetch(() => fail(500, "internal"));
    const client = createApiClient({
      fetch: server.fetch,
      onFailedRequest: () => {
        throw new Error("reporter broke");
      },
    });
    const error = (await client.get("/api/v1/products").catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe("internal");
  });
});

describe("tokens for downloads and raw bodies", () => {
  const jwt = (exp: number) => `eyJhbGciOiJIUzI1NiJ9.${btoa(JSON.stringify({ sub: "u1", exp })).replace(/=+$/, "")}.sig`;

  it("reads a token's expiry, and refreshes before handing out one about to expire", async () => {
    expect(tokenExpiry(jwt(1234))).toBe(1234);
    expect(tokenExpiry("not-a-jwt")).toBeNull();
    const now = Math.floor(Date.now() / 1000);
    let next = jwt(now + 3);
    const server = fakeFetch((req) => {
      if (req.path === "/api/v1/auth/login") return ok({ access_token: next, user: ME });
      if (req.path === "/api/v1/auth/refresh") return ok({ access_token: (next = jwt(now + 900)), user: ME });
      return ok(null);
    });
    const client = createApiClient({ fetch: server.fetch });
    await client.login("a@b.co", "pw");
    const fresh = await client.freshToken(); // 3 s left: refreshed
    expect(tokenExpiry(fresh)).toBe(now + 900);
    expect(await client.freshToken()).toBe(fresh); // 900 s left: kept
    expect(server.seen.filter((r) => r.path === "/api/v1/auth/refresh")).toHaveLength(1);
  });

  it("sends a raw body with its own content type", async () => {
    const server = fakeFetch(() => ok({ received: true }));
    const client = createApiClient({ fetch: server.fetch });
    await client.put("/api/v1/imports/x/parts/1", { raw: { body: new Blob(["sku,name\n"]), contentType: "text/csv" } });
    expect(server.seen[0]).toMatchObject({ method: "PUT", headers: { "content-type": "text/csv" } });
  });
});
