import { unstable_serialize } from "swr";
import { describe, expect, it } from "vitest";
import { keyStartsWith, keys, normalizeProductParams, paths, urlOf } from "./keys";

describe("key factory", () => {
  it("makes equal keys for equal filters whatever the form held", () => {
    const a = keys.products.page({ q: "  mug ", status: undefined, category_id: "", sort: "-created_at" }, null);
    const b = keys.products.page({ q: "mug" }, null);
    expect(unstable_serialize(a)).toBe(unstable_serialize(b));
  });

  it("does not send a search shorter than the server accepts", () => {
    expect(normalizeProductParams({ q: "mu" }).q).toBeUndefined();
    expect(normalizeProductParams({ q: "müg" }).q).toBe("müg");
  });

  it("clamps the page size to the server's 1..100", () => {
    expect(normalizeProductParams({ limit: 1000 }).limit).toBe(100);
    expect(normalizeProductParams({ limit: 0 }).limit).toBe(1);
    expect(normalizeProductParams({}).limit).toBe(100);
  });

  it("maps list pages to the v2 cursor endpoint with sorted, encoded parameters", () => {
    const first = keys.products.page({ q: "red mug", status: "active", sort: "price", limit: 25 }, null);
    expect(urlOf(first)).toBe("/api/v2/products?limit=25&q=red+mug&sort=price&status=active");
    const next = keys.products.page({ q: "red mug", status: "active", sort: "price", limit: 25 }, "abc/+=");
    expect(urlOf(next)).toBe("/api/v2/products?cursor=abc%2F%2B%3D&limit=25&q=red+mug&sort=price&status=active");
  });

  it("maps details, categories, users and me to v1 paths", () => {
    expect(urlOf(keys.products.detail("0190a0b2-0000-7000-8000-000000000001"))).toBe(
      "/api/v1/products/0190a0b2-0000-7000-8000-000000000001",
    );
    expect(urlOf(keys.categories.page(3, 50))).toBe("/api/v1/categories?page=3&per_page=50");
    // The whole list is several pages (fetchEveryCategory), never one URL.
    expect(() => urlOf(keys.categories.list())).toThrow();
    expect(urlOf(keys.users.list(2, 20))).toBe("/api/v1/users?page=2&per_page=20");
    expect(urlOf(keys.auth.me())).toBe("/api/v1/auth/me");
    expect(() => urlOf(["nope"])).toThrow();
  });

  it("maps the operations view to the admin ops endpoints, every panel in one request", () => {
    expect(urlOf(keys.ops.series(["rate", "latency_p99"], 900))).toBe(
      "/api/v1/admin/ops/series?panel=rate%2Clatency_p99&range=900",
    );
    expect(urlOf(keys.ops.alerts())).toBe("/api/v1/admin/ops/alerts");
    expect(urlOf(keys.ops.slow())).toBe("/api/v1/admin/ops/slow-requests");
  });

  it("groups keys so a write can address every list or one detail", () => {
    const page = keys.products.page({ status: "draft" }, "c1");
    expect(keyStartsWith(page, keys.products.lists())).toBe(true);
    expect(keyStartsWith(page, keys.products.all())).toBe(true);
    expect(keyStartsWith(keys.products.detail("x"), keys.products.lists())).toBe(false);
    expect(keyStartsWith(keys.users.list(1, 20), keys.users.all())).toBe(true);
    expect(keyStartsWith("products", keys.products.all())).toBe(false);
  });

  it("names write paths beside the read keys", () => {
    expect(paths.productRestore("a b")).toBe("/api/v1/products/a%20b/restore");
    expect(paths.job("j1")).toBe("/api/v1/jobs/j1");
    expect(paths.importPart("i1", 3)).toBe("/api/v1/imports/i1/parts/3");
    expect(paths.importErrors("i1", null, 50)).toBe("/api/v1/imports/i1/errors?limit=50");
  });

  it("exports the list's filters, not its page size or a search too short to send", () => {
    expect(paths.productsExport({ q: "mu", status: "active", category_id: "c1", sort: "name" })).toBe(
      "/api/v1/products/export?category_id=c1&sort=name&status=active",
    );
    expect(paths.productsExport({ q: "mug" })).toBe("/api/v1/products/export?q=mug");
    expect(paths.productsExport({})).toBe("/api/v1/products/export");
  });

  it("keys audit pages by their filter, empty values dropped", () => {
    const a = keys.audit.page({ entity_type: "product", entity_id: "p1", action: "", user_id: " " }, null);
    expect(a).toEqual(keys.audit.page({ entity_id: "p1", entity_type: "product" }, ""));
    expect(urlOf(a)).toBe("/api/v1/audit?entity_id=p1&entity_type=product&limit=50");
    expect(urlOf(keys.audit.page({ since: "2026-12-05T10:00:00.000Z" }, "cur"))).toBe(
      "/api/v1/audit?cursor=cur&limit=50&since=2026-12-05T10%3A00%3A00.000Z",
    );
  });
});
