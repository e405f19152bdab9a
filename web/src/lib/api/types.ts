// Wire types of the Mercato API (docs/architecture.md#public-api), field for field as the services write
// them: src/services/catalog/products_json.cpp, categories_json.cpp, identity/users_json.cpp.

export type Role = "admin" | "editor" | "viewer";
export const ROLES: readonly Role[] = ["admin", "editor", "viewer"];

export type ProductStatus = "draft" | "active" | "archived";
export const PRODUCT_STATUSES: readonly ProductStatus[] = ["draft", "active", "archived"];

/** Sort orders the product lists accept (v1 and v2). */
export type ProductSort = "-created_at" | "created_at" | "price" | "-price" | "name";
export const PRODUCT_SORTS: readonly ProductSort[] = ["-created_at", "created_at", "name", "price", "-price"];

export type AttributeValue = string | number | boolean | null | AttributeValue[];

export interface ProductImage {
  id?: string;
  url: string;
  alt_text: string;
  position?: number;
}

export interface CategoryRef {
  id: string;
  name: string;
}

interface ProductCommon {
  id: string;
  store_id: string;
  category_id: string | null;
  category: CategoryRef | null;
  name: string;
  slug: string;
  sku: string;
  description: string;
  status: ProductStatus;
  stock: number;
  attributes: Record<string, AttributeValue>;
  images: ProductImage[];
  version: number;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

/** v1 representation: money as integer cents beside an ISO 4217 code. */
export interface Product extends ProductCommon {
  price_cents: number;
  currency: string;
}

/** v2 representation: money as {amount, currency}; amount in minor units. */
export interface ProductV2 extends ProductCommon {
  price: { amount: number; currency: string };
}

/** What a create or a PATCH may send (every field optional for PATCH). */
export interface ProductInput {
  name?: string;
  sku?: string;
  slug?: string;
  description?: string;
  price_cents?: number;
  currency?: string;
  status?: ProductStatus;
  stock?: number;
  category_id?: string | null;
  attributes?: Record<string, AttributeValue>;
  images?: { url: string; alt_text: string }[];
}

export interface Category {
  id: string;
  store_id: string;
  name: string;
  slug: string;
  description: string;
  product_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface CategoryInput {
  name?: string;
  slug?: string;
  description?: string;
}

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  store_id: string;
  active: boolean;
  created_at: string;
  updated_at: string;
  password_changed_at: string;
}

export interface UserCreateInput {
  email: string;
  name?: string;
  role: Role;
  password: string;
}

export interface UserPatchInput {
  name?: string;
  role?: Role;
  active?: boolean;
  password?: string;
}

/** v1 offset pagination. */
export interface PageMeta {
  page: number;
  per_page: number;
  total_items: number;
  total_pages: number;
}

/** v2 keyset pagination: the cursor is opaque. */
export interface CursorMeta {
  limit: number;
  next_cursor: string | null;
  has_more: boolean;
}

/** Body of login and refresh (the refresh token itself travels only in the httpOnly cookie). */
/** Login and refresh answers as the dashboard reads them: no refresh token (it stays in the cookie). */
export interface TokenGrant {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  user?: User;
}

// ---- the operations view (GET /api/v1/admin/ops/…, admins only) ----

export type OpsUnit = "req/s" | "ratio" | "seconds" | "count";

/** [Unix seconds, value]; null where Prometheus had no number (a ratio of nothing). */
export type OpsPoint = [number, number | null];

export interface OpsSeries {
  label: string;
  points: OpsPoint[];
}

export interface OpsPanel {
  name: string;
  title: string;
  unit: OpsUnit;
  series: OpsSeries[];
}

export interface OpsPanels {
  range: number;
  step: number;
  end: number;
  panels: OpsPanel[];
}

export interface OpsAlert {
  name: string;
  severity: string;
  state: "firing" | "pending";
  since: string;
  summary: string;
}

export interface OpsSlowRequest {
  method: string;
  route: string;
  status: number;
  duration_ms: number;
  request_id: string;
  at: string;
}

export interface OpsSlowMeta {
  capacity: number;
  window_seconds: number;
}

// ---- the audit trail (GET /api/v1/audit, editors and admins) ----

export interface AuditEntry {
  id: string;
  time: string;
  store_id: string;
  user: { id: string; role: string };
  /** product.create, product.update, product.delete, product.restore, category.… */
  action: string;
  entity: { type: "product" | "category"; id: string };
  /** The representation before the write; null for a create. */
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  client_address: string;
  request_id: string;
}
