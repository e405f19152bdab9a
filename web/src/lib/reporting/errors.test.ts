import { describe, expect, it } from "vitest";
import {
  LIMITS,
  buildReports,
  cleanText,
  createErrorReporter,
  stripUrlQueries,
  toWire,
  truncateUtf8,
  type BrowserErrorInit,
  type ReporterOptions,
} from "./errors";

const bytes = (s: string) => new TextEncoder().encode(s).length;

/** A reporter with a controllable clock and timer, recording what it sends. */
function harness(over: Partial<ReporterOptions> = {}) {
  const sent: { page: string; errors: Record<string, unknown>[] }[] = [];
  const bodies: string[] = [];
  let clock = 1_000_000;
  let pending: (() => void) | null = null;
  const reporter = createErrorReporter({
    sampleRatio: 1,
    maxPerMinute: 10,
    page: () => "/products",
    send: (body) => {
      bodies.push(body);
      sent.push(JSON.parse(body));
    },
    now: () => clock,
    schedule: (fn) => {
      pending = fn;
    },
    ...over,
  });
  return {
    reporter,
    sent,
    bodies,
    advance(ms: number) {
      clock += ms;
    },
    fireTimer() {
      const fn = pending;
      pending = null;
      fn?.();
    },
    errors: () => sent.flatMap((r) => r.errors),
  };
}

const js = (message: string, extra: Partial<BrowserErrorInit> = {}): BrowserErrorInit => ({ kind: "js", message, ...extra });

describe("sampling", () => {
  it("a session drawn out of the sample reports nothing", () => {
    const h = harness({ sampleRatio: 0.25, draw: () => 0.3 });
    expect(h.reporter.sampled).toBe(false);
    expect(h.reporter.report(js("boom"))).toBe(false);
    h.reporter.flush();
    expect(h.sent).toEqual([]);
  });

  it("a session drawn into the sample reports every error", () => {
    const h = harness({ sampleRatio: 0.25, draw: () => 0.2 });
    expect(h.reporter.sampled).toBe(true);
    expect(h.reporter.report(js("a"))).toBe(true);
    expect(h.reporter.report(js("b"))).toBe(true);
    h.reporter.flush();
    expect(h.errors().map((e) => e.message)).toEqual(["a", "b"]);
  });

  it("ratio 0 never reports and ratio 1 always does, whatever the draw", () => {
    expect(harness({ sampleRatio: 0, draw: () => 0 }).reporter.sampled).toBe(false);
    expect(harness({ sampleRatio: 1, draw: () => 0.999999 }).reporter.sampled).toBe(true);
    expect(harness({ sampleRatio: Number.NaN, draw: () => 0 }).reporter.sampled).toBe(false);
  });

  it("the draw is made once per session", () => {
    let draws = 0;
    const h = harness({
      sampleRatio: 0.5,
      draw: () => {
        draws += 1;
        return 0.1;
      },
    });
    for (let i = 0; i < 5; i++) h.reporter.report(js(`e${i}`));
    expect(draws).toBe(1);
  });
});

describe("deduplication", () => {
  it("the same error is reported once per page session", () => {
    const h = harness();
    expect(h.reporter.report(js("boom", { source: "http://h/a.js", line: 3, column: 7 }))).toBe(true);
    expect(h.reporter.report(js("boom", { source: "http://h/a.js", line: 3, column: 7 }))).toBe(false);
    h.reporter.flush();
    h.advance(10 * 60_000);
    expect(h.reporter.report(js("boom", { source: "http://h/a.js", line: 3, column: 7 }))).toBe(false);
    h.reporter.flush();
    expect(h.errors()).toHaveLength(1);
  });

  it("errors differing in kind, place or failed request are distinct", () => {
    const h = harness();
    expect(h.reporter.report(js("boom", { line: 3 }))).toBe(true);
    expect(h.reporter.report(js("boom", { line: 4 }))).toBe(true);
    expect(h.reporter.report({ kind: "unhandled_rejection", message: "boom" })).toBe(true);
    expect(h.reporter.report({ kind: "fetch", message: "GET failed", url: "/api/v1/products", status: 503 })).toBe(true);
    expect(h.reporter.report({ kind: "fetch", message: "GET failed", url: "/api/v1/products", status: 502 })).toBe(true);
    // The same failure with another request id and trace is the same error.
    expect(
      h.reporter.report({ kind: "fetch", message: "GET failed", url: "/api/v1/products", status: 502, requestId: "other" }),
    ).toBe(false);
  });

  it("query strings do not make an error new", () => {
    const h = harness();
    expect(h.reporter.report({ kind: "fetch", message: "GET /api/v2/products?q=a failed", url: "/api/v2/products?q=a" })).toBe(true);
    expect(h.reporter.report({ kind: "fetch", message: "GET /api/v2/products?q=b failed", url: "/api/v2/products?q=b" })).toBe(false);
  });
});

describe("rate limit", () => {
  it("reports at most maxPerMinute errors in any 60 s of a page session", () => {
    const h = harness({ maxPerMinute: 3 });
    const accepted = Array.from({ length: 6 }, (_, i) => h.reporter.report(js(`e${i}`)));
    expect(accepted).toEqual([true, true, true, false, false, false]);
    h.advance(59_999);
    expect(h.reporter.report(js("still limited"))).toBe(false);
    h.advance(1);
    expect(h.reporter.report(js("after a minute"))).toBe(true);
    h.reporter.flush();
    expect(h.errors().map((e) => e.message)).toEqual(["e0", "e1", "e2", "after a minute"]);
  });

  it("a refused error is not remembered, so it may be reported once the rate allows", () => {
    const h = harness({ maxPerMinute: 1 });
    h.reporter.report(js("first"));
    expect(h.reporter.report(js("second"))).toBe(false);
    h.advance(60_000);
    expect(h.reporter.report(js("second"))).toBe(true);
  });

  it("an error thrown in a loop sends one report", () => {
    const h = harness();
    for (let i = 0; i < 10_000; i++) h.reporter.report(js("loop", { line: 1 }));
    h.fireTimer();
    expect(h.sent).toHaveLength(1);
    expect(h.errors()).toHaveLength(1);
  });
});

describe("batching", () => {
  it("waits for the timer, then sends one report", () => {
    const h = harness();
    h.reporter.report(js("a"));
    h.reporter.report(js("b"));
    expect(h.sent).toHaveLength(0);
    h.fireTimer();
    expect(h.sent).toEqual([{ page: "/products", errors: [{ kind: "js", message: "a" }, { kind: "js", message: "b" }] }]);
  });

  it("sends at once when a report is full", () => {
    const h = harness({ maxPerMinute: 100 });
    for (let i = 0; i < LIMITS.errorsPerReport; i++) h.reporter.report(js(`e${i}`));
    expect(h.sent).toHaveLength(1);
    expect(h.sent[0]?.errors).toHaveLength(LIMITS.errorsPerReport);
  });

  it("flush sends what is queued and nothing when empty", () => {
    const h = harness();
    h.reporter.flush();
    expect(h.sent).toHaveLength(0);
    h.reporter.report(js("a"));
    h.reporter.flush();
    h.reporter.flush();
    expect(h.sent).toHaveLength(1);
  });

  it("splits a batch so that no report exceeds the gateway's body cap", () => {
    const h = harness({ maxPerMinute: 100 });
    // Quotes double in JSON: each error is ~7 KB on the wire, ten would be ~70 KB.
    for (let i = 0; i < LIMITS.errorsPerReport; i++)
      h.reporter.report(js(`${i}${'"'.repeat(600)}`, { stack: '"'.repeat(3000), source: `http://h/${'"'.repeat(600)}` }));
    expect(h.sent.length).toBeGreaterThan(1);
    for (const b of h.bodies) expect(bytes(b)).toBeLessThanOrEqual(LIMITS.bodyBytes);
    expect(h.errors()).toHaveLength(LIMITS.errorsPerReport);
  });
});

describe("size caps", () => {
  it("cuts text to the gateway's byte caps without splitting a character", () => {
    const e = toWire(js("€".repeat(400), { stack: "s".repeat(5000), source: `http://h/${"x".repeat(1000)}` }));
    expect(bytes(e.message)).toBeLessThanOrEqual(LIMITS.messageBytes);
    expect(e.message.endsWith("…")).toBe(true);
    expect(e.message.replace("…", "")).toMatch(/^€+$/);
    expect(bytes(e.stack!)).toBeLessThanOrEqual(LIMITS.stackBytes);
    expect(bytes(e.source!)).toBeLessThanOrEqual(LIMITS.urlBytes);
  });

  it("truncateUtf8 keeps text within the cap untouched", () => {
    expect(truncateUtf8("short", 10)).toBe("short");
    expect(truncateUtf8("x".repeat(10), 10)).toBe("x".repeat(10));
    expect(truncateUtf8("x".repeat(11), 10)).toBe(`${"x".repeat(7)}…`);
    expect(truncateUtf8("😀😀😀", 9)).toBe("😀…");
  });

  it("replaces control characters, keeping a stack's lines", () => {
    expect(cleanText("a\u0000b\u001b[31mc\u202ed\u0085e\nf")).toBe("a b [31mc d e f");
    expect(cleanText("at a\n\tat b\r\n", true)).toBe("at a\n\tat b \n");
    const e = toWire(js("line1\nline2", { stack: "at a\n\tat b" }));
    expect(e.message).toBe("line1 line2");
    expect(e.stack).toBe("at a\n\tat b");
  });

  it("strips the query string and fragment of every URL and path", () => {
    expect(stripUrlQueries("GET /api/v1/products?q=secret failed")).toBe("GET /api/v1/products failed");
    expect(stripUrlQueries("at f (http://h/_next/a.js?dpl=x:12:5)")).toBe("at f (http://h/_next/a.js:12:5)");
    expect(stripUrlQueries("see https://h/login?next=/x&access_token=abc#frag now")).toBe("see https://h/login now");
    expect(stripUrlQueries("what? why#1")).toBe("what? why#1");
    expect(stripUrlQueries("at http://[::1]:3000/products/[id]?q=1 now")).toBe("at http://[::1]:3000/products/[id] now");
    const e = toWire({ kind: "fetch", message: "m", url: "/api/v1/users?email=a@b.co#x", source: "http://h/a.js?v=1" });
    expect(e.url).toBe("/api/v1/users");
    expect(e.source).toBe("http://h/a.js");
  });

  it("leaves out fields the gateway would refuse rather than lose the report", () => {
    const e = toWire({
      kind: "fetch",
      message: "",
      method: "TRACE",
      status: 600,
      line: -1,
      column: 1.5,
      requestId: "has spaces",
      traceId: "0".repeat(32),
    });
    expect(e).toEqual({ kind: "fetch", message: "(no message)" });
    const ok = toWire({ kind: "fetch", message: "m", method: "get", status: 0, requestId: "r-1", traceId: "ab".repeat(16) });
    expect(ok).toMatchObject({ method: "GET", status: 0, request_id: "r-1", trace_id: "ab".repeat(16) });
  });

  it("a report's page is a path without its query", () => {
    const [body] = buildReports("/products/[id]?q=x#y", [{ kind: "js", message: "m" }]);
    expect(JSON.parse(body ?? "{}").page).toBe("/products/[id]");
  });
});
