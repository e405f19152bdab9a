import { describe, expect, it, vi } from "vitest";
import { ApiError } from "./envelope";
import { fromListRow, optimistic, removeFromPages, toListRow, updateInPages, type ProductListPage } from "./optimistic";
import type { Product } from "./types";

const product = (id: string, over: Partial<Product> = {}): Product => ({
  id,
  store_id: "s",
  category_id: null,
  category: null,
  name: `P ${id}`,
  slug: `p-${id}`,
  sku: `SKU-${id}`,
  description: "",
  price_cents: 1999,
  currency: "EUR",
  status: "active",
  stock: 3,
  attributes: {},
  images: [],
  version: 1,
  created_at: "2026-01-01T00:00:00Z",
  updated_at: "2026-01-01T00:00:00Z",
  deleted_at: null,
  ...over,
});

const pages = (): ProductListPage[] => [
  { data: [toListRow(product("a")), toListRow(product("b"))], meta: { limit: 2, next_cursor: "c", has_more: true }, etag: null, status: 200 },
  { data: [toListRow(product("c"))], meta: { limit: 2, next_cursor: null, has_more: false }, etag: null, status: 200 },
];

describe("optimistic", () => {
  it("rolls the cache back when the write fails, rethrows, and still revalidates", async () => {
    let cache = pages();
    const before = cache;
    const settle = vi.fn();
    const err = new ApiError({ status: 412, code: "precondition_failed", message: "changed" });
    await expect(
      optimistic({
        apply: () => {
          const snapshot = cache;
          cache = removeFromPages(cache, new Set(["b"]));
          return () => (cache = snapshot);
        },
        commit: () => Promise.reject(err),
        settle,
      }),
    ).rejects.toBe(err);
    expect(cache).toBe(before);
    expect(settle).toHaveBeenCalledTimes(1);
  });

  it("keeps the optimistic change on success and revalidates after the commit", async () => {
    let cache = pages();
    const order: string[] = [];
    const result = await optimistic({
      apply: () => {
        order.push("apply");
        cache = updateInPages(cache, new Set(["a"]), (r) => ({ ...r, status: "archived" }));
        return () => order.push("rollback");
      },
      commit: async () => {
        order.push("commit");
        return 7;
      },
      settle: () => order.push("settle"),
    });
    expect(result).toBe(7);
    expect(order).toEqual(["apply", "commit", "settle"]);
    expect(cache[0]?.data.map((r) => r.status)).toEqual(["archived", "active"]);
  });

  it("removes rows from every page and leaves the cursors alone", () => {
    const out = removeFromPages(pages(), new Set(["a", "c"]));
    expect(out.map((p) => p.data.map((r) => r.id))).toEqual([["b"], []]);
    expect(out[0]?.meta?.next_cursor).toBe("c");
  });

  it("converts between the v1 product and the v2 list row without losing fields", () => {
    const p = product("x", { price_cents: 12345, currency: "USD" });
    const row = toListRow(p);
    expect(row.price).toEqual({ amount: 12345, currency: "USD" });
    expect("price_cents" in row).toBe(false);
    expect(fromListRow(row)).toEqual(p);
  });
});
