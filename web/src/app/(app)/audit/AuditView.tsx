"use client";

// The audit trail (GET /api/v1/audit), for editors and admins: filters in the URL (a product's
// "History" link opens it filtered to that product), keyset pages on "Load more", and each
// entry unfolding into the fields its write changed.

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo, useState } from "react";
import { EmptyState, ErrorState, Skeleton, describeError } from "@/components/states";
import type { AuditFilter } from "@/lib/api/keys";
import type { AuditEntry } from "@/lib/api/types";
import { diffRepresentations, formatValue } from "@/lib/audit/diff";
import { useCan, useSession } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { useAuditTrail } from "@/lib/hooks/audit";
import styles from "../admin.module.css";
import local from "./audit.module.css";

const ACTIONS = [
  "product.create",
  "product.update",
  "product.delete",
  "product.restore",
  "category.create",
  "category.update",
  "category.delete",
];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readFilter(sp: URLSearchParams): AuditFilter {
  const type = sp.get("entity_type");
  return {
    user_id: sp.get("user_id") ?? undefined,
    entity_type: type === "product" || type === "category" ? type : undefined,
    entity_id: sp.get("entity_id") ?? undefined,
    action: sp.get("action") ?? undefined,
    since: sp.get("since") ?? undefined,
    until: sp.get("until") ?? undefined,
  };
}

/** An RFC 3339 instant as a datetime-local input shows it (the browser's time zone). */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const local = new Date(d.getTime() - d.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function fromLocalInput(v: string): string | undefined {
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The changed fields of an entry in one line, for the collapsed row. */
function summary(e: AuditEntry): string {
  if (e.action.endsWith(".create")) return "created";
  const changes = diffRepresentations(e.before, e.after);
  // A category's representation has no deleted_at: its delete changes no field it shows.
  if (changes.length === 0) return e.action.endsWith(".delete") ? "deleted" : "no visible change";
  const shown = changes.slice(0, 3).map((c) => `${c.field}: ${formatValue(c.before)} → ${formatValue(c.after)}`);
  return changes.length > 3 ? `${shown.join("; ")}; +${changes.length - 3} more` : shown.join("; ");
}

function EntryDiff({ entry }: { entry: AuditEntry }) {
  const changes = diffRepresentations(entry.before, entry.after);
  if (changes.length === 0)
    return <p className={styles.muted}>{entry.action.endsWith(".delete") ? "Deleted; no field of its representation changed." : "No field changed."}</p>;
  return (
    <table className={local.diff} aria-label="Changed fields">
      <thead>
        <tr>
          <th scope="col">Field</th>
          <th scope="col">Before</th>
          <th scope="col">After</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr key={c.field} data-testid="diff-row" data-field={c.field}>
            <th scope="row" className={styles.mono}>
              {c.field}
            </th>
            <td className={local.before}>{formatValue(c.before)}</td>
            <td className={local.after}>{formatValue(c.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Filters({ filter, onChange }: { filter: AuditFilter; onChange: (f: AuditFilter) => void }) {
  const [user, setUser] = useState(filter.user_id ?? "");
  const [entity, setEntity] = useState(filter.entity_id ?? "");
  const [entityType, setEntityType] = useState(filter.entity_type ?? "");
  const badUser = user !== "" && !UUID.test(user.trim());
  const badEntity = entity !== "" && !UUID.test(entity.trim());
  return (
    <form
      className={local.filters}
      aria-label="Filter the audit trail"
      onSubmit={(e) => {
        e.preventDefault();
        if (badUser || badEntity) return;
        // The API takes a type only beside an id (audit_routes.cpp): one is sent with the other.
        const id = entity.trim() || undefined;
        onChange({ ...filter, user_id: user.trim() || undefined, entity_id: id, entity_type: id ? ((entityType || undefined) as AuditFilter["entity_type"]) : undefined });
      }}
    >
      <label>
        <span>User id</span>
        <input value={user} onChange={(e) => setUser(e.target.value)} aria-invalid={badUser} placeholder="any user" />
      </label>
      <label>
        <span>Entity</span>
        <select value={entityType} onChange={(e) => setEntityType(e.target.value)} disabled={!entity.trim()}>
          <option value="">Product or category</option>
          <option value="product">Product</option>
          <option value="category">Category</option>
        </select>
      </label>
      <label>
        <span>Entity id</span>
        <input value={entity} onChange={(e) => setEntity(e.target.value)} aria-invalid={badEntity} placeholder="any entity" />
      </label>
      <label>
        <span>Action</span>
        <select value={filter.action ?? ""} onChange={(e) => onChange({ ...filter, action: e.target.value || undefined })}>
          <option value="">Any action</option>
          {ACTIONS.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>From</span>
        <input type="datetime-local" value={toLocalInput(filter.since)} onChange={(e) => onChange({ ...filter, since: fromLocalInput(e.target.value) })} />
      </label>
      <label>
        <span>Until</span>
        <input type="datetime-local" value={toLocalInput(filter.until)} onChange={(e) => onChange({ ...filter, until: fromLocalInput(e.target.value) })} />
      </label>
      <div className={local.filterButtons}>
        <button type="submit" className="btn btn-small">
          Apply
        </button>
        {(badUser || badEntity) && <span className={local.invalid}>Ids are UUIDs.</span>}
      </div>
    </form>
  );
}

export function AuditView() {
  const canRead = useCan("audit:view");
  const me = useSession().user;
  const searchParams = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filter = useMemo(() => readFilter(new URLSearchParams(searchParams.toString())), [searchParams]);
  const trail = useAuditTrail(canRead ? filter : {});
  const [open, setOpen] = useState<Set<string>>(() => new Set());

  function setFilter(f: AuditFilter) {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v) sp.set(k, v);
    const s = sp.toString();
    router.replace(s ? `${pathname}?${s}` : pathname, { scroll: false });
  }

  if (!canRead)
    return (
      <EmptyState title="Editors and admins only">
        <p>The audit trail needs the editor or admin role.</p>
      </EmptyState>
    );

  const filtered = Object.values(filter).some(Boolean);
  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <h1>Audit trail</h1>
        {filtered && (
          <button type="button" className="btn btn-link" onClick={() => setFilter({})}>
            Clear filters
          </button>
        )}
      </div>
      {/* Keyed by the URL's filter so the text boxes follow it (History link, Clear). */}
      <Filters key={searchParams.toString()} filter={filter} onChange={setFilter} />
      {trail.isLoading ? (
        <Skeleton rows={8} label="Loading the audit trail" />
      ) : trail.error && trail.entries.length === 0 ? (
        <ErrorState error={trail.error} onRetry={trail.refresh} title="Could not load the audit trail" />
      ) : trail.entries.length === 0 ? (
        <EmptyState title={filtered ? "No entries match these filters" : "No changes recorded yet"} />
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table} aria-label="Audit entries">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Entity</th>
                <th scope="col">Changes</th>
              </tr>
            </thead>
            <tbody>
              {trail.entries.map((e) => {
                const isOpen = open.has(e.id);
                const name = (e.after?.name ?? e.before?.name) as string | undefined;
                return (
                  <AuditRow
                    key={e.id}
                    entry={e}
                    name={name}
                    isMe={me?.id === e.user.id}
                    isOpen={isOpen}
                    onToggle={() =>
                      setOpen((s) => {
                        const n = new Set(s);
                        if (n.has(e.id)) n.delete(e.id);
                        else n.add(e.id);
                        return n;
                      })
                    }
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <div className={styles.pager}>
        <span aria-live="polite">
          {trail.entries.length.toLocaleString("en-GB")} entries loaded{trail.hasMore ? "" : trail.entries.length ? " — end of trail" : ""}
        </span>
        {trail.error && trail.entries.length > 0 && <span role="alert">{describeError(trail.error)}</span>}
        {trail.hasMore && (
          <button type="button" className="btn btn-small" onClick={trail.loadMore} disabled={trail.isLoadingMore}>
            {trail.isLoadingMore ? "Loading…" : "Load more"}
          </button>
        )}
      </div>
    </div>
  );
}

function AuditRow({ entry: e, name, isMe, isOpen, onToggle }: { entry: AuditEntry; name?: string; isMe: boolean; isOpen: boolean; onToggle: () => void }) {
  const diffId = `diff-${e.id}`;
  return (
    <>
      <tr data-testid="audit-entry" data-entity-id={e.entity.id} data-action={e.action}>
        <td className={local.when}>{formatDateTime(e.time)}</td>
        <td>
          <span className={styles.mono} title={e.user.id}>
            {isMe ? "you" : `${e.user.id.slice(0, 8)}…`}
          </span>{" "}
          <span className={styles.muted}>({e.user.role})</span>
        </td>
        <td className={styles.mono}>{e.action}</td>
        <td>
          {e.entity.type === "product" && !e.action.endsWith(".delete") ? (
            <Link href={`/products/${e.entity.id}`}>{name ?? e.entity.id}</Link>
          ) : (
            <span>{name ?? e.entity.id}</span>
          )}{" "}
          <span className={styles.muted}>{e.entity.type}</span>
        </td>
        <td className={local.changes}>
          <button type="button" className="btn btn-link" aria-expanded={isOpen} aria-controls={diffId} onClick={onToggle}>
            {isOpen ? "Hide" : "Show"} changes
          </button>{" "}
          <span className={styles.muted}>{summary(e)}</span>
        </td>
      </tr>
      {isOpen && (
        <tr id={diffId} className={local.diffRow}>
          <td colSpan={5}>
            <EntryDiff entry={e} />
            <p className={styles.muted}>
              Request {e.request_id || "—"} from {e.client_address || "an unknown address"}
            </p>
          </td>
        </tr>
      )}
    </>
  );
}
