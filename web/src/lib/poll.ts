// Polling a long-running operation (a bulk job, an import) until it ends: read, report, wait,
// read again. The wait grows from `intervalMs` to `maxIntervalMs` (a job of minutes need not be
// asked about every second, and each read costs a rate-limit token), a read that fails with a
// transient error (no answer, 5xx, 429) is tried again after a wait up to `maxErrors` times in a
// row, and anything else ends the polling with that error.

import { ApiError } from "./api/envelope";

export interface PollOptions<T> {
  /** First wait between reads, in ms. */
  intervalMs?: number;
  /** Longest wait between reads, in ms (each wait is 1.5 times the one before). */
  maxIntervalMs?: number;
  /** Transient failures in a row before giving up. */
  maxErrors?: number;
  /** Stops the polling: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called with every state read, the last one included. */
  onUpdate?: (value: T) => void;
  /** Waits `ms` (tests pass a fake). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
  });
}

/** True for a failure that a later read may not meet: no answer, a 5xx, or the rate limit. */
export function isTransient(e: unknown): boolean {
  return e instanceof ApiError && (e.status === 0 || e.status === 429 || e.status >= 500);
}

/** Reads until `done(value)`; resolves with that last value. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, options: PollOptions<T> = {}): Promise<T> {
  const { intervalMs = 1000, maxIntervalMs = 5000, maxErrors = 5, signal, onUpdate } = options;
  const wait = options.sleep ?? sleep;
  let interval = intervalMs;
  let errors = 0;
  for (;;) {
    if (signal?.aborted) throw signal.reason;
    let value: T;
    try {
      value = await read();
      errors = 0;
    } catch (e) {
      if (!isTransient(e) || ++errors > maxErrors) throw e;
      // The rate limit says when a token is back; waiting less would only be refused again.
      const retryAfter = e instanceof ApiError && e.retryAfterSeconds ? e.retryAfterSeconds * 1000 : 0;
      await wait(Math.max(interval, retryAfter), signal);
      interval = Math.min(maxIntervalMs, interval * 1.5);
      continue;
    }
    onUpdate?.(value);
    if (done(value)) return value;
    await wait(interval, signal);
    interval = Math.min(maxIntervalMs, interval * 1.5);
  }
}
