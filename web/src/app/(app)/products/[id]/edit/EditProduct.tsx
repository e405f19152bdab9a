"use client";

import dynamic from "next/dynamic";
import Link from "next/link";
import { useParams } from "next/navigation";
import { EmptyState, ErrorState, Skeleton } from "@/components/states";
import { isApiError } from "@/lib/api/envelope";
import { useCan } from "@/lib/auth/session";
import { useProduct } from "@/lib/hooks/products";
import styles from "../../detail.module.css";

const ProductForm = dynamic(() => import("@/components/products/ProductForm"), {
  ssr: false,
  loading: () => <Skeleton rows={12} label="Loading the form" />,
});

export function EditProduct() {
  const { id } = useParams<{ id: string }>();
  const canWrite = useCan("catalog:write");
  const { data, error, isLoading, mutate } = useProduct(id);

  let body;
  if (!canWrite)
    body = (
      <EmptyState title="You cannot edit products">
        <p>Your role is read-only.</p>
      </EmptyState>
    );
  else if (isLoading) body = <Skeleton rows={12} label="Loading the product" />;
  else if (isApiError(error, "not_found"))
    body = (
      <EmptyState title="Product not found">
        <p>It may have been deleted.</p>
        <Link href="/products" className="btn">
          Back to products
        </Link>
      </EmptyState>
    );
  else if (error || !data) body = <ErrorState error={error} onRetry={() => void mutate()} />;
  // Keyed by id only: a background revalidation must not reset what the user is typing.
  else body = <ProductForm key={data.data.id} mode="edit" product={data.data} etag={data.etag} />;

  return (
    <div className={styles.page}>
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/products">Products</Link> <span aria-hidden="true">/</span>{" "}
        {data ? <Link href={`/products/${id}`}>{data.data.name}</Link> : "…"} <span aria-hidden="true">/</span> Edit
      </nav>
      <h1>Edit {data ? `“${data.data.name}”` : "product"}</h1>
      {body}
    </div>
  );
}
