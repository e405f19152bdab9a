"use client";

// Product reads and writes. Lists are v2 cursor pages (useSWRInfinite); detail is v1 with its
// ETag. Every write updates the cache first, rolls back if the server refuses, and then
// revalidates the lists and the detail it touched.

import { useCallback, useEffect, useMemo } from "react";
import useSWR, { useSWRConfig, type Cache } from "swr";
import useSWRInfinite, { unstable_serialize, type SWRInfiniteKeyedMutator } from "swr/infinite";
import { api, swrFetcher } from "../api";
import type { ApiError, ApiResult } from "../api/envelope";
import { keys, paths, type ProductListParams } from "../api/keys";
import {
  optimistic,
  removeFromPages,
  toListRow,
  updateInPages,
  type ProductListPage,
} from "../api/optimistic";
import type { Product, ProductInput, ProductV2 } from "../api/types";

// ---- the registry of product lists ----
//
// SWR's filter mutate skips useSWRInfinite entries, so "every product list" cannot be reached
// through mutate(filter). Each list hook records its bound mutator here (also after it unmounts:
// a cached list that is shown again must not show a deleted product for a moment). Bounded.

interface ListEntry {
  mutate: SWRInfiniteKeyedMutator<ProductListPage[]>;
  cache: Cache;
}
const lists = new Map<string, ListEntry>();
const MAX_REMEMBERED_LISTS = 40;

function remember(key: string, entry: ListEntry) {
  lists.delete(key);
  lists.set(key, entry);
  while (lists.size > MAX_REMEMBERED_LISTS) {
    const oldest = lists.keys().next().value;
    if (oldest === undefined) break;
    lists.delete(oldest);
  }
}

/** Rewrites every cached product list; returns the rollback. */
function changeLists(change: (pages: ProductListPage[]) => ProductListPage[]): () => void {
  const undo: (() => void)[] = [];
  for (const [key, entry] of lists) {
    const before = entry.cache.get(key)?.data as ProductListPage[] | undefined;
    if (!before) continue;
    void entry.mutate(change(before), { revalidate: false });
    undo.push(() => void entry.mutate(before, { revalidate: false }));
  }
  return () => undo.forEach((u) => u());
}

/** Revalidates every product list: mounted ones refetch now, cached ones when next shown. */
export async function revalidateProductLists(): Promise<void> {
  await Promise.allSettled([...lists.values()].map((e) => e.mutate()));
}

// ---- reads ----

export interface ProductListState {
  rows: ProductV2[];
  error: ApiError | undefined;
  isLoading: boolean;
  isLoadingMore: boolean;
  isRefreshing: boolean;
  hasMore: boolean;
  loadMore: () => void;
  retry: () => void;
}

export function useProductList(params: ProductListParams): ProductListState {
  const paramsKey = JSON.stringify(keys.products.page(params, null));
  const getKey = useCallback(
    (index: number, previous: ProductListPage | null) => {
      if (index > 0 && (!previous || !previous.meta?.has_more || !previous.meta.next_cursor)) return null;
      return keys.products.page(params, index === 0 ? null : (previous?.meta?.next_cursor ?? null));
    },
    // Compared by value through paramsKey, so a new object with equal filters keeps the list.
    [paramsKey],
  );
  const { cache } = useSWRConfig();
  const swr = useSWRInfinite<ProductListPage, ApiError>(getKey, swrFetcher, {
    revalidateFirstPage: true,
    parallel: false,
  });
  const infiniteKey = useMemo(() => unstable_serialize(getKey), [getKey]);
  useEffect(() => {
    remember(infiniteKey, { mutate: swr.mutate, cache });
  }, [infiniteKey, swr.mutate, cache]);

  const pages = swr.data;
  const rows = useMemo(() => pages?.flatMap((p) => p.data) ?? [], [pages]);
  const last = pages?.[pages.length - 1];
  const hasMore = Boolean(last?.meta?.has_more && last.meta.next_cursor);
  const isLoadingMore = swr.size > 0 && pages !== undefined && pages.length < swr.size && !swr.error;
  const { setSize, mutate } = swr;
  return {
    rows,
    error: swr.error,
    isLoading: swr.isLoading,
    isLoadingMore,
    isRefreshing: swr.isValidating && !swr.isLoading && !isLoadingMore,
    hasMore,
    loadMore: useCallback(() => void setSize((s) => s + 1), [setSize]),
    retry: useCallback(() => void mutate(), [mutate]),
  };
}

export function useProduct(id: string | null) {
  return useSWR<ApiResult<Product>, ApiError>(id ? keys.products.detail(id) : null);
}

// ---- writes ----

export function useProductActions() {
  const { mutate } = useSWRConfig();

  const setDetail = useCallback(
    (p: Product, etag: string | null) =>
      mutate(keys.products.detail(p.id), { data: p, meta: undefined, etag, status: 200 } satisfies ApiResult<Product>, {
        revalidate: false,
      }),
    [mutate],
  );

  const create = useCallback(
    async (input: ProductInput): Promise<ApiResult<Product>> => {
      const res = await api.post<Product>(paths.products, { body: input });
      await setDetail(res.data, res.etag);
      void revalidateProductLists();
      return res;
    },
    [setDetail],
  );

  /** PATCH with If-Match; 412 rejects with precondition_failed after rolling back. */
  const update = useCallback(
    (current: Product, etag: string | null, patch: ProductInput): Promise<ApiResult<Product>> => {
      const detailKey = keys.products.detail(current.id);
      const ids = new Set([current.id]);
      return optimistic({
        apply: () => {
          const guess: Product = { ...current, ...patch } as Product;
          void mutate(detailKey, (d: ApiResult<Product> | undefined) => (d ? { ...d, data: guess } : d), {
            revalidate: false,
          });
          const undoLists = changeLists((pages) => updateInPages(pages, ids, () => toListRow(guess)));
          return () => {
            undoLists();
            void mutate(detailKey, (d: ApiResult<Product> | undefined) => (d ? { ...d, data: current } : d), {
              revalidate: false,
            });
          };
        },
        commit: async () => {
          const res = await api.patch<Product>(paths.product(current.id), { body: patch, ifMatch: etag });
          await setDetail(res.data, res.etag);
          return res;
        },
        settle: () => revalidateProductLists(),
      });
    },
    [mutate, setDetail],
  );

  const remove = useCallback(
    (products: Product[] | ProductV2[]): Promise<PromiseSettledResult<unknown>[]> => {
      const ids = new Set(products.map((p) => p.id));
      let results: PromiseSettledResult<unknown>[] = [];
      return optimistic({
        apply: () => changeLists((pages) => removeFromPages(pages, ids)),
        commit: async () => {
          results = await inBatches([...ids], (id) => api.delete(paths.product(id)));
          if (results.every((r) => r.status === "rejected")) throw (results[0] as PromiseRejectedResult).reason;
          for (const [i, id] of [...ids].entries())
            if (results[i]?.status === "fulfilled")
              void mutate(keys.products.detail(id), undefined, { revalidate: false });
          return results;
        },
        settle: () => revalidateProductLists(),
      });
    },
    [mutate],
  );

  const restore = useCallback(
    async (ids: string[]): Promise<PromiseSettledResult<ApiResult<Product>>[]> => {
      const results = await inBatches(ids, (id) => api.post<Product>(paths.productRestore(id)));
      for (const r of results) if (r.status === "fulfilled") void setDetail(r.value.data, r.value.etag);
      await revalidateProductLists();
      return results;
    },
    [setDetail],
  );

  return { create, update, remove, restore, setDetail };
}

/** Runs `task` for every item, at most `width` at a time (writes are never batched into one). */
export async function inBatches<I, T>(items: I[], task: (item: I) => Promise<T>, width = 4) {
  const results: PromiseSettledResult<T>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: "fulfilled", value: await task(items[i] as I) };
      } catch (reason) {
        results[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
