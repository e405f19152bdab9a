"use client";

import { useEffect } from "react";
import { ErrorState } from "@/components/states";
import { ApiError } from "@/lib/api/envelope";
import { reportError } from "@/lib/reporting";

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    // A failed fetch that reached this boundary was already reported by the API client.
    if (error instanceof ApiError) return;
    reportError({ kind: "render", message: `${error.name}: ${error.message}`, stack: error.stack });
  }, [error]);
  return <ErrorState title="This page failed" error={error} onRetry={reset} />;
}
