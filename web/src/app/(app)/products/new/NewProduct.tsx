"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { EmptyState, Skeleton } from "@/components/states";
import { useCan } from "@/lib/auth/session";
import styles from "../detail.module.css";

const ProductForm = dynamic(() => import("@/components/products/ProductForm"), {
  ssr: false,
  loading: () => <Skeleton rows={12} label="Loading the form" />,
});

export function NewProduct() {
  const canWrite = useCan("catalog:write");
  return (
    <div className={styles.page}>
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/products">Products</Link> <span aria-hidden="true">/</span> New
      </nav>
      <h1>New product</h1>
      {canWrite ? (
        <ProductForm mode="create" />
      ) : (
        <EmptyState title="You cannot create products">
          <p>Your role is read-only. Ask an admin for the editor role.</p>
        </EmptyState>
      )}
    </div>
  );
}
