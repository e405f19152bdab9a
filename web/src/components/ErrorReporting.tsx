"use client";

// Browser errors to the gateway (src/lib/reporting): uncaught errors and unhandled promise
// rejections from the whole page, sent in batches and, when the page is hidden, at once.
// React render errors are reported by the error boundary (app/(app)/error.tsx) and failed API
// fetches by the API client (lib/api/index.ts).

import { useEffect } from "react";
import { flushErrors, reportError } from "@/lib/reporting";

function describeReason(reason: unknown): { message: string; stack?: string } {
  if (reason instanceof Error) return { message: `${reason.name}: ${reason.message}`, stack: reason.stack };
  if (typeof reason === "string") return { message: reason };
  try {
    return { message: JSON.stringify(reason) ?? String(reason) };
  } catch {
    return { message: String(reason) };
  }
}

let installed = false;

export function ErrorReporting() {
  useEffect(() => {
    if (installed) return;
    installed = true;
    window.addEventListener("error", (e: ErrorEvent) => {
      // Resource load failures (an <img>, a <script>) do not bubble to window; this is a script error.
      const { message, stack } = e.error !== undefined && e.error !== null ? describeReason(e.error) : { message: e.message };
      reportError({ kind: "js", message: message || e.message, stack, source: e.filename, line: e.lineno, column: e.colno });
    });
    window.addEventListener("unhandledrejection", (e: PromiseRejectionEvent) => {
      reportError({ kind: "unhandled_rejection", ...describeReason(e.reason) });
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") flushErrors();
    });
    window.addEventListener("pagehide", flushErrors);
  }, []);
  return null;
}
