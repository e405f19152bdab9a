import { describe, expect, it } from "vitest";
import type { ApiResult } from "../api/envelope";
import type { PageMeta } from "../api/types";
import { fetchAllPages } from "./all-pages";

type Row = { id: number };

function server(total: number) {
  const asked: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const getPage = async (page: number, perPage: number): Promise<ApiResult<Row[], PageMeta>> => {
    asked.push(page);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    const from = (page - 1) * perPage;
    const rows = Array.from({ length: Math.max(0, Math.min(perPage, total - from)) }, (_, i) => ({ id: from + i + 1 }));
    return {
      data: rows,
      meta: { page, per_page: perPage, total_items: total, total_pages: Math.max(1, Math.ceil(total / perPage)) },
      etag: null,
      status: 200,
    };
  };
  return { getPage, asked, maxInFlight: () => maxInFlight };
}

describe("fetchAllPages", () => {
  it("merges every page in order beyond the server's 100-row cap", async () => {
    const s = server(312);
    const r = await fetchAllPages(s.getPage, { perPage: 100, maxPages: 50, concurrency: 4 });
    expect(r.data.map((x) => x.id)).toEqual(Array.from({ length: 312 }, (_, i) => i + 1));
    expect(r.meta).toEqual({ total_items: 312, truncated: false });
    expect([...s.asked].sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  });

  it("asks once for a list that fits one page", async () => {
    const s = server(7);
    const r = await fetchAllPages(s.getPage, { perPage: 100, maxPages: 50, concurrency: 4 });
    expect(r.data).toHaveLength(7);
    expect(s.asked).toEqual([1]);
  });

  it("stops at the bound and says the list is truncated", async () => {
    const s = server(1_000);
    const r = await fetchAllPages(s.getPage, { perPage: 10, maxPages: 5, concurrency: 2 });
    expect(r.data).toHaveLength(50);
    expect(r.meta).toEqual({ total_items: 1_000, truncated: true });
    expect(s.asked).toHaveLength(5);
    expect(s.maxInFlight()).toBeLessThanOrEqual(2);
  });

  it("shows a row that moved between pages while they loaded once", async () => {
    const getPage = async (page: number): Promise<ApiResult<Row[], PageMeta>> => ({
      data: page === 1 ? [{ id: 1 }, { id: 2 }] : [{ id: 2 }, { id: 3 }],
      meta: { page, per_page: 2, total_items: 4, total_pages: 2 },
      etag: null,
      status: 200,
    });
    const r = await fetchAllPages(getPage, { perPage: 2, maxPages: 5, concurrency: 1 });
    expect(r.data.map((x) => x.id)).toEqual([1, 2, 3]);
  });

  it("fails as a whole when a page fails, rather than showing part of the list as all of it", async () => {
    const s = server(250);
    const failing = async (page: number, perPage: number) => {
      if (page === 3) throw new Error("503");
      return s.getPage(page, perPage);
    };
    await expect(fetchAllPages(failing, { perPage: 100, maxPages: 50, concurrency: 4 })).rejects.toThrow("503");
  });
});
