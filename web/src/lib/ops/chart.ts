// The arithmetic of the operations view's charts, apart from React so it is unit-tested:
// scales, SVG paths that break where Prometheus had no value, and value formats per unit.
// Hand-written because a chart library would add more first-load JavaScript than the whole
// view needs for a few polylines.

import type { OpsPoint, OpsUnit } from "../api/types";

export interface SeriesStats {
  /** The last point that has a value, or null when none has. */
  latest: number | null;
  max: number | null;
}

export function seriesStats(points: readonly OpsPoint[]): SeriesStats {
  let latest: number | null = null;
  let max: number | null = null;
  for (const [, v] of points) {
    if (v === null || !Number.isFinite(v)) continue;
    latest = v;
    if (max === null || v > max) max = v;
  }
  return { latest, max };
}

/** A round upper bound for the y axis (1, 2 or 5 × 10^n), at least `floor`. */
export function niceCeiling(max: number, floor: number): number {
  const m = Math.max(max, floor);
  if (!(m > 0)) return floor > 0 ? floor : 1;
  const exp = Math.pow(10, Math.floor(Math.log10(m)));
  for (const f of [1, 2, 5, 10]) if (f * exp >= m) return f * exp;
  return 10 * exp;
}

/** The smallest top of the y axis per unit, so a quiet service is not drawn as a wall of noise. */
export function axisFloor(unit: OpsUnit): number {
  switch (unit) {
    case "ratio":
      return 0.01;
    case "seconds":
      return 0.01;
    case "req/s":
      return 1;
    default:
      return 1;
  }
}

export interface Frame {
  width: number;
  height: number;
  /** Unix seconds at the left and right edges. */
  from: number;
  to: number;
  /** Value at the top edge (the bottom is 0). */
  top: number;
}

/**
 * An SVG path through the points: "M" starts a run, "L" continues it, and a point without a
 * value ends the run, so a gap in the data is a gap in the line, never a drop to zero.
 */
export function linePath(points: readonly OpsPoint[], f: Frame): string {
  const span = f.to - f.from || 1;
  const parts: string[] = [];
  let pen = false;
  for (const [t, v] of points) {
    if (v === null || !Number.isFinite(v) || t < f.from || t > f.to) {
      pen = false;
      continue;
    }
    const x = ((t - f.from) / span) * f.width;
    const y = f.height - (Math.min(v, f.top) / f.top) * f.height;
    parts.push(`${pen ? "L" : "M"}${x.toFixed(1)} ${y.toFixed(1)}`);
    pen = true;
  }
  return parts.join(" ");
}

function trim(n: number, digits: number): string {
  return Number(n.toFixed(digits)).toLocaleString("en-GB");
}

/** A value for people: "12.5/s", "3.2 %", "48 ms", "1.2 s", "3". */
export function formatValue(v: number | null, unit: OpsUnit): string {
  if (v === null || !Number.isFinite(v)) return "—";
  switch (unit) {
    case "req/s":
      return `${trim(v, v < 10 ? 2 : 1)}/s`;
    case "ratio":
      return `${trim(v * 100, v < 0.1 ? 2 : 1)} %`;
    case "seconds":
      return v < 1 ? `${trim(v * 1000, v < 0.01 ? 2 : 0)} ms` : `${trim(v, 2)} s`;
    default:
      return trim(v, Number.isInteger(v) ? 0 : 1);
  }
}

/** Line styles told apart by dash pattern as well as colour, so no series is known by colour alone. */
export const SERIES_STYLES = [
  { color: "#3b4fd8", dash: "" },
  { color: "#c2410c", dash: "6 3" },
  { color: "#15803d", dash: "2 3" },
  { color: "#7c3aed", dash: "8 3 2 3" },
  { color: "#0e7490", dash: "4 4" },
  { color: "#a16207", dash: "1 2" },
] as const;

export function seriesStyle(i: number) {
  return SERIES_STYLES[i % SERIES_STYLES.length] ?? SERIES_STYLES[0];
}
