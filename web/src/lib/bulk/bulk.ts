// Bulk product writes (POST /api/v1/products/bulk, src/services/catalog/bulk_routes.cpp) and the
// jobs a write by filter becomes (GET /api/v1/jobs/{id}): the wire shapes, the chunking of a
// selection by ids at the API's item limit, and the inverse action an Undo sends.

import type { ApiClient } from "../api/client";
import { ApiError } from "../api/envelope";
import { paths } from "../api/keys";
import type { PageMeta, ProductStatus } from "../api/types";
import { pollUntil, type PollOptions } from "../poll";

export type BulkAction = "archive" | "activate" | "delete" | "restore" | "set_category" | "adjust_price";

/** The action's argument: set_category's category (null detaches), adjust_price's change. */
export interface BulkArgs {
  category_id?: string | null;
  amount_cents?: number;
  percent?: number;
}

export interface BulkItem {
  id: string;
  /** The product's ETag as read: a product changed since is refused (412), not overwritten. */
  if_match?: string;
}

/** The list's filters a job selects by (the API refuses a search: `q` cannot select a job). */
export interface BulkFilter {
  status?: ProductStatus;
  category_id?: string;
}

export interface BulkItemResult {
  id: string;
  status: number;
  etag?: string;
  error?: { code: string; message: string; details?: { field: string; message: string }[] };
}

export interface BulkResult {
  action: string;
  succeeded: number;
  failed: number;
  items: BulkItemResult[];
}

export type JobState = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export interface Job {
  id: string;
  kind: string;
  state: JobState;
  action?: string;
  filter?: BulkFilter;
  progress: { done: number; total: number | null; errors: number };
  failed_items: BulkItemResult[];
  error: string | null;
  attempts: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

/** BULK_MAX_ITEMS, the catalog's default: more ids in one call are refused (422). */
export const BULK_MAX_ITEMS = 1000;

/** `items` in consecutive runs of at most `size` (the last may be shorter); none when empty. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const n = Math.max(1, Math.trunc(size));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

/** The undo of an action, when there is one that the same ids (or filter) can send. */
export function inverseAction(action: BulkAction): BulkAction | null {
  switch (action) {
    case "archive":
      return "activate";
    case "activate":
      return "archive";
    case "delete":
      return "restore";
    case "restore":
      return "delete";
    default:
      return null; // a new category or price forgets the old ones, which differ product by product
  }
}

/**
 * What undoes a bulk call by ids: the inverse action on the items that succeeded, each with the
 * ETag that call returned (a product changed meanwhile is refused, 412, and left as it is), and
 * apart the ones that were drafts (no bulk action makes a draft: each is set back alone).
 * `previous`: each product's status before the call. Null when the action has no inverse.
 */
export function undoPlan(
  action: BulkAction,
  succeeded: BulkItemResult[],
  previous: ReadonlyMap<string, string>,
): { inverse: BulkAction; items: BulkItem[]; drafts: BulkItem[] } | null {
  const inverse = inverseAction(action);
  if (!inverse) return null;
  const item = (r: BulkItemResult): BulkItem => (r.etag ? { id: r.id, if_match: r.etag } : { id: r.id });
  const toDraft = (r: BulkItemResult) => action === "archive" && previous.get(r.id) === "draft";
  return { inverse, items: succeeded.filter((r) => !toDraft(r)).map(item), drafts: succeeded.filter(toDraft).map(item) };
}

export function bulkBody(action: BulkAction, args: BulkArgs, target: { items: BulkItem[] } | { filter: BulkFilter }) {
  const body: Record<string, unknown> = { action };
  if (action === "set_category") body.category_id = args.category_id ?? null;
  if (action === "adjust_price") {
    if (args.percent !== undefined) body.percent = args.percent;
    else body.amount_cents = args.amount_cents ?? 0;
  }
  return { ...body, ...target };
}

/** Every item of `items` failed with one error (a chunk whose whole call failed). */
function failedWith(items: BulkItem[], e: unknown): BulkItemResult[] {
  const status = e instanceof ApiError && e.status > 0 ? e.status : 503;
  const code = e instanceof ApiError ? e.code : "network_error";
  const message = e instanceof Error ? e.message : "not attempted";
  return items.map((i) => ({ id: i.id, status, error: { code, message } }));
}

export function mergeResults(action: string, parts: BulkItemResult[][]): BulkResult {
  const items = parts.flat();
  const failed = items.filter((i) => i.error || i.status !== 200).length;
  return { action, succeeded: items.length - failed, failed, items };
}

/**
 * By ids: one call per BULK_MAX_ITEMS, one after another. A refusal of the first call as a
 * whole (a 422 body, 403) is thrown, since nothing was changed and the next calls would be
 * refused alike; a later call's failure fails its own items and the others stand.
 */
export async function bulkByIds(
  api: Pick<ApiClient, "post">,
  action: BulkAction,
  args: BulkArgs,
  items: BulkItem[],
  onProgress?: (done: number, total: number) => void,
  maxItems = BULK_MAX_ITEMS,
): Promise<BulkResult> {
  const parts: BulkItemResult[][] = [];
  let done = 0;
  for (const [i, part] of chunk(items, maxItems).entries()) {
    try {
      const res = await api.post<BulkResult>(paths.productsBulk, { body: bulkBody(action, args, { items: part }) });
      parts.push(res.data.items);
    } catch (e) {
      if (i === 0) throw e;
      parts.push(failedWith(part, e));
    }
    done += part.length;
    onProgress?.(done, items.length);
  }
  return mergeResults(action, parts);
}

/** By filter: the queued job (202). */
export async function startBulkJob(api: Pick<ApiClient, "post">, action: BulkAction, args: BulkArgs, filter: BulkFilter): Promise<Job> {
  const res = await api.post<Job>(paths.productsBulk, { body: bulkBody(action, args, { filter }) });
  return res.data;
}

export function jobFinished(job: Pick<Job, "state">): boolean {
  return job.state === "succeeded" || job.state === "failed" || job.state === "cancelled";
}

/** 0…1, or null while the worker has not counted what the filter selects. */
export function jobFraction(job: Pick<Job, "state" | "progress">): number | null {
  if (job.state === "succeeded") return 1;
  const { done, total } = job.progress;
  if (total === null) return null;
  return total === 0 ? 1 : Math.min(1, done / total);
}

/** Reads the job until it ends (succeeded, failed or cancelled). */
export function waitForJob(api: Pick<ApiClient, "get">, id: string, options: PollOptions<Job> = {}): Promise<Job> {
  return pollUntil(async () => (await api.get<Job>(paths.job(id))).data, jobFinished, options);
}

/** How many live products a filter selects: the v1 list's total, one row fetched. */
export async function countMatching(api: Pick<ApiClient, "get">, filter: BulkFilter): Promise<number> {
  const sp = new URLSearchParams({ per_page: "1" });
  if (filter.status) sp.set("status", filter.status);
  if (filter.category_id) sp.set("category_id", filter.category_id);
  const res = await api.get<unknown[], PageMeta>(`${paths.products}?${sp.toString()}`);
  return res.meta?.total_items ?? 0;
}
