import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/Providers";
import { reportingSettings } from "@/lib/reporting/settings";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Mercato", template: "%s · Mercato" },
  description: "Mercato catalog administration",
  robots: { index: false, follow: false },
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Render every page per request: its scripts must carry this response's CSP nonce (src/proxy.ts),
  // and a page prerendered at build time would carry none, so the browser would block them.
  await connection();
  // Read at each render (not inlined at build), so a restart with new values applies them.
  return (
    <html lang="en">
      <body>
        <Providers reporting={reportingSettings(process.env)}>{children}</Providers>
      </body>
    </html>
  );
}
