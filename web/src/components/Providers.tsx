"use client";

// Everything every page needs: the SWR defaults, the toasts, the session restored on boot
// (refresh cookie → access token in memory), Web Vitals and browser error reporting (with the
// server's reporting settings), and the listener that lets a form with unsaved changes stop the
// browser's Back and Forward buttons.

import { useEffect, type ReactNode } from "react";
import { SWRConfig, useSWRConfig } from "swr";
import { api } from "@/lib/api";
import { swrConfig } from "@/lib/api/swr-config";
import { installHistoryGuard } from "@/lib/hooks/useUnsavedChangesGuard";
import { configureReporting } from "@/lib/reporting";
import type { ReportingSettings } from "@/lib/reporting/settings";
import { ErrorReporting } from "./ErrorReporting";
import { ToastProvider } from "./Toast";
import { WebVitals } from "./WebVitals";

const LOGOUT_CHANNEL = "mercato-auth";

// Back/Forward with unsaved changes: its popstate listener must be added before the App Router's.
installHistoryGuard();

/** Restores the session once per page load, and keeps tabs and the cache in step with it. */
function SessionKeeper() {
  const { cache, mutate } = useSWRConfig();
  useEffect(() => {
    void api.restoreSession();
    const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel(LOGOUT_CHANNEL);
    if (channel) {
      channel.onmessage = (e: MessageEvent) => {
        // Another tab signed out: its refresh family is revoked, so this tab's token is the
        // last thing that could still act for the user.
        if (e.data === "logout" && api.session().status === "authenticated") api.forget();
      };
    }
    let last = api.session().status;
    const unsubscribe = api.subscribe(() => {
      const now = api.session().status;
      if (last === "authenticated" && now === "anonymous") {
        // Nothing of the ended session stays readable in memory.
        void mutate(() => true, undefined, { revalidate: false });
        for (const k of [...cache.keys()]) cache.delete(k);
        channel?.postMessage("logout");
      }
      last = now;
    });
    return () => {
      unsubscribe();
      channel?.close();
    };
  }, [cache, mutate]);
  return null;
}

export function Providers({ children, reporting }: { children: ReactNode; reporting: ReportingSettings }) {
  // During render, not in an effect: the first fetches (started by effects) carry its trace sampling.
  configureReporting(reporting);
  return (
    <SWRConfig value={swrConfig}>
      <ToastProvider>
        <SessionKeeper />
        <WebVitals />
        <ErrorReporting />
        {children}
      </ToastProvider>
    </SWRConfig>
  );
}
