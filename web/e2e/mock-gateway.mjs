#!/usr/bin/env node
// A stand-in for the Mercato gateway, in memory, for working on the dashboard without the C++
// stack: `node e2e/mock-gateway.mjs` (port MOCK_PORT, default 18999), then build or run the
// dashboard with MERCATO_GATEWAY_URL=http://127.0.0.1:18999.
//
// It follows ARCHITECTURE.md's contract (envelope, error codes, v1/v2 products, ETag/If-Match,
// soft delete and restore, roles, refresh cookie on /api/v1/auth with rotation) closely enough
// to drive the whole dashboard and its e2e suite. It is a development aid, not the reference:
// the real services are. Written by hand for this purpose; nothing here is copied.
//
// Environment: MOCK_PORT, MOCK_ADMIN_EMAIL, MOCK_ADMIN_PASSWORD, MOCK_TOKEN_TTL (seconds, default
// 900), MOCK_PRODUCTS (seeded products, default 1200).

import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";

const PORT = Number(process.env.MOCK_PORT || 18999);
const TTL = Number(process.env.MOCK_TOKEN_TTL || 900);
const ADMIN_EMAIL = process.env.MOCK_ADMIN_EMAIL || "admin@mercato.dev";
const ADMIN_PASSWORD = process.env.MOCK_ADMIN_PASSWORD || "admin-password-123";
const SEED = Number(process.env.MOCK_PRODUCTS ?? 1200);
const STORE = "00000000-0000-7000-8000-000000000001";
const RANK = { viewer: 0, editor: 1, admin: 2 };

const now = () => new Date().toISOString();
const users = new Map();
const passwords = new Map();
const access = new Map(); // token → {userId, exp}
const refresh = new Map(); // token → {userId, used}
const categories = new Map();
const products = new Map();

function addUser(email, password, role, name = "") {
  const u = { id: randomUUID(), email, name, role, store_id: STORE, active: true, created_at: now(), updated_at: now(), password_changed_at: now() };
  users.set(u.id, u);
  passwords.set(u.id, password);
  return u;
}
addUser(ADMIN_EMAIL, ADMIN_PASSWORD, "admin", "Demo Admin");

for (const name of ["Kitchen", "Garden", "Office", "Toys", "Books"]) {
  const c = { id: randomUUID(), store_id: STORE, name, slug: name.toLowerCase(), description: `${name} products`, version: 1, created_at: now(), updated_at: now() };
  categories.set(c.id, c);
}
const catIds = [...categories.keys()];
const adjectives = ["Blue", "Red", "Oak", "Steel", "Linen", "Glass", "Cotton", "Ceramic", "Bamboo", "Copper"];
const nouns = ["Mug", "Chair", "Lamp", "Notebook", "Planter", "Kite", "Bowl", "Shelf", "Towel", "Clock"];
for (let i = 0; i < SEED; i++) {
  const name = `${adjectives[i % 10]} ${nouns[Math.floor(i / 10) % 10]} ${i + 1}`;
  const created = new Date(Date.now() - (SEED - i) * 60_000).toISOString();
  const p = {
    id: randomUUID(),
    store_id: STORE,
    category_id: catIds[i % catIds.length],
    name,
    slug: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
    sku: `SKU-${String(i + 1).padStart(5, "0")}`,
    description: `A ${name.toLowerCase()} for everyday use.`,
    price_cents: 500 + ((i * 137) % 20000),
    currency: "EUR",
    status: ["active", "active", "draft", "archived"][i % 4],
    stock: (i * 7) % 120,
    attributes: i % 3 === 0 ? { colour: adjectives[i % 10].toLowerCase(), sizes: ["S", "M"] } : {},
    images: i % 5 === 0 ? [{ id: randomUUID(), url: `https://picsum.photos/seed/${i}/400/400`, alt_text: name, position: 0 }] : [],
    version: 1,
    created_at: created,
    updated_at: created,
    deleted_at: null,
  };
  products.set(p.id, p);
}

// ---- helpers ----

function send(res, status, body, headers = {}) {
  const text = body === null ? "" : JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "X-Request-ID": randomUUID(), ...headers });
  res.end(text);
}
const ok = (res, data, status = 200, meta, headers) => send(res, status, { success: true, data, ...(meta ? { meta } : {}) }, headers);
const STATUS = {
  bad_request: 400, validation_failed: 422, auth_required: 401, token_expired: 401, invalid_token: 401,
  invalid_credentials: 401, forbidden: 403, not_found: 404, method_not_allowed: 405, conflict: 409,
  precondition_failed: 412, unsupported_media_type: 415,
};
const fail = (res, code, message, details) =>
  send(res, STATUS[code] || 500, { success: false, error: { code, message, ...(details ? { details } : {}) } });

function cookie(req, name) {
  for (const part of (req.headers.cookie || "").split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

function auth(req) {
  const h = req.headers.authorization;
  if (!h) return { error: "auth_required" };
  const t = access.get(h.replace(/^Bearer /, ""));
  if (!t) return { error: "invalid_token" };
  if (t.exp < Date.now()) return { error: "token_expired" };
  const u = users.get(t.userId);
  if (!u || !u.active) return { error: "invalid_token" };
  return { user: u };
}

function requireRole(req, res, role) {
  const a = auth(req);
  if (a.error) {
    fail(res, a.error, a.error.replace("_", " "));
    return null;
  }
  if (RANK[a.user.role] < RANK[role]) {
    fail(res, "forbidden", `needs the ${role} role`);
    return null;
  }
  return a.user;
}

function issue(res, user, status = 200) {
  const at = `at_${randomBytes(18).toString("base64url")}`;
  access.set(at, { userId: user.id, exp: Date.now() + TTL * 1000 });
  const rt = randomBytes(32).toString("base64url");
  refresh.set(rt, { userId: user.id, used: false });
  ok(res, { access_token: at, token_type: "Bearer", expires_in: TTL, user }, status, undefined, {
    "Set-Cookie": `refresh_token=${rt}; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=2592000`,
  });
}

const etag = (p) => `"${p.id}.${p.version}"`;
function withCategory(p) {
  const c = p.category_id ? categories.get(p.category_id) : null;
  return { ...p, category: c ? { id: c.id, name: c.name } : null };
}
const v2 = (p) => {
  const { price_cents, currency, ...rest } = withCategory(p);
  return { ...rest, price: { amount: price_cents, currency } };
};

function validateProduct(b, create) {
  const d = [];
  const known = ["name", "sku", "slug", "description", "price_cents", "currency", "status", "stock", "category_id", "attributes", "images"];
  for (const k of Object.keys(b)) if (!known.includes(k)) d.push({ field: k, message: "is not a known field" });
  for (const k of create ? ["name", "sku", "price_cents", "currency"] : []) if (b[k] === undefined) d.push({ field: k, message: "is required" });
  if (b.name !== undefined && (typeof b.name !== "string" || b.name.length < 1 || b.name.length > 200)) d.push({ field: "name", message: "must be 1 to 200 characters" });
  if (b.sku !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(b.sku)) d.push({ field: "sku", message: "must be letters, digits, '.', '_' or '-', starting with a letter or digit" });
  if (b.price_cents !== undefined && (!Number.isInteger(b.price_cents) || b.price_cents < 0)) d.push({ field: "price_cents", message: "must be an integer from 0 to 100000000000" });
  if (b.currency !== undefined && !/^[A-Z]{3}$/.test(b.currency)) d.push({ field: "currency", message: "must be an ISO 4217 code such as EUR" });
  if (b.status !== undefined && !["draft", "active", "archived"].includes(b.status)) d.push({ field: "status", message: "must be one of draft, active, archived" });
  if (b.stock !== undefined && (!Number.isInteger(b.stock) || b.stock < 0)) d.push({ field: "stock", message: "must be an integer from 0 to 2147483647" });
  if (b.category_id && !categories.has(b.category_id)) d.push({ field: "category_id", message: "no such category in this store" });
  if (!create && Object.keys(b).length === 0) d.push({ field: "body", message: "must change at least one field" });
  return d;
}

function skuTaken(sku, exceptId) {
  for (const p of products.values()) if (p.sku === sku && p.id !== exceptId && !p.deleted_at) return true;
  return false;
}

function listProducts(q) {
  let rows = [...products.values()].filter((p) => !p.deleted_at);
  const text = q.get("q");
  if (text) rows = rows.filter((p) => `${p.name} ${p.sku}`.toLowerCase().includes(text.toLowerCase()));
  if (q.get("status")) rows = rows.filter((p) => p.status === q.get("status"));
  if (q.get("category_id")) rows = rows.filter((p) => p.category_id === q.get("category_id"));
  const sort = q.get("sort") || "-created_at";
  const key = sort.replace("-", "");
  const dir = sort.startsWith("-") ? -1 : 1;
  const val = (p) => (key === "price" ? p.price_cents : p[key]);
  rows.sort((a, b) => (val(a) < val(b) ? -dir : val(a) > val(b) ? dir : a.id < b.id ? -1 : 1));
  return rows;
}

async function body(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text.trim()) return {};
  return JSON.parse(text);
}

// ---- routes ----

async function handle(req, res) {
  const url = new URL(req.url, "http://mock");
  const path = url.pathname;
  const m = req.method;
  let b = {};
  if (m === "POST" || m === "PATCH") {
    try {
      b = await body(req);
    } catch {
      return fail(res, "bad_request", "body is not JSON");
    }
  }
  let match;

  if (path === "/api/v1/auth/login" && m === "POST") {
    const u = [...users.values()].find((x) => x.email.toLowerCase() === String(b.email || "").toLowerCase());
    if (!u || !u.active || passwords.get(u.id) !== b.password) return fail(res, "invalid_credentials", "email or password is wrong");
    return issue(res, u);
  }
  if (path === "/api/v1/auth/refresh" && m === "POST") {
    const rt = cookie(req, "refresh_token");
    const r = rt && refresh.get(rt);
    if (!r || r.used) return fail(res, "invalid_token", "refresh token is not valid");
    r.used = true;
    const u = users.get(r.userId);
    if (!u || !u.active) return fail(res, "invalid_token", "refresh token is not valid");
    return issue(res, u);
  }
  if (path === "/api/v1/auth/logout" && m === "POST") {
    const rt = cookie(req, "refresh_token");
    if (rt) refresh.delete(rt);
    return ok(res, null, 200, undefined, { "Set-Cookie": "refresh_token=; HttpOnly; SameSite=Strict; Path=/api/v1/auth; Max-Age=0" });
  }
  if (path === "/api/v1/auth/me" && m === "GET") {
    const a = auth(req);
    return a.error ? fail(res, a.error, a.error) : ok(res, a.user);
  }
  if (path === "/api/v1/rum" && m === "POST") return send(res, 204, null);

  if (path === "/api/v2/products" && m === "GET") {
    const q = url.searchParams;
    if (q.get("q") && q.get("q").length < 3) return fail(res, "validation_failed", "invalid query parameters", [{ field: "q", message: "must be at least 3 characters" }]);
    const rows = listProducts(q);
    const limit = Math.min(100, Number(q.get("limit") || 20));
    const start = q.get("cursor") ? Number(Buffer.from(q.get("cursor"), "base64url").toString()) : 0;
    const page = rows.slice(start, start + limit);
    const more = start + limit < rows.length;
    return ok(res, page.map(v2), 200, { limit, next_cursor: more ? Buffer.from(String(start + limit)).toString("base64url") : null, has_more: more });
  }
  if (path === "/api/v1/products" && m === "GET") {
    const rows = listProducts(url.searchParams);
    const per = Math.min(100, Number(url.searchParams.get("per_page") || 20));
    const pg = Number(url.searchParams.get("page") || 1);
    return ok(res, rows.slice((pg - 1) * per, pg * per).map(withCategory), 200, { page: pg, per_page: per, total_items: rows.length, total_pages: Math.ceil(rows.length / per) });
  }
  if (path === "/api/v1/products" && m === "POST") {
    if (!requireRole(req, res, "editor")) return;
    const d = validateProduct(b, true);
    if (d.length) return fail(res, "validation_failed", "invalid body", d);
    if (skuTaken(b.sku)) return fail(res, "conflict", "another live item of this store already uses one of these values", [{ field: "sku", message: "is already used" }]);
    const p = {
      id: randomUUID(), store_id: STORE, category_id: b.category_id ?? null, name: b.name,
      slug: b.slug || `${b.name} ${b.sku}`.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
      sku: b.sku, description: b.description ?? "", price_cents: b.price_cents, currency: b.currency,
      status: b.status ?? "draft", stock: b.stock ?? 0, attributes: b.attributes ?? {},
      images: (b.images ?? []).map((img, i) => ({ id: randomUUID(), url: img.url, alt_text: img.alt_text ?? "", position: i })),
      version: 1, created_at: now(), updated_at: now(), deleted_at: null,
    };
    products.set(p.id, p);
    return ok(res, withCategory(p), 201, undefined, { ETag: etag(p), Location: `/api/v1/products/${p.id}` });
  }
  if ((match = path.match(/^\/api\/v[12]\/products\/([0-9a-f-]{36})$/))) {
    const p = products.get(match[1]);
    const live = p && !p.deleted_at;
    if (m === "GET") return live ? ok(res, path.startsWith("/api/v2") ? v2(p) : withCategory(p), 200, undefined, { ETag: etag(p) }) : fail(res, "not_found", "product not found");
    if (!requireRole(req, res, "editor")) return;
    if (!live) return fail(res, "not_found", "product not found");
    const im = req.headers["if-match"];
    if (im && im !== "*" && !im.split(",").map((s) => s.trim()).includes(etag(p)))
      return fail(res, "precondition_failed", "the product changed since you read it: fetch it again and retry with its new ETag");
    if (m === "PATCH") {
      const d = validateProduct(b, false);
      if (d.length) return fail(res, "validation_failed", "invalid body", d);
      if (b.sku && skuTaken(b.sku, p.id)) return fail(res, "conflict", "another live item of this store already uses one of these values", [{ field: "sku", message: "is already used" }]);
      const { images, ...rest } = b;
      Object.assign(p, rest, { version: p.version + 1, updated_at: now() });
      if (images) p.images = images.map((img, i) => ({ id: randomUUID(), url: img.url, alt_text: img.alt_text ?? "", position: i }));
      return ok(res, withCategory(p), 200, undefined, { ETag: etag(p) });
    }
    if (m === "DELETE") {
      p.deleted_at = now();
      p.version += 1;
      return send(res, 204, null);
    }
  }
  if ((match = path.match(/^\/api\/v1\/products\/([0-9a-f-]{36})\/restore$/)) && m === "POST") {
    if (!requireRole(req, res, "editor")) return;
    const p = products.get(match[1]);
    if (!p) return fail(res, "not_found", "product not found");
    if (!p.deleted_at) return fail(res, "conflict", "product is not deleted");
    p.deleted_at = null;
    p.version += 1;
    return ok(res, withCategory(p), 200, undefined, { ETag: etag(p) });
  }

  if (path === "/api/v1/categories" && m === "GET") {
    const rows = [...categories.values()].map((c) => ({
      ...c,
      product_count: [...products.values()].filter((p) => p.category_id === c.id && !p.deleted_at).length,
    }));
    return ok(res, rows, 200, { page: 1, per_page: 100, total_items: rows.length, total_pages: 1 });
  }
  if (path === "/api/v1/categories" && m === "POST") {
    if (!requireRole(req, res, "editor")) return;
    if (!b.name) return fail(res, "validation_failed", "invalid body", [{ field: "name", message: "is required" }]);
    const c = { id: randomUUID(), store_id: STORE, name: b.name, slug: b.slug || b.name.toLowerCase().replace(/[^a-z0-9]+/g, "-"), description: b.description ?? "", version: 1, created_at: now(), updated_at: now() };
    categories.set(c.id, c);
    return ok(res, { ...c, product_count: 0 }, 201);
  }
  if ((match = path.match(/^\/api\/v1\/categories\/([0-9a-f-]{36})$/))) {
    if (!requireRole(req, res, "editor")) return;
    const c = categories.get(match[1]);
    if (!c) return fail(res, "not_found", "category not found");
    if (m === "PATCH") {
      Object.assign(c, b, { version: c.version + 1, updated_at: now() });
      return ok(res, { ...c, product_count: 0 });
    }
    if (m === "DELETE") {
      if ([...products.values()].some((p) => p.category_id === c.id && !p.deleted_at)) return fail(res, "conflict", "category still holds live products");
      categories.delete(c.id);
      return send(res, 204, null);
    }
  }

  if (path === "/api/v1/users") {
    if (!requireRole(req, res, "admin")) return;
    if (m === "GET") {
      const rows = [...users.values()];
      const per = Number(url.searchParams.get("per_page") || 20);
      const pg = Number(url.searchParams.get("page") || 1);
      return ok(res, rows.slice((pg - 1) * per, pg * per), 200, { page: pg, per_page: per, total_items: rows.length, total_pages: Math.max(1, Math.ceil(rows.length / per)) });
    }
    if (m === "POST") {
      if ([...users.values()].some((u) => u.email.toLowerCase() === String(b.email).toLowerCase())) return fail(res, "conflict", "email already used");
      if (!b.password || b.password.length < 12) return fail(res, "validation_failed", "invalid body", [{ field: "password", message: "must be at least 12 bytes long" }]);
      return ok(res, addUser(b.email, b.password, b.role, b.name ?? ""), 201);
    }
  }
  if ((match = path.match(/^\/api\/v1\/users\/([0-9a-f-]{36})$/))) {
    if (!requireRole(req, res, "admin")) return;
    const u = users.get(match[1]);
    if (!u) return fail(res, "not_found", "user not found");
    const admins = [...users.values()].filter((x) => x.role === "admin" && x.active);
    const lastAdmin = u.role === "admin" && u.active && admins.length === 1;
    if (m === "PATCH") {
      if (lastAdmin && ((b.role && b.role !== "admin") || b.active === false)) return fail(res, "conflict", "the last active admin cannot be demoted or deactivated");
      const { password, ...rest } = b;
      Object.assign(u, rest, { updated_at: now() });
      if (password) passwords.set(u.id, password);
      return ok(res, u);
    }
    if (m === "DELETE") {
      if (lastAdmin) return fail(res, "conflict", "the last active admin cannot be removed");
      users.delete(u.id);
      return send(res, 204, null);
    }
  }
  return fail(res, "not_found", `no route for ${m} ${path}`);
}

createServer((req, res) => {
  handle(req, res).catch((e) => send(res, 500, { success: false, error: { code: "internal", message: String(e) } }));
}).listen(PORT, "127.0.0.1", () => {
  console.log(`mock gateway on http://127.0.0.1:${PORT} (admin ${ADMIN_EMAIL} / ${ADMIN_PASSWORD}, token TTL ${TTL}s, ${SEED} products)`);
});
