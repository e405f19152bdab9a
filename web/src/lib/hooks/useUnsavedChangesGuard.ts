"use client";

// Keeps an edit from being lost: the browser asks before a reload or tab close, in-app links ask
// before leaving, and so do the browser's Back and Forward buttons, while the form holds unsaved
// changes. (The App Router has no cancellable route-change event, so links are intercepted at
// the document in the capture phase, and history traversals at the window: see createHistoryGuard.)

import { useEffect } from "react";

export const LEAVE_MESSAGE = "You have unsaved changes. Leave this page and lose them?";

/** The parts of `window` the history guard uses; a test passes a fake. */
export interface HistoryGuardWindow {
  location: { href: string };
  history: { state: unknown; pushState(data: unknown, unused: string, url?: string | URL | null): void };
  addEventListener(type: "popstate", listener: (e: Event) => void): void;
  removeEventListener(type: "popstate", listener: (e: Event) => void): void;
}

export interface HistoryGuard {
  /** Guards the page shown now (URL and history state); returns the function that stops it. */
  arm(): () => void;
  /** Removes the listener (tests). */
  dispose(): void;
}

/**
 * Asks before a Back/Forward traversal leaves the armed page.
 *
 * A popstate cannot be cancelled: when it fires the browser already shows the other entry. The
 * guard's listener therefore has to run before the App Router's: when the user declines it stops
 * the event there, so the router never renders the other page, and pushes the form's entry (its
 * URL and the router's state, taken when armed) back, so the address bar and the history match
 * the page still on screen; forward entries after it are lost, as after any new navigation. When
 * the user accepts, the event goes on to the router as if there were no guard.
 *
 * Listeners on the window run in the order they were added: in Chromium 156 a capture-phase
 * listener the form added ran after the router's, and by then the router had unmounted the form,
 * which removed the listener before it ran. So there is one listener, added before the router
 * adds its own (installHistoryGuard), and the form only arms and disarms it.
 */
export function createHistoryGuard(win: HistoryGuardWindow, confirm: (message: string) => boolean): HistoryGuard {
  let armed: { href: string; state: unknown } | null = null;
  const withoutHash = (href: string) => href.split("#")[0];
  const onPopState = (e: Event) => {
    if (!armed) return;
    // Another entry of the same page (only the #fragment differs): nothing is left behind.
    if (withoutHash(win.location.href) === withoutHash(armed.href)) return;
    if (confirm(LEAVE_MESSAGE)) {
      armed = null;
      return;
    }
    e.stopImmediatePropagation();
    win.history.pushState(armed.state, "", armed.href);
  };
  win.addEventListener("popstate", onPopState);
  return {
    arm() {
      const mine = { href: win.location.href, state: win.history.state };
      armed = mine;
      return () => {
        if (armed === mine) armed = null;
      };
    },
    dispose() {
      armed = null;
      win.removeEventListener("popstate", onPopState);
    },
  };
}

let historyGuard: HistoryGuard | null = null;

/**
 * Adds the history guard's listener once per page load. Call it at module scope of a component in
 * the first-load bundle (Providers): modules run before React hydrates, so before the App Router's
 * effect adds its popstate listener.
 */
export function installHistoryGuard() {
  if (typeof window === "undefined" || historyGuard) return;
  historyGuard = createHistoryGuard(window, (m) => window.confirm(m));
}

export function useUnsavedChangesGuard(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const beforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = "";
    };
    const onClick = (e: MouseEvent) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.("a[href]") as HTMLAnchorElement | null;
      if (!a || a.target === "_blank" || a.hasAttribute("download")) return;
      const url = new URL(a.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      if (url.pathname === window.location.pathname && url.search === window.location.search) return;
      if (!window.confirm(LEAVE_MESSAGE)) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener("beforeunload", beforeUnload);
    document.addEventListener("click", onClick, true);
    // Installed by Providers when the page loaded; one added now would run after the router's.
    const disarmHistory = historyGuard?.arm() ?? (() => {});
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      document.removeEventListener("click", onClick, true);
      disarmHistory();
    };
  }, [dirty]);
}
