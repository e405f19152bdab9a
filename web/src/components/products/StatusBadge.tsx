import type { ProductStatus } from "@/lib/api/types";
import styles from "./StatusBadge.module.css";

export function StatusBadge({ status }: { status: ProductStatus }) {
  return <span className={`${styles.badge} ${styles[status]}`}>{status}</span>;
}
