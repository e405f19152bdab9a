"use client";

// One panel of the operations view: a small SVG line chart (hand-written, see lib/ops/chart.ts)
// with a legend that names every series by text and line style and states its latest and
// largest value, so nothing is known by colour alone and a screen reader hears the numbers.
// data-* attributes carry the same numbers for the end-to-end test.

import { useId } from "react";
import type { OpsPanel } from "@/lib/api/types";
import { axisFloor, formatValue, linePath, niceCeiling, seriesStats, seriesStyle } from "@/lib/ops/chart";
import styles from "./TimeSeriesChart.module.css";

const W = 320;
const H = 96;

const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });

export function TimeSeriesChart({ panel, from, to }: { panel: OpsPanel; from: number; to: number }) {
  const titleId = useId();
  const rows = panel.series.map((s, i) => ({ series: s, stats: seriesStats(s.points), style: seriesStyle(i) }));
  const maxes = rows.map((r) => r.stats.max).filter((m): m is number => m !== null);
  const max = maxes.length ? Math.max(...maxes) : null;
  const top = niceCeiling(max ?? 0, axisFloor(panel.unit));
  const frame = { width: W, height: H, from, to, top };
  const summary = rows.length
    ? rows
        .map((r) => `${r.series.label}: latest ${formatValue(r.stats.latest, panel.unit)}, max ${formatValue(r.stats.max, panel.unit)}`)
        .join("; ")
    : "no data in this range";

  return (
    <figure className={styles.panel} data-testid="ops-panel" data-panel={panel.name} data-max={max ?? ""}>
      <figcaption className={styles.caption}>
        <h3 id={titleId}>{panel.title}</h3>
        <span className={styles.top}>{formatValue(top, panel.unit)}</span>
      </figcaption>
      <svg
        className={styles.chart}
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={titleId}
        aria-describedby={`${titleId}-desc`}
      >
        <desc id={`${titleId}-desc`}>{summary}</desc>
        <line x1="0" y1={H / 2} x2={W} y2={H / 2} className={styles.grid} />
        <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} className={styles.axis} />
        {rows.map(({ series: s, style }) => {
          return (
            <path
              key={s.label}
              d={linePath(s.points, frame)}
              fill="none"
              stroke={style.color}
              strokeWidth="1.75"
              strokeDasharray={style.dash || undefined}
              vectorEffect="non-scaling-stroke"
            />
          );
        })}
      </svg>
      <div className={styles.times} aria-hidden="true">
        <span>{timeFormat.format(new Date(from * 1000))}</span>
        <span>{timeFormat.format(new Date(to * 1000))}</span>
      </div>
      {rows.length === 0 ? (
        <p className={styles.none}>No data in this range.</p>
      ) : (
        <ul className={styles.legend}>
          {rows.map(({ series: s, stats, style }) => {
            return (
              <li key={s.label} data-series={s.label} data-latest={stats.latest ?? ""} data-max={stats.max ?? ""}>
                <svg width="22" height="8" aria-hidden="true" className={styles.swatch}>
                  <line x1="0" y1="4" x2="22" y2="4" stroke={style.color} strokeWidth="2" strokeDasharray={style.dash || undefined} />
                </svg>
                <span className={styles.label}>{s.label}</span>
                <span className={styles.value}>
                  {formatValue(stats.latest, panel.unit)}
                  <span className={styles.max}> · max {formatValue(stats.max, panel.unit)}</span>
                </span>
              </li>
            );
          })}
        </ul>
      )}
    </figure>
  );
}
