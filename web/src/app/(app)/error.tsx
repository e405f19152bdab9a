"use client";

import { ErrorState } from "@/components/states";

export default function PageError({ error, reset }: { error: Error; reset: () => void }) {
  return <ErrorState title="This page failed" error={error} onRetry={reset} />;
}
