import { describe, expect, it } from "vitest";
import { formatValue, linePath, niceCeiling, seriesStats } from "./chart";

describe("operations charts", () => {
  it("takes the latest and the largest value, skipping points without one", () => {
    expect(seriesStats([[1, 2], [2, 9], [3, null]])).toEqual({ latest: 9, max: 9 });
    expect(seriesStats([[1, 5], [2, 1]])).toEqual({ latest: 1, max: 5 });
    expect(seriesStats([[1, null]])).toEqual({ latest: null, max: null });
    expect(seriesStats([])).toEqual({ latest: null, max: null });
  });

  it("rounds the top of the axis up to 1, 2 or 5 times a power of ten, never under the floor", () => {
    expect(niceCeiling(0, 1)).toBe(1);
    expect(niceCeiling(0.3, 0.01)).toBe(0.5);
    expect(niceCeiling(7, 1)).toBe(10);
    expect(niceCeiling(12, 1)).toBe(20);
    expect(niceCeiling(200, 1)).toBe(200);
    expect(niceCeiling(0.004, 0.01)).toBe(0.01);
  });

  it("draws a gap where a point has no value and keeps values inside the frame", () => {
    const f = { width: 100, height: 50, from: 0, to: 10, top: 10 };
    expect(linePath([[0, 0], [5, 5], [6, null], [10, 20]], f)).toBe("M0.0 50.0 L50.0 25.0 M100.0 0.0");
    expect(linePath([[-5, 1], [11, 1]], f)).toBe("");
  });

  it("formats each unit for people", () => {
    expect(formatValue(12.345, "req/s")).toBe("12.3/s");
    expect(formatValue(0.5, "req/s")).toBe("0.5/s");
    expect(formatValue(0.034, "ratio")).toBe("3.4 %");
    expect(formatValue(0.0004, "ratio")).toBe("0.04 %");
    expect(formatValue(0.048, "seconds")).toBe("48 ms");
    expect(formatValue(1.25, "seconds")).toBe("1.25 s");
    expect(formatValue(3, "count")).toBe("3");
    expect(formatValue(null, "count")).toBe("—");
  });
});
