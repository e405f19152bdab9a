"use client";

// The signed-in frame: header with navigation and the user menu, and the gate that sends a
// signed-out visitor to /login?next=<this page>.

import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, type ReactNode } from "react";
import { loginUrl } from "@/lib/api/client";
import { can, type Action } from "@/lib/auth/permissions";
import { useSession } from "@/lib/auth/session";
import { Skeleton } from "./states";
import { UserMenu } from "./UserMenu";
import styles from "./AppShell.module.css";

const NAV: { href: string; label: string; needs: Action | null }[] = [
  { href: "/products", label: "Products", needs: null },
  { href: "/categories", label: "Categories", needs: null },
  { href: "/audit", label: "Audit", needs: "audit:view" },
  { href: "/users", label: "Users", needs: "users:manage" },
  { href: "/operations", label: "Operations", needs: "ops:view" },
];

export function AppShell({ children }: { children: ReactNode }) {
  const session = useSession();
  const pathname = usePathname();
  const router = useRouter();

  useEffect(() => {
    if (session.status === "anonymous") router.replace(loginUrl(pathname + window.location.search));
  }, [session.status, pathname, router]);

  return (
    <div className={styles.shell}>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className={styles.header}>
        <Link href="/products" className={styles.brand}>
          <span className={styles.logo} aria-hidden="true">
            M
          </span>
          Mercato
        </Link>
        <nav aria-label="Main" className={styles.nav}>
          {NAV.filter((n) => !n.needs || can(session.user?.role, n.needs)).map((n) => {
            const active = pathname === n.href || pathname.startsWith(`${n.href}/`);
            return (
              <Link key={n.href} href={n.href} className={active ? styles.active : undefined} aria-current={active ? "page" : undefined}>
                {n.label}
              </Link>
            );
          })}
        </nav>
        <div className={styles.spacer} />
        {session.user && <UserMenu user={session.user} />}
      </header>
      <main id="main" className={styles.main} tabIndex={-1}>
        {session.status === "authenticated" ? children : <Skeleton rows={8} label="Checking your session" />}
      </main>
    </div>
  );
}
