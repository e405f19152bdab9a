// Optimistic updates with rollback, independent of React so they can be tested alone.

import type { ApiResult } from "./envelope";
import type { CursorMeta, Product, ProductV2 } from "./types";

export interface OptimisticStep<T> {
  /** Changes the cache at once; returns how to undo that change. */
  apply: () => () => void;
  /** The request. */
  commit: () => Promise<T>;
  /** Runs after success and failure alike: revalidate what the write touched. */
  settle?: () => unknown;
}

/**
 * Applies, commits, rolls back if the commit fails, and always revalidates. The commit's error
 * is rethrown after the rollback so the caller can show it.
 */
export async function optimistic<T>(step: OptimisticStep<T>): Promise<T> {
  const rollback = step.apply();
  try {
    return await step.commit();
  } catch (e) {
    rollback();
    throw e;
  } finally {
    try {
      await step.settle?.();
    } catch {
      // A failed revalidation shows up in the hooks' own error state.
    }
  }
}

export type ProductListPage = ApiResult<ProductV2[], CursorMeta>;

export function removeFromPages(pages: ProductListPage[], ids: ReadonlySet<string>): ProductListPage[] {
  return pages.map((p) => ({ ...p, data: p.data.filter((row) => !ids.has(row.id)) }));
}

export function updateInPages(
  pages: ProductListPage[],
  ids: ReadonlySet<string>,
  change: (row: ProductV2) => ProductV2,
): ProductListPage[] {
  return pages.map((p) => ({ ...p, data: p.data.map((row) => (ids.has(row.id) ? change(row) : row)) }));
}

/** A v1 product (what writes answer) as the v2 list row. */
export function toListRow(p: Product): ProductV2 {
  const { price_cents, currency, ...rest } = p;
  return { ...rest, price: { amount: price_cents, currency } };
}

/** A v2 list row as the v1 product the detail page and the form use. */
export function fromListRow(p: ProductV2): Product {
  const { price, ...rest } = p;
  return { ...rest, price_cents: price.amount, currency: price.currency };
}
