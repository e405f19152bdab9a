import { describe, expect, it, vi } from "vitest";

vi.mock("./index", () => ({ swrFetcher: vi.fn() }));

const { isRetryable, retryDelay } = await import("./swr-config");
const { ApiError } = await import("./envelope");

const err = (status: number, code: string, retryAfterSeconds: number | null = null) =>
  new ApiError({ status, code: code as never, message: code, retryAfterSeconds });

describe("SWR retry policy", () => {
  it("retries network errors, 429 and 502-504 but not client errors or 401", () => {
    expect(isRetryable(err(0, "network_error"))).toBe(true);
    expect(isRetryable(err(503, "service_unavailable"))).toBe(true);
    expect(isRetryable(err(429, "rate_limited"))).toBe(true);
    expect(isRetryable(err(404, "not_found"))).toBe(false);
    expect(isRetryable(err(401, "token_expired"))).toBe(false);
    expect(isRetryable(err(422, "validation_failed"))).toBe(false);
    expect(isRetryable(err(500, "internal"))).toBe(false);
  });

  it("backs off exponentially with jitter, honours Retry-After, and stops after three", () => {
    const mid = () => 0.5;
    expect(retryDelay(err(503, "service_unavailable"), 1, mid)).toBe(1000);
    expect(retryDelay(err(503, "service_unavailable"), 3, mid)).toBe(4000);
    expect(retryDelay(err(503, "service_unavailable"), 4, mid)).toBeNull();
    expect(retryDelay(err(429, "rate_limited", 9), 1, mid)).toBe(9000);
    expect(retryDelay(err(400, "bad_request"), 1, mid)).toBeNull();
    const low = retryDelay(err(0, "network_error"), 2, () => 0)!;
    const high = retryDelay(err(0, "network_error"), 2, () => 0.999)!;
    expect(low).toBeGreaterThanOrEqual(1500);
    expect(high).toBeLessThanOrEqual(2500);
  });
});
