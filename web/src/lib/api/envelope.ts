// The response envelope (docs/architecture.md#error-contract) and the typed error every failure
// becomes. Nothing else in the dashboard looks at raw responses.

/** Error codes of the contract, plus two the client produces itself. */
export type ErrorCode =
  | "bad_request"
  | "validation_failed"
  | "auth_required"
  | "token_expired"
  | "invalid_token"
  | "invalid_credentials"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "internal"
  | "bad_gateway"
  | "service_unavailable"
  | "gateway_timeout"
  /** fetch() itself failed: offline, DNS, connection refused. */
  | "network_error"
  /** The server answered something that is not the envelope. */
  | "bad_response";

export interface FieldError {
  field: string;
  message: string;
}

export interface ApiErrorInit {
  status: number;
  code: ErrorCode;
  message: string;
  details?: FieldError[];
  requestId?: string | null;
  retryAfterSeconds?: number | null;
  /** The trace the request started (its traceparent's trace id). */
  traceId?: string | null;
}

/** Every failed request, whatever went wrong, rejects with one of these. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details: FieldError[];
  readonly requestId: string | null;
  readonly retryAfterSeconds: number | null;
  readonly traceId: string | null;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.name = "ApiError";
    this.status = init.status;
    this.code = init.code;
    this.details = init.details ?? [];
    this.requestId = init.requestId ?? null;
    this.retryAfterSeconds = init.retryAfterSeconds ?? null;
    this.traceId = init.traceId ?? null;
  }

  /** Details of one field, e.g. `fieldErrors()["price_cents"]`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const d of this.details) if (!(d.field in out)) out[d.field] = d.message;
    return out;
  }
}

export function isApiError(e: unknown, ...codes: ErrorCode[]): e is ApiError {
  return e instanceof ApiError && (codes.length === 0 || codes.includes(e.code));
}

/** A successful response, unwrapped. `etag` is set when the server sent one (product detail). */
export interface ApiResult<T, M = unknown> {
  data: T;
  meta: M | undefined;
  etag: string | null;
  status: number;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: "bad_request",
  401: "auth_required",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  412: "precondition_failed",
  413: "payload_too_large",
  415: "unsupported_media_type",
  422: "validation_failed",
  429: "rate_limited",
  500: "internal",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout",
};

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function readDetails(v: unknown): FieldError[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((d) =>
    isRecord(d) && typeof d.field === "string" && typeof d.message === "string"
      ? [{ field: d.field, message: d.message }]
      : [],
  );
}

/**
 * Turns a fetch Response into an ApiResult or throws an ApiError. A body that is not the
 * envelope (a proxy's HTML error page, an empty 500) still becomes a typed error, named after
 * the HTTP status.
 */
export async function parseResponse<T, M = unknown>(res: Response, traceId: string | null = null): Promise<ApiResult<T, M>> {
  const requestId = res.headers.get("X-Request-ID");
  const retryAfterSeconds = parseRetryAfter(res.headers.get("Retry-After"));
  const fallback = (message: string): ApiError =>
    new ApiError({
      status: res.status,
      code: res.ok ? "bad_response" : (STATUS_CODES[res.status] ?? (res.status >= 500 ? "internal" : "bad_response")),
      message,
      requestId,
      retryAfterSeconds,
      traceId,
    });

  if (res.status === 204) return { data: null as T, meta: undefined, etag: res.headers.get("ETag"), status: 204 };

  let text: string;
  try {
    text = await res.text();
  } catch {
    throw fallback("the response was cut off");
  }
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw fallback(res.ok ? "the server answered something that is not JSON" : `the server answered ${res.status}`);
  }
  if (!isRecord(body) || typeof body.success !== "boolean") {
    if (res.ok && body === undefined) return { data: null as T, meta: undefined, etag: null, status: res.status };
    throw fallback(res.ok ? "the server answered an unexpected shape" : `the server answered ${res.status}`);
  }
  if (body.success && res.ok) {
    return {
      data: body.data as T,
      meta: (body.meta as M | undefined) ?? undefined,
      etag: res.headers.get("ETag"),
      status: res.status,
    };
  }
  const err = isRecord(body.error) ? body.error : {};
  const code = typeof err.code === "string" ? (err.code as ErrorCode) : (STATUS_CODES[res.status] ?? "bad_response");
  throw new ApiError({
    status: res.status,
    code,
    message: typeof err.message === "string" && err.message ? err.message : `request failed (${res.status})`,
    details: readDetails(err.details),
    requestId,
    retryAfterSeconds,
    traceId,
  });
}
