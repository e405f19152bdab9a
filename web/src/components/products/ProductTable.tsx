"use client";

// The products table: v2 cursor pages loaded as the user scrolls, rows virtualised (only the
// visible rows and a margin are in the DOM, so 1,000 loaded rows scroll as smoothly as 20),
// selection (rows, every loaded row, or every product the filter matches) with the bulk bar, and
// undo for deletes.
//
// The virtualiser is written here rather than taken from a library: rows have one fixed height,
// which needs only a scroll offset and a slice.

import Link from "next/link";
import { useCallback, useEffect, useMemo, useRef, useState, type UIEvent } from "react";
import type { ProductListParams } from "@/lib/api/keys";
import type { ProductSort, ProductV2 } from "@/lib/api/types";
import { formatDay, formatMoney, plural } from "@/lib/format";
import { countMatching, type BulkFilter } from "@/lib/bulk/bulk";
import { api } from "@/lib/api";
import { useProductActions, useProductList } from "@/lib/hooks/products";
import { BulkBar, type BulkTarget, type MatchOffer } from "./BulkBar";
import { EmptyState, ErrorState, Skeleton, describeError } from "../states";
import { useToast } from "../Toast";
import { StatusBadge } from "./StatusBadge";
import styles from "./ProductTable.module.css";

export const ROW_HEIGHT = 48;
/** The sticky header scrolls with the rows (so columns align under a scrollbar). */
const HEAD_HEIGHT = 42;
const OVERSCAN = 8;
/** Start loading the next page this many rows before the end. */
const PREFETCH_ROWS = 25;

/** The filter a job can select by: none for a search (the bulk API cannot select by q). */
function filterOf(params: ProductListParams): BulkFilter | null {
  if (params.q?.trim()) return null;
  return { status: params.status, category_id: params.category_id };
}

interface Props {
  params: ProductListParams;
  canWrite: boolean;
  filtered: boolean;
  onSort: (sort: ProductSort) => void;
}

export default function ProductTable({ params, canWrite, filtered, onSort }: Props) {
  const list = useProductList(params);
  const actions = useProductActions();
  const toast = useToast();
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [busy, setBusy] = useState(false);
  const viewportRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const paramsKey = JSON.stringify(params);

  const [matching, setMatching] = useState<{ filter: BulkFilter; count: number } | null>(null);
  const [matchingCount, setMatchingCount] = useState<number | null>(null);
  const clearSelection = useCallback(() => {
    setSelected(new Set());
    setMatching(null);
  }, []);

  // A new filter is a new list: forget the selection and go back to the top.
  useEffect(() => {
    clearSelection();
    setMatchingCount(null);
    viewportRef.current?.scrollTo({ top: 0 });
    setScrollTop(0);
  }, [paramsKey, clearSelection]);

  // Measured whenever the scroll box mounts (it does not exist during loading or empty states).
  const resizeObserver = useRef<ResizeObserver | null>(null);
  const setViewport = useCallback((el: HTMLDivElement | null) => {
    resizeObserver.current?.disconnect();
    viewportRef.current = el;
    if (!el) return;
    const measure = () => setViewportHeight(el.clientHeight || 600);
    measure();
    resizeObserver.current = new ResizeObserver(measure);
    resizeObserver.current.observe(el);
  }, []);

  const rows = list.rows;
  const rowsTop = Math.max(0, scrollTop - HEAD_HEIGHT);
  const first = Math.max(0, Math.floor(rowsTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((rowsTop + viewportHeight) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);

  // Infinite scroll: ask for the next page before the user reaches the end.
  const { hasMore, isLoadingMore, loadMore, error } = list;
  useEffect(() => {
    if (hasMore && !isLoadingMore && !error && last >= rows.length - PREFETCH_ROWS) loadMore();
  }, [hasMore, isLoadingMore, error, last, rows.length, loadMore]);

  const frame = useRef(0);
  const onScroll = useCallback((e: UIEvent<HTMLDivElement>) => {
    const top = e.currentTarget.scrollTop;
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(top));
  }, []);

  const selectedRows = useMemo(() => rows.filter((r) => selected.has(r.id)), [rows, selected]);
  const allSelected = rows.length > 0 && selectedRows.length === rows.length;
  const someSelected = selectedRows.length > 0 && !allSelected;
  // How many products the filter matches, asked once every loaded row is selected and more
  // exist: the v1 list's total (one row fetched).
  const countFilter = allSelected && hasMore ? filterOf(params) : null;
  const countKey = countFilter ? JSON.stringify(countFilter) : "";
  useEffect(() => {
    if (!countKey) return;
    let live = true;
    countMatching(api, JSON.parse(countKey) as BulkFilter)
      .then((n) => live && setMatchingCount(n))
      .catch(() => live && setMatchingCount(null));
    return () => {
      live = false;
    };
  }, [countKey]);
  // Memoised so that scrolling (a render per frame) does not render the bulk bar.
  const bulkTarget = useMemo<BulkTarget>(
    () => (matching ? { kind: "filter", filter: matching.filter, count: matching.count } : { kind: "ids", rows: selectedRows }),
    [matching, selectedRows],
  );
  const canOffer = !matching && allSelected && hasMore;
  const searchOnly = canOffer && !filterOf(params);
  const offerCount = canOffer && !searchOnly ? matchingCount : null;
  const offer = useMemo<MatchOffer | null>(
    () => (searchOnly ? { kind: "search" } : offerCount !== null ? { kind: "count", count: offerCount } : null),
    [searchOnly, offerCount],
  );
  const selectMatching = useCallback(() => {
    const f = filterOf(params);
    if (f && offerCount !== null) setMatching({ filter: f, count: offerCount });
  }, [params, offerCount]);
  const headerBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = someSelected;
  }, [someSelected]);

  function toggle(id: string) {
    setMatching(null);
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  }

  async function undoDelete(deleted: ProductV2[]) {
    const results = await actions.restore(deleted.map((p) => p.id));
    const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
    if (failed.length === 0) toast({ message: `Restored ${plural(deleted.length, "product")}.`, tone: "success" });
    else toast({ message: `Could not restore ${failed.length}: ${describeError(failed[0]?.reason)}`, tone: "error" });
  }

  async function deleteRows(targets: ProductV2[]) {
    if (targets.length === 0) return;
    setBusy(true);
    try {
      const results = await actions.remove(targets);
      const deleted = targets.filter((_, i) => results[i]?.status === "fulfilled");
      const failed = results.length - deleted.length;
      setSelected((s) => {
        const n = new Set(s);
        for (const d of deleted) n.delete(d.id);
        return n;
      });
      const what = deleted.length === 1 ? `“${deleted[0]?.name}”` : plural(deleted.length, "product");
      toast({
        message: failed ? `Deleted ${what}; ${failed} could not be deleted.` : `Deleted ${what}.`,
        tone: failed ? "error" : "info",
        action: { label: "Undo", onClick: () => void undoDelete(deleted) },
      });
    } catch (e) {
      toast({ message: `Nothing was deleted: ${describeError(e)}`, tone: "error" });
    } finally {
      setBusy(false);
    }
  }

  if (list.isLoading) return <Skeleton rows={10} label="Loading products" />;
  if (list.error && rows.length === 0) return <ErrorState error={list.error} onRetry={list.retry} title="Could not load products" />;
  if (rows.length === 0) {
    return filtered ? (
      <EmptyState title="No products match these filters">
        <p>Try another search, or clear the filters.</p>
      </EmptyState>
    ) : (
      <EmptyState title="No products yet">
        {canWrite ? (
          <Link href="/products/new" className="btn btn-primary">
            Create the first product
          </Link>
        ) : (
          <p>Products appear here once an editor adds them.</p>
        )}
      </EmptyState>
    );
  }

  const sort = params.sort ?? "-created_at";
  const ariaSort = (col: "name" | "price") =>
    col === "name" ? (sort === "name" ? "ascending" : "none") : sort === "price" ? "ascending" : sort === "-price" ? "descending" : "none";
  const gridClass = canWrite ? styles.withActions : styles.readOnly;

  return (
    <section className={styles.wrap} aria-label="Products">
      {canWrite && <BulkBar target={bulkTarget} onDone={clearSelection} onClear={clearSelection} offer={offer} onSelectMatching={selectMatching} />}
      <div role="table" aria-label="Products" aria-rowcount={rows.length + 1} className={styles.table} data-testid="product-table">
        <div ref={setViewport} className={styles.viewport} onScroll={onScroll} data-testid="product-rows">
        <div role="rowgroup" className={styles.stickyHead}>
          <div role="row" aria-rowindex={1} className={`${styles.row} ${styles.head} ${gridClass}`}>
            {canWrite && (
              <div role="columnheader" className={styles.check}>
                <input
                  ref={headerBox}
                  type="checkbox"
                  aria-label={allSelected ? "Deselect all loaded products" : "Select all loaded products"}
                  checked={allSelected}
                  onChange={() => {
                    setMatching(null);
                    setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.id)));
                  }}
                />
              </div>
            )}
            <div role="columnheader" aria-sort={ariaSort("name")}>
              <button type="button" className={styles.sortButton} onClick={() => onSort("name")}>
                Name {sort === "name" && <span aria-hidden="true">↑</span>}
              </button>
            </div>
            <div role="columnheader">SKU</div>
            <div role="columnheader">Category</div>
            <div role="columnheader" aria-sort={ariaSort("price")} className={styles.num}>
              <button type="button" className={styles.sortButton} onClick={() => onSort(sort === "price" ? "-price" : "price")}>
                Price {sort === "price" && <span aria-hidden="true">↑</span>}
                {sort === "-price" && <span aria-hidden="true">↓</span>}
              </button>
            </div>
            <div role="columnheader" className={styles.num}>
              Stock
            </div>
            <div role="columnheader">Status</div>
            <div role="columnheader">Updated</div>
            {canWrite && (
              <div role="columnheader">
                <span className="visually-hidden">Actions</span>
              </div>
            )}
          </div>
        </div>
          <div role="rowgroup" className={styles.body} style={{ height: rows.length * ROW_HEIGHT }}>
            {visible.map((p, i) => {
              const index = first + i;
              return (
                <div
                  key={p.id}
                  role="row"
                  aria-rowindex={index + 2}
                  aria-selected={canWrite ? selected.has(p.id) : undefined}
                  className={`${styles.row} ${gridClass} ${selected.has(p.id) ? styles.selected : ""}`}
                  style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
                  data-testid="product-row"
                  data-product-id={p.id}
                >
                  {canWrite && (
                    <div role="cell" className={styles.check}>
                      <input type="checkbox" aria-label={`Select ${p.name}`} checked={selected.has(p.id)} onChange={() => toggle(p.id)} />
                    </div>
                  )}
                  <div role="cell" className={styles.name}>
                    <Link href={`/products/${p.id}`} title={p.name}>
                      {p.name}
                    </Link>
                  </div>
                  <div role="cell" className={styles.mono}>
                    {p.sku}
                  </div>
                  <div role="cell" className={styles.muted}>
                    {p.category?.name ?? "—"}
                  </div>
                  <div role="cell" className={styles.num}>
                    {formatMoney(p.price.amount, p.price.currency)}
                  </div>
                  <div role="cell" className={`${styles.num} ${p.stock === 0 ? styles.out : ""}`}>
                    {p.stock.toLocaleString("en-GB")}
                  </div>
                  <div role="cell">
                    <StatusBadge status={p.status} />
                  </div>
                  <div role="cell" className={styles.muted}>
                    {formatDay(p.updated_at)}
                  </div>
                  {canWrite && (
                    <div role="cell" className={styles.actions}>
                      <Link href={`/products/${p.id}/edit`} className="btn btn-small" aria-label={`Edit ${p.name}`}>
                        Edit
                      </Link>
                      <button
                        type="button"
                        className="btn btn-small btn-danger"
                        aria-label={`Delete ${p.name}`}
                        onClick={() => void deleteRows([p])}
                        disabled={busy}
                      >
                        Delete
                      </button>
                    </div>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <div className={styles.footer}>
        <span aria-live="polite">
          {plural(rows.length, "product")} loaded{hasMore ? "" : " — end of list"}
          {list.isRefreshing && " · refreshing…"}
        </span>
        {list.error && rows.length > 0 && (
          <span className={styles.footerError} role="alert">
            {describeError(list.error)}{" "}
            <button type="button" className="btn btn-link" onClick={list.retry}>
              Retry
            </button>
          </span>
        )}
        {hasMore && (
          <button type="button" className="btn btn-small" onClick={loadMore} disabled={isLoadingMore}>
            {isLoadingMore ? "Loading…" : "Load more"}
          </button>
        )}
      </div>
    </section>
  );
}
