import { describe, expect, it } from "vitest";
import { TRACEPARENT_PATTERN, newTraceContext, sampledByRatio } from "./traceparent";

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

  it("flags 01 when sampled, 00 otherwise, decided on the trace id's low 8 bytes as the services do", () => {
    // Low 8 bytes 0x4040… ≈ 0.25 of 2^64; 0xc0c0… ≈ 0.75.
    expect(newTraceContext({ ratio: 0.5, random: (b) => b.fill(0x40) }).traceparent.endsWith("-01")).toBe(true);
    expect(newTraceContext({ ratio: 0.5, random: (b) => b.fill(0xc0) }).traceparent.endsWith("-00")).toBe(true);
    expect(newTraceContext({ ratio: 0, random: (b) => b.fill(0x01) }).sampled).toBe(false);
    expect(newTraceContext({ ratio: 1, random: (b) => b.fill(0xff) }).sampled).toBe(true);
    expect(sampledByRatio(`${"f".repeat(16)}${"0".repeat(15)}1`, 0.0001)).toBe(true);
    expect(sampledByRatio(`${"0".repeat(16)}8000000000000000`, 0.5)).toBe(false);
    expect(sampledByRatio(`${"0".repeat(16)}7fffffffffffffff`, 0.5)).toBe(true);
  });

  it("samples about the ratio's share of random traces", () => {
    let kept = 0;
    for (let i = 0; i < 4000; i++) if (newTraceContext({ ratio: 0.25 }).sampled) kept += 1;
    expect(kept / 4000).toBeGreaterThan(0.2);
    expect(kept / 4000).toBeLessThan(0.3);
  });
});
