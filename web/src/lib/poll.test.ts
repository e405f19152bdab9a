import { describe, expect, it } from "vitest";
import { ApiError } from "./api/envelope";
import { pollUntil } from "./poll";

describe("pollUntil", () => {
  it("waits longer between reads, up to the maximum", async () => {
    let n = 0;
    const waits: number[] = [];
    const v = await pollUntil(async () => ++n, (x) => x === 6, {
      intervalMs: 1000,
      maxIntervalMs: 3000,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(v).toBe(6);
    expect(waits).toEqual([1000, 1500, 2250, 3000, 3000]);
  });

  it("reads again after a transient failure, honouring Retry-After, and gives up on any other", async () => {
    const answers: (number | ApiError)[] = [
      new ApiError({ status: 503, code: "service_unavailable", message: "x" }),
      new ApiError({ status: 429, code: "rate_limited", message: "x", retryAfterSeconds: 7 }),
      1,
    ];
    const waits: number[] = [];
    const read = async () => {
      const a = answers.shift()!;
      if (a instanceof ApiError) throw a;
      return a;
    };
    await expect(pollUntil(read, () => true, { intervalMs: 100, sleep: async (ms) => void waits.push(ms) })).resolves.toBe(1);
    expect(waits).toEqual([100, 7000]);

    const gone = new ApiError({ status: 404, code: "not_found", message: "job not found" });
    await expect(pollUntil(() => Promise.reject(gone), () => true, { sleep: async () => undefined })).rejects.toBe(gone);
  });

  it("gives up after too many transient failures in a row", async () => {
    const down = new ApiError({ status: 0, code: "network_error", message: "x" });
    let reads = 0;
    const read = () => {
      reads++;
      return Promise.reject(down);
    };
    await expect(pollUntil(read, () => true, { maxErrors: 2, sleep: async () => undefined })).rejects.toBe(down);
    expect(reads).toBe(3);
  });

  it("stops when its signal is aborted", async () => {
    const ctl = new AbortController();
    const p = pollUntil(async () => 0, () => false, { intervalMs: 60_000, signal: ctl.signal });
    ctl.abort(new Error("left the page"));
    await expect(p).rejects.toThrow("left the page");
  });
});
