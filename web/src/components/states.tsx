// Loading, empty and error states, so every page shows them the same way.

import type { ReactNode } from "react";
import { ApiError } from "@/lib/api/envelope";
import styles from "./states.module.css";

export function Skeleton({ rows = 6, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div className={styles.skeleton} role="status" aria-live="polite" aria-busy="true">
      <span className="visually-hidden">{label}…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className={styles.bar} style={{ width: `${92 - ((i * 17) % 35)}%` }} />
      ))}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className={styles.empty}>
      <h2>{title}</h2>
      {children && <div className={styles.emptyBody}>{children}</div>}
    </div>
  );
}

/** True for a request that got no answer or a server error: staff quote its request id. */
function isFailedFetch(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500);
}

/**
 * A human sentence for an error. A failed fetch's sentence ends with the request id the gateway
 * answered with, so whoever reads it (in a toast, a form or a page) can quote it to support.
 */
export function describeError(error: unknown): string {
  const sentence = describeCause(error);
  const requestId = error instanceof ApiError && isFailedFetch(error) ? error.requestId : null;
  return requestId ? `${sentence} (request id ${requestId})` : sentence;
}

function describeCause(error: unknown): string {
  if (error instanceof ApiError) {
    switch (error.code) {
      case "network_error":
        return "The server cannot be reached. Check your connection and try again.";
      case "forbidden":
        return "Your role does not allow this.";
      case "not_found":
        return "This item does not exist or was deleted.";
      case "rate_limited":
        return `Too many requests. Try again${error.retryAfterSeconds ? ` in ${error.retryAfterSeconds} s` : " shortly"}.`;
      case "service_unavailable":
      case "bad_gateway":
      case "gateway_timeout":
        return "The service is temporarily unavailable. Try again in a moment.";
      default:
        return error.message.charAt(0).toUpperCase() + error.message.slice(1);
    }
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}

export function ErrorState({ error, onRetry, title = "Could not load this" }: { error: unknown; onRetry?: () => void; title?: string }) {
  // A failed fetch's sentence already names it.
  const requestId = error instanceof ApiError && !isFailedFetch(error) ? error.requestId : null;
  return (
    <div className={styles.error} role="alert">
      <h2>{title}</h2>
      <p>{describeError(error)}</p>
      {requestId && <p className={styles.requestId}>Request id: {requestId}</p>}
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Banner({ tone = "info", children }: { tone?: "info" | "warning" | "error" | "success"; children: ReactNode }) {
  return (
    <div className={`${styles.banner} ${styles[`tone_${tone}`]}`} role={tone === "error" || tone === "warning" ? "alert" : "status"}>
      {children}
    </div>
  );
}
