import { describe, expect, it } from "vitest";
import { ApiError, isApiError, parseResponse } from "./envelope";

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

describe("parseResponse", () => {
  it("unwraps data, meta and the ETag of a success envelope", async () => {
    const res = json({ success: true, data: { id: "p1" }, meta: { page: 1 } }, 200, { ETag: '"p1.3"' });
    const r = await parseResponse<{ id: string }, { page: number }>(res);
    expect(r).toEqual({ data: { id: "p1" }, meta: { page: 1 }, etag: '"p1.3"', status: 200 });
  });

  it("turns an error envelope into a typed ApiError with field details and request id", async () => {
    const res = json(
      {
        success: false,
        error: {
          code: "validation_failed",
          message: "invalid body",
          details: [
            { field: "price_cents", message: "must be an integer from 0 to 100000000000" },
            { field: "sku", message: "is required" },
            { nonsense: true },
          ],
        },
      },
      422,
      { "X-Request-ID": "req-42" },
    );
    const err = await parseResponse(res).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const e = err as ApiError;
    expect(e.status).toBe(422);
    expect(e.code).toBe("validation_failed");
    expect(e.message).toBe("invalid body");
    expect(e.requestId).toBe("req-42");
    expect(e.fieldErrors()).toEqual({ price_cents: "must be an integer from 0 to 100000000000", sku: "is required" });
    expect(isApiError(e, "validation_failed")).toBe(true);
    expect(isApiError(e, "conflict")).toBe(false);
  });

  it("reads Retry-After of a 429", async () => {
    const e = (await parseResponse(json({ success: false, error: { code: "rate_limited", message: "slow down" } }, 429, { "Retry-After": "7" })).catch(
      (x: unknown) => x,
    )) as ApiError;
    expect(e.code).toBe("rate_limited");
    expect(e.retryAfterSeconds).toBe(7);
  });

  it("keeps the 412 code so the form can offer reload or overwrite", async () => {
    const e = (await parseResponse(json({ success: false, error: { code: "precondition_failed", message: "changed" } }, 412)).catch(
      (x: unknown) => x,
    )) as ApiError;
    expect(isApiError(e, "precondition_failed")).toBe(true);
  });

  it("answers 204 No Content with null data", async () => {
    const r = await parseResponse(new Response(null, { status: 204 }));
    expect(r.data).toBeNull();
    expect(r.status).toBe(204);
  });

  it("names a non-envelope failure after its HTTP status", async () => {
    const e = (await parseResponse(new Response("<html>Bad Gateway</html>", { status: 502 })).catch((x: unknown) => x)) as ApiError;
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe("bad_gateway");
    expect(e.status).toBe(502);
  });

  it("refuses a 200 whose body is not the envelope", async () => {
    const e = (await parseResponse(json({ id: 1 })).catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe("bad_response");
  });

  it("falls back to the status code when an error envelope lacks a code", async () => {
    const e = (await parseResponse(json({ success: false, error: {} }, 404)).catch((x: unknown) => x)) as ApiError;
    expect(e.code).toBe("not_found");
  });
});
