"use client";

// The operations view (admins only): the golden signals per service, cache hit ratio by tier,
// database pool saturation and firing alerts as small time-series charts, read from the
// stack's Prometheus through the gateway's fixed panels (never Prometheus itself), the alerts
// themselves, and the gateway's slowest recent requests with the request id each was answered
// with. Refreshes every 10 s while the tab is visible.

import { useState } from "react";
import { TimeSeriesChart } from "@/components/ops/TimeSeriesChart";
import { EmptyState, ErrorState, Skeleton } from "@/components/states";
import { useCan } from "@/lib/auth/session";
import { formatDateTime } from "@/lib/format";
import { OPS_RANGES, REFRESH_MS, useOpsAlerts, useOpsSeries, useSlowRequests } from "@/lib/hooks/ops";
import admin from "../admin.module.css";
import styles from "./operations.module.css";

const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

function Panels({ range }: { range: number }) {
  const { data, error, isLoading, mutate } = useOpsSeries(range);
  if (isLoading && !data) return <Skeleton rows={6} label="Loading the charts" />;
  if (error && !data)
    return (
      <>
        <ErrorState error={error} onRetry={() => void mutate()} title="Could not load the charts" />
        {/* The gateway says why (Prometheus unreachable, PROMETHEUS_URL unset): worth showing an admin. */}
        {error.status >= 502 && error.status <= 504 && <p className={styles.stale}>{error.message}</p>}
      </>
    );
  if (!data) return null;
  const { end, panels } = data.data;
  const from = end - data.data.range;
  return (
    <>
      {error && <p className={styles.stale} role="status">Showing the last data received: {error.message}</p>}
      <p className={styles.updated} data-testid="ops-updated" data-end={end}>
        Data up to {clock.format(new Date(end * 1000))} · refreshes every {REFRESH_MS / 1000} s while this tab is open
      </p>
      <div className={styles.grid}>
        {panels.map((p) => (
          <TimeSeriesChart key={p.name} panel={p} from={from} to={end} />
        ))}
      </div>
    </>
  );
}

function Alerts() {
  const { data, error, isLoading, mutate } = useOpsAlerts();
  if (isLoading && !data) return <Skeleton rows={2} label="Loading alerts" />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void mutate()} title="Could not load the alerts" />;
  const alerts = data?.data ?? [];
  if (alerts.length === 0)
    return (
      <p className={styles.quiet} data-testid="ops-no-alerts">
        No alert is firing or pending.
      </p>
    );
  return (
    <div className={admin.tableWrap}>
      <table className={admin.table}>
        <thead>
          <tr>
            <th scope="col">Alert</th>
            <th scope="col">Severity</th>
            <th scope="col">State</th>
            <th scope="col">Since</th>
            <th scope="col">Summary</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={`${a.name}-${a.since}-${a.summary}`} data-testid="ops-alert" data-alert={a.name} data-state={a.state}>
              <td className={admin.strong}>{a.name}</td>
              <td>
                <span className={`${styles.badge} ${a.severity === "page" ? styles.page : styles.ticket}`}>{a.severity || "none"}</span>
              </td>
              <td>{a.state === "firing" ? "Firing" : "Pending"}</td>
              <td className={admin.muted}>{formatDateTime(a.since)}</td>
              <td>{a.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SlowRequests() {
  const { data, error, isLoading, mutate } = useSlowRequests();
  if (isLoading && !data) return <Skeleton rows={4} label="Loading the slowest requests" />;
  if (error && !data) return <ErrorState error={error} onRetry={() => void mutate()} title="Could not load the slowest requests" />;
  const rows = data?.data ?? [];
  if (rows.length === 0) return <p className={styles.quiet}>No request in the last minutes.</p>;
  return (
    <div className={admin.tableWrap}>
      <table className={admin.table}>
        <thead>
          <tr>
            <th scope="col" className={admin.num}>
              Duration
            </th>
            <th scope="col">Request</th>
            <th scope="col">Status</th>
            <th scope="col">Request id</th>
            <th scope="col">Answered</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={`${r.request_id}-${r.at}`} data-testid="slow-request" data-request-id={r.request_id}>
              <td className={admin.num}>{r.duration_ms.toLocaleString("en-GB", { maximumFractionDigits: 1 })} ms</td>
              <td>
                <span className={admin.strong}>{r.method}</span> <span className={admin.mono}>{r.route}</span>
              </td>
              <td>
                <span className={r.status >= 500 ? styles.status5xx : r.status >= 400 ? styles.status4xx : undefined}>{r.status}</span>
              </td>
              <td className={admin.mono}>{r.request_id}</td>
              <td className={admin.muted}>{clock.format(new Date(r.at))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function OperationsView() {
  const isAdmin = useCan("ops:view");
  const [range, setRange] = useState<number>(OPS_RANGES[0].seconds);
  // Hooks run for admins only; the children call them again and SWR shares the requests.
  const series = useOpsSeries(range, isAdmin);
  const alerts = useOpsAlerts(isAdmin);
  const slow = useSlowRequests(isAdmin);

  if (!isAdmin)
    return (
      <EmptyState title="Admins only">
        <p>The operations view needs the admin role.</p>
      </EmptyState>
    );

  return (
    <div className={admin.page}>
      <div className={admin.header}>
        <h1>Operations</h1>
        <div className={styles.controls}>
          <label className={styles.range}>
            <span>Time range</span>
            <select value={range} onChange={(e) => setRange(Number(e.target.value))}>
              {OPS_RANGES.map((r) => (
                <option key={r.seconds} value={r.seconds}>
                  {r.label}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="btn"
            onClick={() => {
              void series.mutate();
              void alerts.mutate();
              void slow.mutate();
            }}
          >
            Refresh now
          </button>
        </div>
      </div>
      <section aria-labelledby="ops-signals" className={styles.section}>
        <h2 id="ops-signals">Signals</h2>
        <Panels range={range} />
      </section>
      <section aria-labelledby="ops-alerts" className={styles.section}>
        <h2 id="ops-alerts">Alerts</h2>
        <Alerts />
      </section>
      <section aria-labelledby="ops-slow" className={styles.section}>
        <h2 id="ops-slow">Slowest requests of the last 5 minutes (this gateway)</h2>
        <SlowRequests />
      </section>
    </div>
  );
}
