// The before/after of an audit entry as the fields that changed. The API stores both sides
// whole (audit_trail.cpp: "a client diffs them itself"): nested objects are compared member by
// member under dotted names (price.amount, attributes.colour, category.name), arrays (images)
// as a whole, since an image moved is a change of the list rather than of one member.

export type ChangeKind = "added" | "removed" | "changed";

export interface FieldChange {
  field: string;
  kind: ChangeKind;
  before: unknown;
  after: unknown;
}

/** Fields every write changes: listing them would hide the change that matters. */
export const BOOKKEEPING_FIELDS = new Set(["version", "updated_at"]);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Equality of JSON values (key order of objects ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && jsonEqual(a[k], b[k]));
  }
  return false;
}

function walk(prefix: string, before: unknown, after: unknown, out: FieldChange[], ignore: Set<string>) {
  if (isPlainObject(before) && isPlainObject(after)) {
    const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const name of names) {
      const field = prefix ? `${prefix}.${name}` : name;
      if (!prefix && ignore.has(name)) continue;
      if (!(name in before)) out.push({ field, kind: "added", before: undefined, after: after[name] });
      else if (!(name in after)) out.push({ field, kind: "removed", before: before[name], after: undefined });
      else walk(field, before[name], after[name], out, ignore);
    }
    return;
  }
  if (!jsonEqual(before, after)) out.push({ field: prefix, kind: "changed", before, after });
}

/**
 * The changed fields, sorted by name. A create (before null) lists every field of the new
 * representation as added; a side that is not an object is compared as one value.
 */
export function diffRepresentations(before: unknown, after: unknown, ignore: Set<string> = BOOKKEEPING_FIELDS): FieldChange[] {
  const out: FieldChange[] = [];
  if (before === null || before === undefined) {
    if (isPlainObject(after))
      for (const name of Object.keys(after).sort())
        if (!ignore.has(name)) out.push({ field: name, kind: "added", before: undefined, after: after[name] });
    return out;
  }
  walk("", before, after ?? {}, out, ignore);
  return out;
}

/** One value as a cell shows it: strings as they are, the rest as compact JSON, absent as —. */
export function formatValue(v: unknown): string {
  if (v === undefined) return "—";
  if (typeof v === "string") return v === "" ? "“”" : v;
  return JSON.stringify(v);
}
