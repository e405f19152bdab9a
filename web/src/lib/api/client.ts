// The one fetcher of the dashboard: it speaks the envelope, holds the access token in memory,
// coordinates token refresh and shares identical in-flight GETs.
//
// Where the brief's samples go wrong, and what this does instead:
// - The access token lives in this closure only: never localStorage, sessionStorage or a cookie a
//   script can read. The refresh token is the identity service's httpOnly SameSite=Strict cookie
//   on /api/v1/auth, which this code never sees: login asks for cookie delivery (no token in the
//   JSON), and refresh and logout send no body, only the cookie the browser adds.
// - Duplicate GETs are not aborted (the brief's interceptor hands the second caller an error):
//   they await the same promise and both get the data. Writes are never de-duplicated.
// - One refresh at a time: every request that fails with an expired token, or is started while a
//   refresh runs, waits for that single refresh and is retried once with the new token. A request
//   that fails with a token older than the current one is simply retried (someone refreshed).
// - Every request starts a W3C trace (traceparent), so a click can be followed through the
//   gateway to SQL; a request that failed (no answer, or a 5xx) is handed to onFailedRequest
//   with its trace id and the gateway's request id, and its ApiError carries both.

import { newTraceContext } from "@/lib/reporting/traceparent";
import { ApiError, parseResponse, type ApiResult } from "./envelope";
import type { TokenGrant, User } from "./types";

export type SessionStatus = "unknown" | "authenticated" | "anonymous";

export interface SessionState {
  status: SessionStatus;
  user: User | null;
}

export interface RequestOptions {
  body?: unknown;
  /** A body sent as it is with its own Content-Type instead of JSON (an import's CSV part). */
  raw?: { body: string | Blob; contentType: string };
  /** Sent as If-Match (optimistic concurrency on PATCH/DELETE). */
  ifMatch?: string | null;
  headers?: Record<string, string>;
}

export interface ApiClientOptions {
  /** fetch to use (tests pass a fake); defaults to the global one. */
  fetch?: typeof fetch;
  /** Prefix of every path; "" in the browser, where /api is same-origin. */
  baseUrl?: string;
  /**
   * Called once when a session that existed is lost: its refresh failed, or a retried request
   * was still refused. The app sends the user to /login?next=<where they were>.
   */
  onSessionLost?: () => void;
  /** Called for each request that got no answer or a 5xx (the dashboard reports it). */
  onFailedRequest?: (failure: FailedRequest) => void;
}

export interface FailedRequest {
  method: string;
  path: string;
  /** 0 when nothing answered. */
  status: number;
  message: string;
  requestId: string | null;
  traceId: string;
}

export interface ApiClient {
  get<T, M = unknown>(path: string): Promise<ApiResult<T, M>>;
  post<T, M = unknown>(path: string, opts?: RequestOptions): Promise<ApiResult<T, M>>;
  patch<T, M = unknown>(path: string, opts?: RequestOptions): Promise<ApiResult<T, M>>;
  put<T, M = unknown>(path: string, opts?: RequestOptions): Promise<ApiResult<T, M>>;
  delete<T = null, M = unknown>(path: string, opts?: RequestOptions): Promise<ApiResult<T, M>>;
  /** POST /auth/login; on success the session is authenticated. */
  login(email: string, password: string): Promise<User>;
  /** POST /auth/logout (revokes the refresh family server-side), then forgets the session. */
  logout(): Promise<void>;
  /**
   * A live access token for the one request the browser makes itself: a download form posted to
   * the dashboard's server (server/download.mjs), so that a file streams to disk instead of
   * into memory. Refreshed first when it expires within DOWNLOAD_TOKEN_MARGIN_S.
   */
  freshToken(): Promise<string>;
  /** Forgets the token without calling the server (another tab logged out). */
  forget(): void;
  /** Refresh on boot: turns a valid refresh cookie into a session after a reload. */
  restoreSession(): Promise<SessionState>;
  session(): SessionState;
  subscribe(listener: () => void): () => void;
}

const AUTH = "/api/v1/auth";
/** A token living less than this is refreshed before a download form carries it. */
const DOWNLOAD_TOKEN_MARGIN_S = 10;

/** The `exp` claim of a JWT (seconds since 1970), or null when unreadable. Not verified: the
 *  server does that; this only decides whether to refresh first. */
export function tokenExpiry(token: string): number | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}
/** Codes after which a refresh may help, when the request carried a token. */
const REFRESHABLE = new Set(["token_expired", "invalid_token", "auth_required"]);

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const baseUrl = options.baseUrl ?? "";
  let accessToken: string | null = null;
  let state: SessionState = { status: "unknown", user: null };
  let refreshing: Promise<string> | null = null;
  const inflight = new Map<string, Promise<ApiResult<unknown, unknown>>>();
  const listeners = new Set<() => void>();

  function setState(next: SessionState) {
    state = next;
    for (const l of listeners) l();
  }

  async function send<T, M>(method: string, path: string, opts: RequestOptions, token: string | null) {
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    let body: string | Blob | undefined;
    if (opts.raw) {
      headers["Content-Type"] = opts.raw.contentType;
      body = opts.raw.body;
    } else if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.body);
    }
    if (opts.ifMatch) headers["If-Match"] = opts.ifMatch;
    if (token) headers.Authorization = `Bearer ${token}`;
    const trace = newTraceContext();
    headers.traceparent = trace.traceparent;
    let res: Response;
    try {
      res = await fetchImpl(baseUrl + path, { method, headers, body, credentials: "same-origin", cache: "no-store" });
    } catch (e) {
      const error = new ApiError({
        status: 0,
        code: "network_error",
        message: e instanceof Error && e.message ? `cannot reach the server (${e.message})` : "cannot reach the server",
        traceId: trace.traceId,
      });
      failed(method, path, error);
      throw error;
    }
    try {
      return await parseResponse<T, M>(res, trace.traceId);
    } catch (e) {
      if (e instanceof ApiError && e.status >= 500) failed(method, path, e);
      throw e;
    }
  }

  function failed(method: string, path: string, e: ApiError) {
    try {
      options.onFailedRequest?.({
        method,
        path,
        status: e.status,
        message: `${method} ${path} failed: ${e.status === 0 ? "no answer" : e.status} ${e.code}`,
        requestId: e.requestId,
        traceId: e.traceId ?? "",
      });
    } catch {
      // Reporting must not change what the caller sees.
    }
  }

  function loseSession() {
    const had = accessToken !== null || state.status === "authenticated";
    accessToken = null;
    inflight.clear();
    setState({ status: "anonymous", user: null });
    if (had) options.onSessionLost?.();
  }

  async function fetchMe(token: string): Promise<User> {
    return (await send<User, unknown>("GET", `${AUTH}/me`, {}, token)).data;
  }

  /** The single refresh every waiting request shares. Rejects with auth_required when it fails. */
  function refreshOnce(): Promise<string> {
    if (refreshing) return refreshing;
    const run = (async () => {
      try {
        const grant = (await send<TokenGrant, unknown>("POST", `${AUTH}/refresh`, {}, null)).data;
        if (!grant || typeof grant.access_token !== "string" || grant.access_token === "")
          throw new ApiError({ status: 200, code: "bad_response", message: "refresh answered without a token" });
        const user = grant.user ?? state.user ?? (await fetchMe(grant.access_token));
        accessToken = grant.access_token;
        setState({ status: "authenticated", user });
        return grant.access_token;
      } catch (e) {
        loseSession();
        throw new ApiError({
          status: 401,
          code: "auth_required",
          message: "your session has ended: sign in again",
          requestId: e instanceof ApiError ? e.requestId : null,
        });
      }
    })();
    refreshing = run;
    const clear = () => {
      if (refreshing === run) refreshing = null;
    };
    run.then(clear, clear);
    return run;
  }

  async function authed<T, M>(method: string, path: string, opts: RequestOptions): Promise<ApiResult<T, M>> {
    // Queued behind a refresh in progress, so it goes out with the new token.
    if (refreshing) await refreshing.catch(() => undefined);
    const used = accessToken;
    try {
      return await send<T, M>(method, path, opts, used);
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401 || !REFRESHABLE.has(e.code) || used === null) throw e;
      const fresh = accessToken !== null && accessToken !== used ? accessToken : await refreshOnce();
      try {
        return await send<T, M>(method, path, opts, fresh);
      } catch (retryError) {
        // Refused again with a brand-new token: nothing the client can do but sign in again.
        if (retryError instanceof ApiError && retryError.status === 401 && REFRESHABLE.has(retryError.code))
          loseSession();
        throw retryError;
      }
    }
  }

  /**
   * The refresh token is asked for in the httpOnly cookie only, so no page script (nor an
   * injected one) ever holds it. An identity service from before `refresh_token_delivery`
   * refuses the unknown field (422 naming only it): asked again without it, it sets the same
   * cookie and also puts the token in the JSON, which nothing here reads.
   */
  async function sendLogin(email: string, password: string) {
    try {
      return await send<TokenGrant, unknown>("POST", `${AUTH}/login`, { body: { email, password, refresh_token_delivery: "cookie" } }, null);
    } catch (e) {
      const fields = e instanceof ApiError && e.code === "validation_failed" ? e.details.map((d) => d.field) : [];
      if (fields.length === 0 || fields.some((f) => f !== "refresh_token_delivery")) throw e;
      return send<TokenGrant, unknown>("POST", `${AUTH}/login`, { body: { email, password } }, null);
    }
  }

  function get<T, M>(path: string): Promise<ApiResult<T, M>> {
    const shared = inflight.get(path);
    if (shared) return shared as Promise<ApiResult<T, M>>;
    const p = authed<T, M>("GET", path, {});
    inflight.set(path, p as Promise<ApiResult<unknown, unknown>>);
    const clear = () => {
      if (inflight.get(path) === p) inflight.delete(path);
    };
    p.then(clear, clear);
    return p;
  }

  return {
    get,
    post: (path, opts = {}) => authed("POST", path, opts),
    patch: (path, opts = {}) => authed("PATCH", path, opts),
    put: (path, opts = {}) => authed("PUT", path, opts),
    delete: (path, opts = {}) => authed("DELETE", path, opts),

    async login(email, password) {
      const grant = (await sendLogin(email, password)).data;
      if (!grant || typeof grant.access_token !== "string" || grant.access_token === "")
        throw new ApiError({ status: 200, code: "bad_response", message: "login answered without a token" });
      const user = grant.user ?? (await fetchMe(grant.access_token));
      accessToken = grant.access_token;
      inflight.clear();
      setState({ status: "authenticated", user });
      return user;
    },

    async logout() {
      const token = accessToken;
      try {
        await send("POST", `${AUTH}/logout`, {}, token);
      } catch {
        // The session ends on this side whatever the server says; the cookie is scoped to the
        // auth path and the identity service clears it on success.
      }
      accessToken = null;
      inflight.clear();
      setState({ status: "anonymous", user: null });
    },

    async freshToken() {
      if (refreshing) await refreshing.catch(() => undefined);
      const exp = accessToken ? tokenExpiry(accessToken) : null;
      if (accessToken && exp !== null && exp - Date.now() / 1000 > DOWNLOAD_TOKEN_MARGIN_S) return accessToken;
      return refreshOnce();
    },

    forget() {
      accessToken = null;
      inflight.clear();
      setState({ status: "anonymous", user: null });
    },

    async restoreSession() {
      if (state.status === "authenticated") return state;
      try {
        await refreshOnce();
      } catch {
        // No valid refresh cookie: signed out, which refreshOnce has recorded.
      }
      return state;
    },

    session: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Where to send a signed-out user so that signing in brings them back. */
export function loginUrl(next: string): string {
  const target = safeNext(next);
  return target === "/products" ? "/login" : `/login?next=${encodeURIComponent(target)}`;
}

const AFTER_LOGIN = "/products";

/**
 * Where to go after signing in: `next` resolved against the page's own origin, kept only when it
 * stays on that origin, as a path (path, query, fragment); anything else gives /products.
 * Resolving with `new URL` (the browser's own parser) rather than inspecting the string is what
 * catches the spellings the parser rewrites: `/\t/evil.example` loses its tab and `/\\evil`
 * its backslash and both become `//evil.example`. Encoded separators in the path (`/%2F%2Fevil`,
 * `%5C`) are refused too, so that no later decoding can turn them into another origin.
 * `origin` is the page's (`window.location.origin`); tests and server rendering pass one.
 */
export function safeNext(next: string | null | undefined, origin?: string): string {
  const base = origin ?? (typeof window === "undefined" ? "http://localhost" : window.location.origin);
  if (!next || !next.startsWith("/")) return AFTER_LOGIN;
  let url: URL;
  try {
    url = new URL(next, base);
  } catch {
    return AFTER_LOGIN;
  }
  if (url.origin !== new URL(base).origin || /%(?:2f|5c)/i.test(url.pathname) || url.pathname.startsWith("/login"))
    return AFTER_LOGIN;
  return url.pathname + url.search + url.hash;
}
