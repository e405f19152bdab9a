"use client";

import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { StatusBadge } from "@/components/products/StatusBadge";
import { EmptyState, ErrorState, Skeleton, describeError } from "@/components/states";
import { useToast } from "@/components/Toast";
import { isApiError } from "@/lib/api/envelope";
import { useCan } from "@/lib/auth/session";
import { formatDateTime, formatMoney } from "@/lib/format";
import { useProduct, useProductActions } from "@/lib/hooks/products";
import styles from "../detail.module.css";

export function ProductDetail() {
  const { id } = useParams<{ id: string }>();
  const router = useRouter();
  const toast = useToast();
  const canWrite = useCan("catalog:write");
  const canAudit = useCan("audit:view");
  const { data, error, isLoading, mutate } = useProduct(id);
  const actions = useProductActions();
  const [busy, setBusy] = useState(false);

  async function restore() {
    setBusy(true);
    const [r] = await actions.restore([id]);
    setBusy(false);
    if (r?.status === "fulfilled") {
      toast({ message: `Restored “${r.value.data.name}”.`, tone: "success" });
      void mutate();
    } else toast({ message: `Could not restore: ${describeError(r?.reason)}`, tone: "error" });
  }

  async function remove() {
    if (!data) return;
    const product = data.data;
    setBusy(true);
    try {
      await actions.remove([product]);
      toast({
        message: `Deleted “${product.name}”.`,
        action: {
          label: "Undo",
          onClick: async () => {
            const [r] = await actions.restore([product.id]);
            if (r?.status === "fulfilled") {
              toast({ message: `Restored “${product.name}”.`, tone: "success" });
              router.push(`/products/${product.id}`);
            } else toast({ message: `Could not restore: ${describeError(r?.reason)}`, tone: "error" });
          },
        },
      });
      router.push("/products");
    } catch (e) {
      setBusy(false);
      toast({ message: `Could not delete: ${describeError(e)}`, tone: "error" });
    }
  }

  if (isLoading) return <Skeleton rows={10} label="Loading the product" />;
  if (isApiError(error, "not_found"))
    return (
      <EmptyState title="Product not found">
        <p>It does not exist, or it was deleted.</p>
        <div className={styles.row}>
          <Link href="/products" className="btn">
            Back to products
          </Link>
          {canWrite && (
            <button type="button" className="btn" onClick={restore} disabled={busy}>
              Restore it
            </button>
          )}
        </div>
      </EmptyState>
    );
  if (error || !data) return <ErrorState error={error} onRetry={() => void mutate()} />;

  const p = data.data;
  const attributes = Object.entries(p.attributes ?? {});
  return (
    <article className={styles.page} aria-labelledby="product-title">
      <nav aria-label="Breadcrumb" className={styles.crumbs}>
        <Link href="/products">Products</Link> <span aria-hidden="true">/</span> {p.name}
      </nav>
      <header className={styles.header}>
        <div>
          <h1 id="product-title">{p.name}</h1>
          <div className={styles.sub}>
            <StatusBadge status={p.status} />
            <span className={styles.mono}>{p.sku}</span>
            {p.category && <span>in {p.category.name}</span>}
          </div>
        </div>
        {(canWrite || canAudit) && (
          <div className={styles.row}>
            {canAudit && (
              <Link href={`/audit?entity_type=product&entity_id=${p.id}`} className="btn">
                History
              </Link>
            )}
            {canWrite && (
            <>
            <Link href={`/products/${p.id}/edit`} className="btn btn-primary">
              Edit
            </Link>
            <button type="button" className="btn btn-danger" onClick={remove} disabled={busy}>
              Delete
            </button>
            </>
            )}
          </div>
        )}
      </header>

      <div className={styles.columns}>
        <div className={styles.main}>
          <section className={styles.card} aria-labelledby="d-images">
            <h2 id="d-images">Images</h2>
            {p.images.length === 0 ? (
              <p className={styles.muted}>No images.</p>
            ) : (
              <ul className={styles.gallery}>
                {p.images.map((img, i) => (
                  <li key={img.id ?? i}>
                    <a href={img.url} target="_blank" rel="noreferrer noopener">
                      <img src={img.url} alt={img.alt_text || `${p.name}, image ${i + 1}`} loading="lazy" />
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section className={styles.card} aria-labelledby="d-desc">
            <h2 id="d-desc">Description</h2>
            {p.description ? <p className={styles.description}>{p.description}</p> : <p className={styles.muted}>No description.</p>}
          </section>
          <section className={styles.card} aria-labelledby="d-attrs">
            <h2 id="d-attrs">Attributes</h2>
            {attributes.length === 0 ? (
              <p className={styles.muted}>No attributes.</p>
            ) : (
              <table className={styles.attrs}>
                <tbody>
                  {attributes.map(([k, v]) => (
                    <tr key={k}>
                      <th scope="row">{k}</th>
                      <td>{Array.isArray(v) ? v.map(String).join(", ") : String(v)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
        <aside className={styles.side}>
          <section className={styles.card} aria-labelledby="d-facts">
            <h2 id="d-facts">Details</h2>
            <dl className={styles.facts}>
              <dt>Price</dt>
              <dd data-testid="product-price">{formatMoney(p.price_cents, p.currency)}</dd>
              <dt>Stock</dt>
              <dd>{p.stock.toLocaleString("en-GB")}</dd>
              <dt>Slug</dt>
              <dd className={styles.mono}>{p.slug}</dd>
              <dt>Category</dt>
              <dd>{p.category?.name ?? "—"}</dd>
              <dt>Created</dt>
              <dd>{formatDateTime(p.created_at)}</dd>
              <dt>Updated</dt>
              <dd>{formatDateTime(p.updated_at)}</dd>
              <dt>Version</dt>
              <dd>{p.version}</dd>
            </dl>
          </section>
        </aside>
      </div>
    </article>
  );
}
