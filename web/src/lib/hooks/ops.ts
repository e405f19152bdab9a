"use client";

// The operations view's data: every panel in one request, the alerts and the slowest requests,
// each refreshed every REFRESH_MS while the tab is visible (SWR does not poll a hidden tab, and
// revalidates on focus when it comes back).

import useSWR from "swr";
import type { ApiError, ApiResult } from "../api/envelope";
import { keys } from "../api/keys";
import type { OpsAlert, OpsPanels, OpsSlowMeta, OpsSlowRequest } from "../api/types";

export const REFRESH_MS = 10_000;

/** The panels of the gateway's table, in the order the view shows them. */
export const OPS_PANELS = [
  "rate",
  "errors",
  "client_errors",
  "latency_p50",
  "latency_p99",
  "cache_hit_ratio",
  "db_pool_saturation",
  "db_pool_waiters",
  "alerts_firing",
] as const;

export const OPS_RANGES = [
  { seconds: 900, label: "Last 15 minutes" },
  { seconds: 3600, label: "Last hour" },
  { seconds: 21600, label: "Last 6 hours" },
] as const;

const live = { refreshInterval: REFRESH_MS, refreshWhenHidden: false, refreshWhenOffline: false } as const;

export function useOpsSeries(rangeSeconds: number, enabled = true) {
  return useSWR<ApiResult<OpsPanels>, ApiError>(enabled ? keys.ops.series(OPS_PANELS, rangeSeconds) : null, live);
}

export function useOpsAlerts(enabled = true) {
  return useSWR<ApiResult<OpsAlert[]>, ApiError>(enabled ? keys.ops.alerts() : null, live);
}

export function useSlowRequests(enabled = true) {
  return useSWR<ApiResult<OpsSlowRequest[], OpsSlowMeta>, ApiError>(enabled ? keys.ops.slow() : null, live);
}
