// The dashboard's one error reporter (errors.ts), configured once per page session from the
// server's settings (settings.ts), and how its reports leave the page.

import { paths } from "@/lib/api/keys";
import { createErrorReporter, type BrowserErrorInit, type ErrorReporter } from "./errors";
import { routeTemplate } from "./page";
import type { ReportingSettings } from "./settings";
import { setTraceSampleRatio } from "./traceparent";

let reporter: ErrorReporter | null = null;

/**
 * A keepalive fetch, so a report sent while the page is being hidden still leaves (as the
 * vitals' sendBeacon does); sendBeacon when fetch itself throws. Failures are ignored on
 * purpose: reporting must never break the page nor report itself.
 */
function send(body: string) {
  try {
    fetch(paths.rumErrors, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body,
    }).catch(() => undefined);
  } catch {
    try {
      navigator.sendBeacon?.(paths.rumErrors, new Blob([body], { type: "application/json" }));
    } catch {
      // nothing left to try
    }
  }
}

/** Once per page session, in the browser (the first call wins). */
export function configureReporting(settings: ReportingSettings) {
  if (reporter || typeof window === "undefined") return;
  setTraceSampleRatio(settings.traceSampleRatio);
  reporter = createErrorReporter({
    sampleRatio: settings.errorSampleRatio,
    maxPerMinute: settings.errorsPerMinute,
    send,
    page: () => routeTemplate(window.location.pathname),
  });
}

/** Reports a browser error; a no-op before configureReporting and on the server. */
export function reportError(e: BrowserErrorInit) {
  try {
    reporter?.report(e);
  } catch {
    // Reporting must never throw into the code that had the error.
  }
}

export function flushErrors() {
  reporter?.flush();
}
