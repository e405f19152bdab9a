// Browser errors reported next to the Web Vitals: uncaught errors, unhandled rejections, React
// render errors and failed API fetches go to POST /api/v1/rum/errors, where the gateway counts
// them (web_errors_total{kind}) and logs each once. What leaves the browser is bounded on every
// axis, since a broken page can throw in a loop:
// - sampled: a page session reports with probability `sampleRatio`, decided once, so a sampled
//   session's errors are all there and the others cost nothing;
// - deduplicated: the same error (kind, message, where) is reported once per page session;
// - rate-limited: at most `maxPerMinute` errors per page session in any 60 s;
// - size-capped: message, stack and URLs cut to the gateway's caps (bytes of UTF-8), control
//   characters replaced, query strings and fragments removed from every URL (they can carry
//   tokens and personal data); a batch is split so no report exceeds the gateway's body cap;
// - batched: sent once 10 are queued, `flushDelayMs` after the first, or when the page is hidden.
// The gateway validates all of it again (src/services/gateway/rum_errors.cpp): these caps match.

export type ErrorKind = "js" | "unhandled_rejection" | "fetch" | "render";

export interface BrowserErrorInit {
  kind: ErrorKind;
  message: string;
  stack?: string | null;
  /** Script URL of an uncaught error. */
  source?: string | null;
  line?: number | null;
  column?: number | null;
  /** A failed fetch: its method, API path, status (0: no answer), X-Request-ID and trace id. */
  method?: string | null;
  url?: string | null;
  status?: number | null;
  requestId?: string | null;
  traceId?: string | null;
}

/** What the gateway accepts (BrowserErrorLimits in src/services/gateway/rum_errors.hpp). */
export const LIMITS = {
  bodyBytes: 32 * 1024,
  errorsPerReport: 10,
  messageBytes: 500,
  stackBytes: 2000,
  urlBytes: 500,
} as const;

/** One error as the gateway reads it. */
export interface WireError {
  kind: ErrorKind;
  message: string;
  stack?: string;
  source?: string;
  line?: number;
  column?: number;
  method?: string;
  url?: string;
  status?: number;
  request_id?: string;
  trace_id?: string;
}

const encoder = new TextEncoder();
const byteLength = (s: string) => encoder.encode(s).length;

/** `s` cut to at most `max` bytes of UTF-8 (never inside a character), marked with "…" when cut. */
export function truncateUtf8(s: string, max: number): string {
  if (byteLength(s) <= max) return s;
  const budget = max - 3; // "…" is 3 bytes
  let out = "";
  let used = 0;
  for (const ch of s) {
    const n = byteLength(ch);
    if (used + n > budget) break;
    out += ch;
    used += n;
  }
  return out + "…";
}

// C0 and C1 controls, DEL, the Unicode line separators and bidirectional controls: what the
// gateway refuses, since they can forge or hide part of a log line.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028-\u202e\u2066-\u2069]/g;

/** Control characters replaced by spaces; tab and newline kept only when `multiline`. */
export function cleanText(s: string, multiline = false): string {
  const out = s.replace(CONTROL, " ");
  return multiline ? out : out.replace(/[\t\n]/g, " ");
}

// Not '[' or ']', which a path template or an IPv6 host holds.
const WORD = /[^\s"'`()<>,]+/g;

/**
 * Query strings and fragments removed from every URL or path in `text` (a word holding a '/'
 * before its first '?' or '#'), keeping a stack frame's trailing :line:column. The gateway
 * applies the same rule before logging (strip_url_queries).
 */
export function stripUrlQueries(text: string): string {
  return text.replace(WORD, (word) => {
    const cut = word.search(/[?#]/);
    if (cut < 0 || !word.slice(0, cut).includes("/")) return word;
    const position = /(?::\d+){1,2}$/.exec(word.slice(cut));
    return word.slice(0, cut) + (position ? position[0] : "");
  });
}

/** A URL field (page, source, url) without its query string and fragment. */
const withoutQuery = (url: string) => url.replace(/[?#].*$/s, "");

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;

const isPosition = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0 && n <= 10_000_000;

/** An error in the gateway's form: capped, cleaned, stripped; fields it would refuse are left out. */
export function toWire(e: BrowserErrorInit): WireError {
  const text = (s: string, max: number, multiline = false) => truncateUtf8(stripUrlQueries(cleanText(s, multiline)), max);
  const out: WireError = { kind: e.kind, message: text(e.message || "(no message)", LIMITS.messageBytes) || "(no message)" };
  if (e.stack) out.stack = text(e.stack, LIMITS.stackBytes, true);
  if (e.source) out.source = truncateUtf8(withoutQuery(cleanText(e.source)), LIMITS.urlBytes);
  if (isPosition(e.line)) out.line = e.line;
  if (isPosition(e.column)) out.column = e.column;
  if (e.method && METHODS.has(e.method.toUpperCase())) out.method = e.method.toUpperCase();
  if (e.url) out.url = truncateUtf8(withoutQuery(cleanText(e.url)), LIMITS.urlBytes) || "/";
  if (typeof e.status === "number" && Number.isInteger(e.status) && e.status >= 0 && e.status <= 599) out.status = e.status;
  if (e.requestId && REQUEST_ID.test(e.requestId)) out.request_id = e.requestId;
  if (e.traceId && TRACE_ID.test(e.traceId)) out.trace_id = e.traceId;
  return out;
}

/** Reports of at most LIMITS.errorsPerReport errors and LIMITS.bodyBytes bytes each. */
export function buildReports(page: string, errors: WireError[]): string[] {
  const reports: string[] = [];
  const pagePath = truncateUtf8(withoutQuery(cleanText(page)), LIMITS.urlBytes);
  let batch: WireError[] = [];
  const body = (list: WireError[]) => JSON.stringify({ page: pagePath, errors: list });
  for (const e of errors) {
    const next = [...batch, e];
    if (batch.length > 0 && (next.length > LIMITS.errorsPerReport || byteLength(body(next)) > LIMITS.bodyBytes)) {
      reports.push(body(batch));
      batch = [e];
    } else {
      batch = next;
    }
  }
  if (batch.length > 0) reports.push(body(batch));
  return reports;
}

export interface ReporterOptions {
  /** Share of page sessions that report (0 to 1). */
  sampleRatio: number;
  /** Errors reported per page session in any 60 s. */
  maxPerMinute: number;
  /** Sends one report body (JSON); must not throw. */
  send: (body: string) => void;
  /** The page, as a route template (no ids). */
  page: () => string;
  flushDelayMs?: number;
  now?: () => number;
  /** Uniform in [0, 1): the sampling draw. */
  draw?: () => number;
  schedule?: (fn: () => void, ms: number) => unknown;
}

export interface ErrorReporter {
  /** Queues an error unless sampled out, already reported, or over the rate; true when queued. */
  report(e: BrowserErrorInit): boolean;
  /** Sends everything queued now (the page is being hidden). */
  flush(): void;
  readonly sampled: boolean;
}

/** Distinct errors remembered for deduplication; past this, new ones still pass the rate limit. */
const MAX_REMEMBERED = 256;

export function createErrorReporter(opts: ReporterOptions): ErrorReporter {
  const now = opts.now ?? Date.now;
  const schedule = opts.schedule ?? ((fn, ms) => setTimeout(fn, ms));
  const ratio = Number.isFinite(opts.sampleRatio) ? Math.min(1, Math.max(0, opts.sampleRatio)) : 0;
  const sampled = ratio >= 1 || (ratio > 0 && (opts.draw ?? Math.random)() < ratio);
  const seen = new Set<string>();
  let recent: number[] = []; // times of the errors queued in the last minute
  let queue: WireError[] = [];
  let timer = false;

  function flush() {
    timer = false;
    if (queue.length === 0) return;
    const errors = queue;
    queue = [];
    for (const body of buildReports(opts.page(), errors)) opts.send(body);
  }

  return {
    sampled,
    flush,
    report(init) {
      if (!sampled) return false;
      const e = toWire(init);
      const key = [e.kind, e.message, e.source, e.line, e.column, e.method, e.url, e.status].join("\u0001");
      if (seen.has(key)) return false;
      const t = now();
      recent = recent.filter((at) => t - at < 60_000);
      if (recent.length >= opts.maxPerMinute) return false;
      recent.push(t);
      if (seen.size < MAX_REMEMBERED) seen.add(key);
      queue.push(e);
      if (queue.length >= LIMITS.errorsPerReport) flush();
      else if (!timer) {
        timer = true;
        schedule(flush, opts.flushDelayMs ?? 5000);
      }
      return true;
    },
  };
}
