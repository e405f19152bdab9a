// The one key factory: every SWR key of the dashboard is made here, and `urlOf` is the only
// place that turns a key into an API path. Keys are arrays whose first element is the resource
// and second the kind, so a mutation can address "every product list" or "this product".

import type { ProductSort, ProductStatus } from "./types";

export interface ProductListParams {
  q?: string;
  category_id?: string;
  status?: ProductStatus;
  sort?: ProductSort;
  /** Page size of the v2 cursor list (1..100). */
  limit?: number;
}

/** GET /api/v1/audit's filters (audit_routes.cpp); times are RFC 3339. */
export interface AuditFilter {
  user_id?: string;
  entity_type?: "product" | "category";
  entity_id?: string;
  action?: string;
  since?: string;
  until?: string;
}

export const AUDIT_PAGE = 50;

/** Drops empty values, so equal filters make equal keys. */
export function normalizeAuditFilter(f: AuditFilter): AuditFilter {
  const out: AuditFilter = {};
  for (const name of ["user_id", "entity_type", "entity_id", "action", "since", "until"] as const) {
    const v = f[name]?.trim();
    if (v) (out as Record<string, string>)[name] = v;
  }
  return out;
}

/** The server refuses q shorter than this (trigram search), so shorter input is not sent. */
export const MIN_SEARCH_LENGTH = 3;
/** Rows per v2 page: the server's maximum, so a long scroll costs few requests. */
export const DEFAULT_PRODUCT_PAGE = 100;

/** Drops empty values so that equal filters make equal keys, whatever the form state held. */
export function normalizeProductParams(p: ProductListParams): ProductListParams {
  const out: ProductListParams = {};
  const q = p.q?.trim();
  if (q && [...q].length >= MIN_SEARCH_LENGTH) out.q = q;
  if (p.category_id) out.category_id = p.category_id;
  if (p.status) out.status = p.status;
  if (p.sort && p.sort !== "-created_at") out.sort = p.sort;
  out.limit = Math.min(100, Math.max(1, Math.trunc(p.limit ?? DEFAULT_PRODUCT_PAGE)));
  return out;
}

export const keys = {
  products: {
    all: () => ["products"] as const,
    lists: () => ["products", "list"] as const,
    /** One page of the v2 cursor list; `cursor` null is the first page. */
    page: (params: ProductListParams, cursor: string | null) =>
      ["products", "list", normalizeProductParams(params), cursor ?? ""] as const,
    detail: (id: string) => ["products", "detail", id] as const,
  },
  categories: {
    all: () => ["categories"] as const,
    /** Every category of the store, all pages merged (fetchEveryCategory): selects and filters. */
    list: () => ["categories", "list"] as const,
    /** One page of the categories screen's table. */
    page: (page: number, perPage: number) => ["categories", "page", { page, per_page: perPage }] as const,
  },
  users: {
    all: () => ["users"] as const,
    list: (page: number, perPage: number) => ["users", "list", { page, per_page: perPage }] as const,
  },
  audit: {
    all: () => ["audit"] as const,
    /** One page of the audit trail; `cursor` null is the newest page. */
    page: (filter: AuditFilter, cursor: string | null) => ["audit", "page", normalizeAuditFilter(filter), cursor ?? ""] as const,
  },
  auth: {
    me: () => ["auth", "me"] as const,
  },
  ops: {
    all: () => ["ops"] as const,
    /** Every panel of the view in one request (one rate-limit token per refresh, not nine). */
    series: (panels: readonly string[], rangeSeconds: number) => ["ops", "series", panels.join(","), rangeSeconds] as const,
    alerts: () => ["ops", "alerts"] as const,
    slow: () => ["ops", "slow-requests"] as const,
  },
} as const;

export type ProductPageKey = ReturnType<typeof keys.products.page>;
export type ProductDetailKey = ReturnType<typeof keys.products.detail>;
export type AnyKey = readonly unknown[];

function query(params: Record<string, string | number | undefined>): string {
  const sp = new URLSearchParams();
  for (const name of Object.keys(params).sort()) {
    const v = params[name];
    if (v !== undefined && v !== "") sp.set(name, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : "";
}

/** The API path a key reads. Throws on a key this factory did not make. */
export function urlOf(key: AnyKey): string {
  const [resource, kind, arg, extra] = key;
  if (resource === "products" && kind === "list") {
    const p = (arg ?? {}) as ProductListParams;
    return `/api/v2/products${query({ ...p, cursor: typeof extra === "string" ? extra : undefined })}`;
  }
  if (resource === "products" && kind === "detail" && typeof arg === "string")
    return `/api/v1/products/${encodeURIComponent(arg)}`;
  if (resource === "categories" && kind === "page") {
    const p = arg as { page: number; per_page: number };
    return `/api/v1/categories${query({ page: p.page, per_page: p.per_page })}`;
  }
  if (resource === "users" && kind === "list") {
    const p = arg as { page: number; per_page: number };
    return `/api/v1/users${query({ page: p.page, per_page: p.per_page })}`;
  }
  if (resource === "audit" && kind === "page") {
    const f = (arg ?? {}) as AuditFilter;
    return `/api/v1/audit${query({ ...f, limit: AUDIT_PAGE, cursor: typeof extra === "string" ? extra : undefined })}`;
  }
  if (resource === "auth" && kind === "me") return "/api/v1/auth/me";
  if (resource === "ops" && kind === "series")
    return `/api/v1/admin/ops/series${query({ panel: String(arg), range: Number(extra) })}`;
  if (resource === "ops" && kind === "alerts") return "/api/v1/admin/ops/alerts";
  if (resource === "ops" && kind === "slow-requests") return "/api/v1/admin/ops/slow-requests";
  throw new Error(`no URL for key ${JSON.stringify(key)}`);
}

/** True for keys under `prefix` (e.g. `keys.products.lists()` matches every product list page). */
export function keyStartsWith(key: unknown, prefix: AnyKey): boolean {
  return Array.isArray(key) && prefix.every((part, i) => key[i] === part);
}

/** Write paths, beside the read keys so one file names every endpoint the dashboard uses. */
export const paths = {
  products: "/api/v1/products",
  product: (id: string) => `/api/v1/products/${encodeURIComponent(id)}`,
  productRestore: (id: string) => `/api/v1/products/${encodeURIComponent(id)}/restore`,
  categories: "/api/v1/categories",
  category: (id: string) => `/api/v1/categories/${encodeURIComponent(id)}`,
  users: "/api/v1/users",
  user: (id: string) => `/api/v1/users/${encodeURIComponent(id)}`,
  productsBulk: "/api/v1/products/bulk",
  job: (id: string) => `/api/v1/jobs/${encodeURIComponent(id)}`,
  imports: "/api/v1/imports",
  import: (id: string) => `/api/v1/imports/${encodeURIComponent(id)}`,
  importPart: (id: string, n: number) => `/api/v1/imports/${encodeURIComponent(id)}/parts/${n}`,
  importFinish: (id: string) => `/api/v1/imports/${encodeURIComponent(id)}/finish`,
  importRun: (id: string) => `/api/v1/imports/${encodeURIComponent(id)}/run`,
  importErrors: (id: string, cursor: string | null, limit: number) =>
    `/api/v1/imports/${encodeURIComponent(id)}/errors${query({ cursor: cursor ?? undefined, limit })}`,
  importErrorsCsv: (id: string) => `/api/v1/imports/${encodeURIComponent(id)}/errors.csv`,
  /** The products a list's filters select, as CSV (streamed: downloaded, never fetched). */
  productsExport: (p: ProductListParams) => {
    const n = normalizeProductParams(p);
    return `/api/v1/products/export${query({ q: n.q, category_id: n.category_id, status: n.status, sort: n.sort })}`;
  },
  rum: "/api/v1/rum",
  rumErrors: "/api/v1/rum/errors",
} as const;
