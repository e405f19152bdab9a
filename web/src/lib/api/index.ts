// The dashboard's single API client and the SWR fetcher built on it.

import { reportError } from "@/lib/reporting";
import { createApiClient, loginUrl } from "./client";
import type { ApiResult } from "./envelope";
import { urlOf, type AnyKey } from "./keys";

export const api = createApiClient({
  onSessionLost() {
    // A full navigation, not a client-side one: it also drops every cached response of the
    // session that just ended.
    if (typeof window !== "undefined")
      window.location.assign(loginUrl(window.location.pathname + window.location.search));
  },
  onFailedRequest(f) {
    reportError({
      kind: "fetch",
      message: f.message,
      method: f.method,
      url: f.path,
      status: f.status,
      requestId: f.requestId,
      traceId: f.traceId,
    });
  },
});

/** SWR's fetcher: every cache entry is the unwrapped envelope ({data, meta, etag}). */
export function swrFetcher<T, M = unknown>(key: AnyKey): Promise<ApiResult<T, M>> {
  return api.get<T, M>(urlOf(key));
}
