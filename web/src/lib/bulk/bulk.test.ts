import { describe, expect, it } from "vitest";
import { ApiError } from "../api/envelope";
import { BULK_MAX_ITEMS, bulkBody, bulkByIds, chunk, inverseAction, jobFinished, jobFraction, undoPlan, waitForJob, type Job } from "./bulk";

const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id-${i}` }));

function job(state: Job["state"], done: number, total: number | null): Job {
  return {
    id: "j",
    kind: "products.bulk",
    state,
    progress: { done, total, errors: 0 },
    failed_items: [],
    error: null,
    attempts: 1,
    created_at: "",
    updated_at: "",
    started_at: null,
    finished_at: null,
  };
}

describe("chunk", () => {
  it("cuts at the size, the last run shorter, nothing for nothing", () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([1, 2], 2)).toEqual([[1, 2]]);
    expect(chunk([], 1000)).toEqual([]);
    expect(chunk(ids(2500), BULK_MAX_ITEMS).map((c) => c.length)).toEqual([1000, 1000, 500]);
  });
});

describe("bulk bodies", () => {
  it("carries the action's argument and exactly one of items or filter", () => {
    expect(bulkBody("archive", {}, { items: [{ id: "a" }] })).toEqual({ action: "archive", items: [{ id: "a" }] });
    expect(bulkBody("set_category", {}, { filter: { status: "active" } })).toEqual({
      action: "set_category",
      category_id: null,
      filter: { status: "active" },
    });
    expect(bulkBody("adjust_price", { percent: -15 }, { items: [] })).toEqual({ action: "adjust_price", percent: -15, items: [] });
    expect(bulkBody("adjust_price", { amount_cents: 250 }, { items: [] })).toEqual({ action: "adjust_price", amount_cents: 250, items: [] });
  });

  it("undoes status and deletion changes, not category or price", () => {
    expect(inverseAction("archive")).toBe("activate");
    expect(inverseAction("delete")).toBe("restore");
    expect(inverseAction("restore")).toBe("delete");
    expect(inverseAction("set_category")).toBeNull();
    expect(inverseAction("adjust_price")).toBeNull();
  });
});

describe("undoPlan", () => {
  it("sends the inverse with each item's new ETag, drafts apart", () => {
    const done = [
      { id: "a", status: 200, etag: '"a.4"' },
      { id: "b", status: 200, etag: '"b.2"' },
    ];
    const previous = new Map([
      ["a", "active"],
      ["b", "draft"],
    ]);
    expect(undoPlan("archive", done, previous)).toEqual({
      inverse: "activate",
      items: [{ id: "a", if_match: '"a.4"' }],
      drafts: [{ id: "b", if_match: '"b.2"' }],
    });
    // A deleted draft comes back as the draft it was: restore keeps the status.
    expect(undoPlan("delete", done, previous)).toEqual({
      inverse: "restore",
      items: [
        { id: "a", if_match: '"a.4"' },
        { id: "b", if_match: '"b.2"' },
      ],
      drafts: [],
    });
    expect(undoPlan("adjust_price", done, previous)).toBeNull();
  });
});

describe("bulkByIds", () => {
  it("sends one call per 1,000 ids and merges the items in order", async () => {
    const sent: number[] = [];
    const api = {
      post: async (_path: string, opts?: { body?: unknown }) => {
        const items = (opts?.body as { items: { id: string }[] }).items;
        sent.push(items.length);
        return {
          data: { action: "archive", succeeded: 0, failed: 0, items: items.map((i) => ({ id: i.id, status: i.id === "id-1500" ? 412 : 200 })) },
          meta: undefined,
          etag: null,
          status: 200,
        } as never;
      },
    };
    const progress: number[] = [];
    const r = await bulkByIds(api, "archive", {}, ids(2001), (done) => progress.push(done));
    expect(sent).toEqual([1000, 1000, 1]);
    expect(progress).toEqual([1000, 2000, 2001]);
    expect(r.items.map((i) => i.id)).toEqual(ids(2001).map((i) => i.id));
    expect(r.succeeded).toBe(2000);
    expect(r.failed).toBe(1);
  });

  it("throws a refusal of the first call, fails only the items of a later one", async () => {
    const refused = new ApiError({ status: 422, code: "validation_failed", message: "no" });
    await expect(bulkByIds({ post: () => Promise.reject(refused) }, "archive", {}, ids(3), undefined, 2)).rejects.toBe(refused);

    let calls = 0;
    const api = {
      post: async (_p: string, opts?: { body?: unknown }) => {
        if (calls++ > 0) throw new ApiError({ status: 503, code: "service_unavailable", message: "down" });
        const items = (opts?.body as { items: { id: string }[] }).items;
        return { data: { action: "archive", succeeded: 2, failed: 0, items: items.map((i) => ({ id: i.id, status: 200 })) } } as never;
      },
    };
    const r = await bulkByIds(api, "archive", {}, ids(3), undefined, 2);
    expect(r.succeeded).toBe(2);
    expect(r.items[2]).toEqual({ id: "id-2", status: 503, error: { code: "service_unavailable", message: "down" } });
  });
});

describe("jobs", () => {
  it("is finished in a final state and measures progress once counted", () => {
    expect(jobFinished(job("running", 1, 2))).toBe(false);
    expect(jobFinished(job("failed", 1, 2))).toBe(true);
    expect(jobFraction(job("queued", 0, null))).toBeNull();
    expect(jobFraction(job("running", 50, 200))).toBe(0.25);
    expect(jobFraction(job("running", 0, 0))).toBe(1);
    expect(jobFraction(job("succeeded", 90, 100))).toBe(1); // products that stopped matching
  });

  it("polls the job until it ends, reporting each state", async () => {
    const states = [job("queued", 0, null), job("running", 100, 150), job("succeeded", 150, 150)];
    const paths: string[] = [];
    const seen: string[] = [];
    const api = {
      get: async (path: string) => {
        paths.push(path);
        return { data: states.shift() } as never;
      },
    };
    const last = await waitForJob(api, "abc", { sleep: async () => undefined, onUpdate: (j) => seen.push(j.state) });
    expect(last.state).toBe("succeeded");
    expect(seen).toEqual(["queued", "running", "succeeded"]);
    expect(paths).toEqual(["/api/v1/jobs/abc", "/api/v1/jobs/abc", "/api/v1/jobs/abc"]);
  });
});
