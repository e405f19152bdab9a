import { describe, expect, it } from "vitest";
import { TRACEPARENT_PATTERN, newTraceContext } from "./traceparent";

describe("traceparent", () => {
  it("is version 00, a 16-byte trace id, an 8-byte span id and flags, in lowercase hex", () => {
    const t = newTraceContext({ ratio: 1 });
    expect(t.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(t.traceparent).toMatch(TRACEPARENT_PATTERN);
    expect(t.traceparent).toBe(`00-${t.traceId}-${t.spanId}-01`);
  });

  it("takes its ids from crypto.getRandomValues, fresh for every fetch", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(newTraceContext().traceId);
    expect(seen.size).toBe(200);
    const fixed = newTraceContext({ random: (b) => b.fill(0xab) });
    expect(fixed.traceId).toBe("ab".repeat(16));
    expect(fixed.spanId).toBe("ab".repeat(8));
  });

  it("never sends an all-zero id", () => {
    let call = 0;
    // First draw all zero (invalid in the spec), then ones.
    const t = newTraceContext({ random: (b) => b.fill(call++ === 0 ? 0 : 1) });
    expect(t.traceId).toBe("01".repeat(16));
    expect(t.traceparent).toMatch(TRACEPARENT_PATTERN);
  });

  it("flags 01 when sampled, 00 otherwise", () => {
    expect(newTraceContext({ ratio: 0.5, draw: () => 0.4 }).traceparent.endsWith("-01")).toBe(true);
    expect(newTraceContext({ ratio: 0.5, draw: () => 0.6 }).traceparent.endsWith("-00")).toBe(true);
    expect(newTraceContext({ ratio: 0, draw: () => 0 }).sampled).toBe(false);
    expect(newTraceContext({ ratio: 1, draw: () => 0.99 }).sampled).toBe(true);
  });
});
