// Building blocks that mirror the services' validators (src/services/catalog/validate.cpp,
// src/services/identity/validation.cpp), with the same messages, so a field shows the same
// sentence whether the browser or the server caught it. The server stays the authority.

/** Length in code points, as the services count (UTF-8 lead bytes). */
export function charLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

export interface TextRule {
  min: number;
  max: number;
  /** Newlines and tabs allowed (descriptions). */
  multiline?: boolean;
}

function hasControl(s: string, multiline: boolean): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if ((c < 0x20 || c === 0x7f) && !(multiline && (ch === "\n" || ch === "\r" || ch === "\t"))) return true;
  }
  return false;
}

/** The catalog's BodyFields::text rule. Returns the problem, or null. */
export function textProblem(value: string, rule: TextRule): string | null {
  const n = charLength(value);
  if (n < rule.min || n > rule.max)
    return rule.min > 0 ? `must be ${rule.min} to ${rule.max} characters` : `must be at most ${rule.max} characters`;
  if (hasControl(value, rule.multiline ?? false)) return "must not contain control characters";
  if (rule.min > 0 && /^[ \t]*$/.test(value)) return "must not be blank";
  return null;
}

export function validSlug(s: string): boolean {
  return s.length > 0 && s.length <= 120 && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(s);
}

export function validSku(s: string): boolean {
  return s.length > 0 && s.length <= 64 && /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(s);
}

export function validCurrency(s: string): boolean {
  return /^[A-Z]{3}$/.test(s);
}

export function isUuid(s: string): boolean {
  return /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s);
}

/** Mirror of identity's email_problem. */
export function emailProblem(e: string): string | null {
  const at = e.indexOf("@");
  const bad =
    e.length < 3 ||
    e.length > 254 ||
    at <= 0 ||
    at + 1 === e.length ||
    e.indexOf("@", at + 1) !== -1 ||
    !e.slice(at + 1).includes(".") ||
    e.endsWith(".") ||
    e.includes(" ") ||
    hasControl(e, false);
  return bad ? "must be an email address such as name@example.com" : null;
}

export const MIN_PASSWORD_BYTES = 12;
export const MAX_PASSWORD_BYTES = 256;

/** Mirror of auth::password_problem (lengths in bytes of UTF-8). */
export function passwordProblem(p: string): string | null {
  const n = byteLength(p);
  if (n < MIN_PASSWORD_BYTES) return `must be at least ${MIN_PASSWORD_BYTES} bytes long`;
  if (n > MAX_PASSWORD_BYTES) return `must be at most ${MAX_PASSWORD_BYTES} bytes long`;
  if (hasControl(p, false)) return "must be UTF-8 text without control characters";
  return null;
}

/** Mirror of identity's name_problem. */
export function personNameProblem(n: string): string | null {
  if (charLength(n) > 200) return "must be at most 200 characters";
  if (hasControl(n, false)) return "must not contain control characters";
  return null;
}

export type FieldErrors = Record<string, string>;
