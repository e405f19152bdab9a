import Link from "next/link";
import styles from "./not-found.module.css";

export const metadata = { title: "Page not found" };

export default function NotFound() {
  return (
    <main className={styles.page}>
      <p className={styles.code}>404</p>
      <h1>This page does not exist</h1>
      <p>The address may be mistyped, or the page was moved.</p>
      <Link href="/products" className="btn btn-primary">
        Go to products
      </Link>
    </main>
  );
}
