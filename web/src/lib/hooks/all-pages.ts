// Every page of an offset-paginated list, for the few lists a screen needs whole (the category
// select of the product form and the products filter). The server caps a page at 100 rows;
// a store with 312 categories needs four requests, sent a few at a time after the first told
// how many there are. A bound keeps a store with an absurd number from loading without end:
// beyond it the result says it is truncated and the screens say so.

import type { ApiResult } from "../api/envelope";
import type { PageMeta } from "../api/types";

export interface AllPagesMeta {
  total_items: number;
  /** Fewer rows than total_items were loaded: the bound was reached. */
  truncated: boolean;
}

export interface AllPagesOptions {
  perPage: number;
  maxPages: number;
  /** Requests in flight at once after the first page. */
  concurrency: number;
}

export async function fetchAllPages<T>(
  getPage: (page: number, perPage: number) => Promise<ApiResult<T[], PageMeta>>,
  { perPage, maxPages, concurrency }: AllPagesOptions,
): Promise<ApiResult<T[], AllPagesMeta>> {
  const first = await getPage(1, perPage);
  const totalPages = Math.max(1, first.meta?.total_pages ?? 1);
  const last = Math.min(totalPages, maxPages);
  const pages: T[][] = new Array<T[]>(last);
  pages[0] = first.data;
  let next = 2;
  async function worker() {
    while (next <= last) {
      const n = next++;
      pages[n - 1] = (await getPage(n, perPage)).data;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(0, last - 1)) }, worker));
  // A row moved between pages while they loaded (a category created or deleted meanwhile)
  // must not show twice: the first copy wins.
  const seen = new Set<unknown>();
  const data: T[] = [];
  for (const page of pages)
    for (const row of page ?? []) {
      const id = (row as { id?: unknown }).id ?? row;
      if (seen.has(id)) continue;
      seen.add(id);
      data.push(row);
    }
  const total = first.meta?.total_items ?? data.length;
  return { data, meta: { total_items: total, truncated: totalPages > maxPages }, etag: null, status: first.status };
}
