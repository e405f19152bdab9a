"use client";

// The audit trail (GET /api/v1/audit): keyset pages, newest first, loaded on "Load more".

import { useCallback, useMemo } from "react";
import useSWRInfinite from "swr/infinite";
import { swrFetcher } from "../api";
import type { ApiError, ApiResult } from "../api/envelope";
import { keys, type AuditFilter } from "../api/keys";
import type { AuditEntry, CursorMeta } from "../api/types";

type AuditPage = ApiResult<AuditEntry[], CursorMeta>;

export function useAuditTrail(filter: AuditFilter) {
  const filterKey = JSON.stringify(keys.audit.page(filter, null));
  const getKey = useCallback(
    (index: number, previous: AuditPage | null) => {
      if (index > 0 && (!previous?.meta?.has_more || !previous.meta.next_cursor)) return null;
      return keys.audit.page(filter, index === 0 ? null : (previous?.meta?.next_cursor ?? null));
    },
    // Compared by value through filterKey.
    [filterKey],
  );
  // The trail only grows at its head: an older page never changes, so only the first is
  // revalidated, and a focus does not reload what the reader is looking at.
  const swr = useSWRInfinite<AuditPage, ApiError>(getKey, swrFetcher, { revalidateFirstPage: true, revalidateOnFocus: false, parallel: false });
  const pages = swr.data;
  const entries = useMemo(() => pages?.flatMap((p) => p.data) ?? [], [pages]);
  const last = pages?.[pages.length - 1];
  const hasMore = Boolean(last?.meta?.has_more && last.meta.next_cursor);
  const { setSize, mutate } = swr;
  return {
    entries,
    error: swr.error,
    isLoading: swr.isLoading,
    isLoadingMore: swr.size > 0 && pages !== undefined && pages.length < swr.size && !swr.error,
    hasMore,
    loadMore: useCallback(() => void setSize((s) => s + 1), [setSize]),
    refresh: useCallback(() => void mutate(), [mutate]),
  };
}
