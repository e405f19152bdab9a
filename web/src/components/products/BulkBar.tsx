"use client";

// The products list's bulk bar: one action for the selected rows (POST /api/v1/products/bulk
// by ids, in calls of at most 1,000) or for every product the current filter matches (a job,
// with a progress bar until it ends). Items the server refused are listed with its reason.
// An archive or a delete offers Undo for a few seconds: the inverse action on the same
// products, each with the ETag the first call returned, so a product someone else changed
// meanwhile is left as they left it.

import { memo, useEffect, useRef, useState } from "react";
import { api } from "@/lib/api";
import { plural } from "@/lib/format";
import {
  bulkByIds,
  countMatching,
  inverseAction,
  jobFraction,
  startBulkJob,
  waitForJob,
  type BulkAction,
  type BulkArgs,
  type BulkFilter,
  type BulkItemResult,
  type Job,
  undoPlan,
} from "@/lib/bulk/bulk";
import { paths } from "@/lib/api/keys";
import type { ProductV2 } from "@/lib/api/types";
import { inBatches, revalidateProductLists } from "@/lib/hooks/products";
import { useCategories } from "@/lib/hooks/categories";
import { describeError } from "../states";
import { useToast } from "../Toast";
import styles from "./ProductTable.module.css";

/** How long Undo is offered. */
const UNDO_MS = 10_000;

export type BulkTarget =
  | { kind: "ids"; rows: ProductV2[] }
  | { kind: "filter"; filter: BulkFilter; count: number };

const VERBS: Record<BulkAction, [string, string]> = {
  archive: ["Archive", "Archived"],
  activate: ["Activate", "Activated"],
  delete: ["Delete", "Deleted"],
  restore: ["Restore", "Restored"],
  set_category: ["Set category", "Recategorised"],
  adjust_price: ["Adjust price", "Repriced"],
};

/** Offered once every loaded row is selected and more exist: every product the filter matches,
 *  or a note that a search cannot select beyond the loaded rows (the API cannot select by q). */
export type MatchOffer = { kind: "count"; count: number } | { kind: "search" };

interface Props {
  target: BulkTarget;
  /** The selection is done with (the action ran): clear it. */
  onDone: () => void;
  onClear: () => void;
  offer: MatchOffer | null;
  onSelectMatching: () => void;
}

interface Failure {
  id: string;
  name: string;
  status: number;
  message: string;
}

function failuresOf(items: BulkItemResult[], names: Map<string, string>): Failure[] {
  return items
    .filter((i) => i.error || i.status !== 200)
    .map((i) => ({ id: i.id, name: names.get(i.id) ?? i.id, status: i.status, message: i.error?.message ?? `status ${i.status}` }));
}

/**
 * Whether "activate every archived product of the filter's category" undoes archiving what the
 * filter selects: only when each of them was active and no archived product was there before.
 */
async function filterArchiveUndoable(filter: BulkFilter): Promise<boolean> {
  if (filter.status && filter.status !== "active") return false;
  const scope = { category_id: filter.category_id };
  const counts = await Promise.all([
    countMatching(api, { ...scope, status: "archived" }),
    filter.status ? Promise.resolve(0) : countMatching(api, { ...scope, status: "draft" }),
  ]);
  return counts.every((n) => n === 0);
}

export const BulkBar = memo(function BulkBar({ target, onDone, onClear, offer, onSelectMatching }: Props) {
  const toast = useToast();
  const categories = useCategories();
  const [busy, setBusy] = useState(false);
  const [category, setCategory] = useState("");
  const [priceValue, setPriceValue] = useState("");
  const [priceUnit, setPriceUnit] = useState<"amount" | "percent">("percent");
  const [job, setJob] = useState<Job | null>(null);
  /** A call by ids of more than BULK_MAX_ITEMS goes in several calls: how far it is. */
  const [sending, setSending] = useState<{ done: number; total: number } | null>(null);
  const [failures, setFailures] = useState<{ verb: string; list: Failure[] } | null>(null);
  const stop = useRef<AbortController | null>(null);
  useEffect(() => () => stop.current?.abort(new Error("left the page")), []);

  const count = target.kind === "ids" ? target.rows.length : target.count;
  const names = new Map(target.kind === "ids" ? target.rows.map((r) => [r.id, r.name]) : []);

  async function byFilter(action: BulkAction, args: BulkArgs, filter: BulkFilter): Promise<Job> {
    const ctl = new AbortController();
    stop.current = ctl;
    const started = await startBulkJob(api, action, args, filter);
    setJob(started);
    try {
      return await waitForJob(api, started.id, { signal: ctl.signal, onUpdate: setJob });
    } finally {
      void revalidateProductLists();
    }
  }

  async function undo(action: BulkAction, done: { ids: BulkItemResult[]; previous: Map<string, string> } | { filter: BulkFilter }) {
    const inverse = inverseAction(action);
    if (!inverse) return;
    setBusy(true);
    try {
      if ("filter" in done) {
        const back: BulkFilter = { category_id: done.filter.category_id, status: inverse === "activate" ? "archived" : undefined };
        const j = await byFilter(inverse, {}, back);
        setJob(null);
        if (j.state === "succeeded")
          toast({ message: `Undone: ${plural(j.progress.done, "product")} ${inverse === "activate" ? "active" : "back"} again.`, tone: "success" });
        else toast({ message: `Undo stopped (${j.state}): ${j.error ?? "see the failed items"}`, tone: "error" });
        return;
      }
      const plan = undoPlan(action, done.ids, done.previous);
      if (!plan) return;
      const r = plan.items.length ? await bulkByIds(api, plan.inverse, {}, plan.items) : { succeeded: 0, failed: 0, items: [] };
      const d = await inBatches(plan.drafts, (i) => api.patch(paths.product(i.id), { body: { status: "draft" }, ifMatch: i.if_match ?? "*" }));
      const failed = r.failed + d.filter((x) => x.status === "rejected").length;
      const ok = r.succeeded + d.length - d.filter((x) => x.status === "rejected").length;
      if (failed) setFailures({ verb: "undone", list: failuresOf(r.items, names) });
      toast({ message: `Undone for ${plural(ok, "product")}${failed ? `; ${failed} changed meanwhile, left as they are` : ""}.`, tone: failed ? "error" : "success" });
    } catch (e) {
      toast({ message: `Could not undo: ${describeError(e)}`, tone: "error" });
    } finally {
      setBusy(false);
      void revalidateProductLists();
    }
  }

  async function run(action: BulkAction, args: BulkArgs = {}) {
    const [verb, done] = VERBS[action];
    if (action === "delete" && !window.confirm(`Delete ${plural(count, "product")}?`)) return;
    setBusy(true);
    setFailures(null);
    try {
      if (target.kind === "filter") {
        const undoable = action === "archive" ? await filterArchiveUndoable(target.filter) : false;
        const j = await byFilter(action, args, target.filter);
        setJob(null);
        if (j.state !== "succeeded") {
          toast({ message: `${verb} stopped (${j.state}): ${j.error ?? "see the failed items"}`, tone: "error" });
        } else {
          const what = `${done} ${plural(j.progress.done - j.progress.errors, "product")}`;
          toast({
            message: j.progress.errors ? `${what}; ${j.progress.errors} could not be changed.` : `${what}.`,
            tone: j.progress.errors ? "error" : "success",
            duration: undoable ? UNDO_MS : undefined,
            action: undoable ? { label: "Undo", onClick: () => void undo(action, { filter: target.filter }) } : undefined,
          });
        }
        if (j.failed_items.length) setFailures({ verb: done.toLowerCase(), list: failuresOf(j.failed_items, names) });
        onDone();
        return;
      }
      // A product already in the status asked for is not written again (no new version, no
      // audit row, and its Undo would wrongly change it).
      const already = action === "archive" ? "archived" : action === "activate" ? "active" : null;
      const rows = target.rows.filter((r) => r.status !== already);
      if (rows.length === 0) {
        toast({ message: `The selected products are already ${already}.` });
        return;
      }
      const previous = new Map(rows.map((r) => [r.id, r.status as string]));
      const items = rows.map((r) => ({ id: r.id, if_match: `"${r.id}.${r.version}"` }));
      const r = await bulkByIds(api, action, args, items, (sent, total) => setSending(sent < total ? { done: sent, total } : null));
      const succeeded = r.items.filter((i) => !i.error && i.status === 200);
      const canUndo = (action === "archive" || action === "delete") && succeeded.length > 0;
      toast({
        message: `${done} ${plural(r.succeeded, "product")}${r.failed ? `; ${r.failed} could not be changed` : ""}.`,
        tone: r.failed ? "error" : "success",
        duration: canUndo ? UNDO_MS : undefined,
        action: canUndo ? { label: "Undo", onClick: () => void undo(action, { ids: succeeded, previous }) } : undefined,
      });
      if (r.failed) setFailures({ verb: done.toLowerCase(), list: failuresOf(r.items, names) });
      onDone();
    } catch (e) {
      setJob(null);
      toast({ message: `Nothing was changed: ${describeError(e)}`, tone: "error" });
    } finally {
      setSending(null);
      setBusy(false);
      void revalidateProductLists();
    }
  }

  function applyPrice() {
    const n = Number(priceValue.replace(",", "."));
    if (!priceValue.trim() || !Number.isFinite(n) || n === 0) {
      toast({ message: "Enter a non-zero amount or percent (negative lowers the price).", tone: "error" });
      return;
    }
    void run("adjust_price", priceUnit === "percent" ? { percent: Math.round(n * 100) / 100 } : { amount_cents: Math.round(n * 100) });
  }

  const fraction = job ? jobFraction(job) : null;
  // Kept on screen after the selection is cleared while a job runs or failures are listed.
  if (count === 0 && !job && !sending && !failures) return null;
  return (
    <div className={styles.bulk} role="region" aria-label="Bulk actions">
      {count > 0 && (
      <>
      <div className={styles.bulkRow}>
        <strong>
          {target.kind === "filter" ? `All ${plural(count, "matching product")}` : plural(count, "product")} selected
        </strong>
        {offer?.kind === "count" && (
          <button type="button" className="btn btn-small btn-link" onClick={onSelectMatching}>
            Select all {offer.count.toLocaleString("en-GB")} matching
          </button>
        )}
        {offer?.kind === "search" && (
          <span className={styles.muted}>A search selects only the loaded rows; filter by category or status to act on every match.</span>
        )}
        <button type="button" className="btn btn-small btn-link" onClick={onClear} disabled={busy}>
          Clear selection
        </button>
      </div>
      <div className={styles.bulkRow}>
        <button type="button" className="btn btn-small" onClick={() => void run("archive")} disabled={busy}>
          Archive
        </button>
        <button type="button" className="btn btn-small" onClick={() => void run("activate")} disabled={busy}>
          Activate
        </button>
        <button type="button" className="btn btn-small btn-danger" onClick={() => void run("delete")} disabled={busy}>
          Delete
        </button>
        {target.kind === "filter" && (
          <button type="button" className="btn btn-small" onClick={() => void run("restore")} disabled={busy}>
            Restore deleted
          </button>
        )}
        <span className={styles.bulkGroup}>
          <label htmlFor="bulk-category" className="visually-hidden">
            New category
          </label>
          <select id="bulk-category" value={category} onChange={(e) => setCategory(e.target.value)} disabled={busy}>
            <option value="">No category</option>
            {categories.data?.data.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="button" className="btn btn-small" onClick={() => void run("set_category", { category_id: category || null })} disabled={busy}>
            Set category
          </button>
        </span>
        <span className={styles.bulkGroup}>
          <label htmlFor="bulk-price" className="visually-hidden">
            Price change
          </label>
          <input
            id="bulk-price"
            className={styles.bulkPrice}
            inputMode="decimal"
            placeholder={priceUnit === "percent" ? "-10" : "-1.50"}
            value={priceValue}
            onChange={(e) => setPriceValue(e.target.value)}
            disabled={busy}
          />
          <label htmlFor="bulk-price-unit" className="visually-hidden">
            Price change unit
          </label>
          <select id="bulk-price-unit" value={priceUnit} onChange={(e) => setPriceUnit(e.target.value as "amount" | "percent")} disabled={busy}>
            <option value="percent">%</option>
            <option value="amount">amount</option>
          </select>
          <button type="button" className="btn btn-small" onClick={applyPrice} disabled={busy}>
            Adjust price
          </button>
        </span>
      </div>
      </>
      )}
      {sending && (
        <div className={styles.bulkRow}>
          <progress aria-label="Bulk progress" max={sending.total} value={sending.done} className={styles.progress} />
          <span aria-live="polite">
            {sending.done.toLocaleString("en-GB")} of {sending.total.toLocaleString("en-GB")} sent
          </span>
        </div>
      )}
      {job && (
        <div className={styles.bulkRow}>
          <progress
            aria-label="Bulk job progress"
            max={1}
            value={fraction ?? undefined}
            className={styles.progress}
            data-testid="bulk-progress"
          />
          <span aria-live="polite">
            {job.state === "queued" ? "Queued…" : `${job.progress.done.toLocaleString("en-GB")} of ${job.progress.total?.toLocaleString("en-GB") ?? "…"}`}
          </span>
        </div>
      )}
      {failures && failures.list.length > 0 && (
        <details className={styles.failures} open role="alert">
          <summary>
            {plural(failures.list.length, "product")} not {failures.verb}{" "}
            <button type="button" className="btn btn-small btn-link" onClick={() => setFailures(null)}>
              Dismiss
            </button>
          </summary>
          <ul>
            {failures.list.slice(0, 100).map((f) => (
              <li key={f.id}>
                <strong>{f.name}</strong>: {f.message} ({f.status})
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
});
