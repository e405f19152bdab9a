// A CSV file sent in parts (PUT /api/v1/imports/{id}/parts/{n}): each part at most 1 MiB of the
// file's bytes, cut anywhere (the server joins records across parts), sent in order; a part
// that failed for a transient reason is sent again, which the server takes as harmless when it
// had in fact received it.

import { isTransient, sleep } from "../poll";
import { ApiError } from "../api/envelope";

/** The contract's largest part, in bytes. */
export const PART_BYTES = 1024 * 1024;

export interface PartRange {
  /** 1, 2, … in the order the parts are sent. */
  n: number;
  start: number;
  /** Exclusive. */
  end: number;
}

/** The parts of a file of `size` bytes; none for an empty file. */
export function partRanges(size: number, partBytes = PART_BYTES): PartRange[] {
  if (!(partBytes > 0)) throw new Error("partBytes must be positive");
  const out: PartRange[] = [];
  for (let start = 0, n = 1; start < size; start += partBytes, n++) out.push({ n, start, end: Math.min(size, start + partBytes) });
  return out;
}

export interface UploadOptions {
  /** Sends one part; rejects with an ApiError when it was not taken. */
  put: (n: number, body: Blob) => Promise<void>;
  /** Bytes of the file the server has taken so far, after each part. */
  onProgress?: (sent: number, total: number) => void;
  /** Further tries of one part after a transient failure (no answer, 5xx, 429). */
  retries?: number;
  /** First wait before a retry, in ms; doubles with each. */
  retryDelayMs?: number;
  partBytes?: number;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Sends every part of `file` in order. A part refused for good (a 4xx) stops the upload. */
export async function uploadParts(file: Blob, options: UploadOptions): Promise<void> {
  const { put, onProgress, retries = 3, retryDelayMs = 500, signal } = options;
  const wait = options.sleep ?? sleep;
  const parts = partRanges(file.size, options.partBytes);
  onProgress?.(0, file.size);
  for (const part of parts) {
    const body = file.slice(part.start, part.end, "text/csv");
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw signal.reason;
      try {
        await put(part.n, body);
        break;
      } catch (e) {
        if (!isTransient(e) || attempt >= retries) throw e;
        const retryAfter = e instanceof ApiError && e.retryAfterSeconds ? e.retryAfterSeconds * 1000 : 0;
        await wait(Math.max(retryAfter, retryDelayMs * 2 ** attempt), signal);
      }
    }
    onProgress?.(part.end, file.size);
  }
}
