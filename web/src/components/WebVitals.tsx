"use client";

// Real-user monitoring: Web Vitals (LCP, INP, CLS, TTFB, FCP) to POST /api/v1/rum on the
// gateway, batched and sent with navigator.sendBeacon when the page is hidden, so reporting
// never delays the user and survives the tab closing. Failures are ignored on purpose.

import { useEffect } from "react";
import type { Metric } from "web-vitals";
import { paths } from "@/lib/api/keys";
import { routeTemplate } from "@/lib/reporting/page";

interface RumMetric {
  name: string;
  value: number;
  rating: string;
  id: string;
  navigation_type: string;
}

let queue: RumMetric[] = [];
let started = false;

function flush() {
  if (queue.length === 0) return;
  const body = JSON.stringify({ page: routeTemplate(window.location.pathname), metrics: queue });
  queue = [];
  try {
    if (typeof navigator.sendBeacon === "function")
      navigator.sendBeacon(paths.rum, new Blob([body], { type: "application/json" }));
  } catch {
    // Monitoring must never break the page.
  }
}

export function WebVitals() {
  useEffect(() => {
    if (started) return;
    started = true;
    const report = (m: Metric) => {
      queue.push({ name: m.name, value: m.value, rating: m.rating, id: m.id, navigation_type: m.navigationType });
      if (queue.length >= 10) flush();
    };
    // Loaded after hydration: measuring must not add to the first-load JavaScript it measures.
    void import("web-vitals").then(({ onLCP, onINP, onCLS, onTTFB, onFCP }) => {
      onLCP(report);
      onINP(report);
      onCLS(report);
      onTTFB(report);
      onFCP(report);
    });
    const onHidden = () => {
      if (document.visibilityState === "hidden") flush();
    };
    document.addEventListener("visibilitychange", onHidden);
    window.addEventListener("pagehide", flush);
  }, []);
  return null;
}
