"use client";

// The products page: filters live in the URL (shareable, kept on reload and back), the table is
// loaded through next/dynamic so the page's first load stays small.

import dynamic from "next/dynamic";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Skeleton } from "@/components/states";
import { DownloadButton } from "@/components/DownloadButton";
import { MIN_SEARCH_LENGTH, paths, type ProductListParams } from "@/lib/api/keys";
import { PRODUCT_SORTS, PRODUCT_STATUSES, type ProductSort, type ProductStatus } from "@/lib/api/types";
import { useCan } from "@/lib/auth/session";
import { useCategories } from "@/lib/hooks/categories";
import styles from "./products.module.css";

const ProductTable = dynamic(() => import("@/components/products/ProductTable"), {
  ssr: false,
  loading: () => <Skeleton rows={10} label="Loading products" />,
});

const SORT_LABELS: Record<ProductSort, string> = {
  "-created_at": "Newest first",
  created_at: "Oldest first",
  name: "Name A–Z",
  price: "Price, low to high",
  "-price": "Price, high to low",
};

function readParams(sp: URLSearchParams): ProductListParams {
  const status = sp.get("status");
  const sort = sp.get("sort");
  return {
    q: sp.get("q") ?? undefined,
    category_id: sp.get("category") ?? undefined,
    status: PRODUCT_STATUSES.includes(status as ProductStatus) ? (status as ProductStatus) : undefined,
    sort: PRODUCT_SORTS.includes(sort as ProductSort) ? (sort as ProductSort) : undefined,
  };
}

export function ProductsView() {
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const params = useMemo(() => readParams(new URLSearchParams(searchParams.toString())), [searchParams]);
  const [q, setQ] = useState(params.q ?? "");
  const canWrite = useCan("catalog:write");
  const categories = useCategories();

  const setParam = useCallback(
    (name: string, value: string | undefined) => {
      const sp = new URLSearchParams(window.location.search);
      if (value) sp.set(name, value);
      else sp.delete(name);
      const s = sp.toString();
      router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
    },
    [router, pathname],
  );

  // Search as you type, 300 ms after the last key. The URL is the truth: when it changes from
  // elsewhere (back button, "Clear filters"), the box follows it instead of writing it back.
  const urlQ = params.q ?? "";
  const urlQRef = useRef(urlQ);
  useEffect(() => {
    if (urlQRef.current !== urlQ) {
      urlQRef.current = urlQ;
      setQ(urlQ);
    }
  }, [urlQ]);
  useEffect(() => {
    const t = setTimeout(() => {
      const next = q.trim();
      if (next !== urlQRef.current) {
        urlQRef.current = next;
        setParam("q", next || undefined);
      }
    }, 300);
    return () => clearTimeout(t);
  }, [q, setParam]);

  const qTooShort = q.trim().length > 0 && [...q.trim()].length < MIN_SEARCH_LENGTH;
  const filtered = Boolean(params.q || params.category_id || params.status);

  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <h1>Products</h1>
        <div className={styles.headerActions}>
          <DownloadButton path={paths.productsExport(params)} label="Export CSV" />
          {canWrite && (
            <>
              <Link href="/products/import" className="btn">
                Import CSV
              </Link>
              <Link href="/products/new" className="btn btn-primary">
                New product
              </Link>
            </>
          )}
        </div>
      </div>
      <search className={styles.toolbar} aria-label="Filter products">
        <div className={styles.searchBox}>
          <label htmlFor="product-search" className="visually-hidden">
            Search products
          </label>
          <input
            id="product-search"
            type="search"
            placeholder="Search name, SKU…"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            aria-describedby={qTooShort ? "search-hint" : undefined}
          />
          {qTooShort && (
            <span id="search-hint" className={styles.hint}>
              Type at least {MIN_SEARCH_LENGTH} characters
            </span>
          )}
        </div>
        <label className={styles.filter}>
          <span>Category</span>
          <select value={params.category_id ?? ""} onChange={(e) => setParam("category", e.target.value || undefined)}>
            <option value="">All categories</option>
            {categories.data?.data.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.filter}>
          <span>Status</span>
          <select value={params.status ?? ""} onChange={(e) => setParam("status", e.target.value || undefined)}>
            <option value="">Any status</option>
            {PRODUCT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]?.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </label>
        <label className={styles.filter}>
          <span>Sort</span>
          <select value={params.sort ?? "-created_at"} onChange={(e) => setParam("sort", e.target.value === "-created_at" ? undefined : e.target.value)}>
            {PRODUCT_SORTS.map((s) => (
              <option key={s} value={s}>
                {SORT_LABELS[s]}
              </option>
            ))}
          </select>
        </label>
        {filtered && (
          <button
            type="button"
            className="btn btn-link"
            onClick={() => {
              setQ("");
              const sort = params.sort ? `?sort=${params.sort}` : "";
              router.replace(`${pathname}${sort}`, { scroll: false });
            }}
          >
            Clear filters
          </button>
        )}
      </search>
      <ProductTable
        params={params}
        canWrite={canWrite}
        filtered={filtered}
        onSort={(sort) => setParam("sort", sort === "-created_at" ? undefined : sort)}
      />
    </div>
  );
}
