"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { Field } from "@/components/Field";
import { Banner, EmptyState, ErrorState, Skeleton, describeError } from "@/components/states";
import { useToast } from "@/components/Toast";
import { ApiError, isApiError } from "@/lib/api/envelope";
import type { Category } from "@/lib/api/types";
import { useCan } from "@/lib/auth/session";
import { plural } from "@/lib/format";
import { CATEGORIES_PER_PAGE, useCategoryActions, useCategoryPage } from "@/lib/hooks/categories";
import { validateCategoryForm, type CategoryFormValues } from "@/lib/validation/category";
import type { FieldErrors } from "@/lib/validation/rules";
import styles from "../admin.module.css";

const EMPTY: CategoryFormValues = { name: "", slug: "", description: "" };

function serverErrors(e: unknown): { fields: FieldErrors; message: string } {
  if (e instanceof ApiError) {
    if (e.code === "conflict") return { fields: { slug: "is already used by another category" }, message: describeError(e) };
    return { fields: e.fieldErrors(), message: describeError(e) };
  }
  return { fields: {}, message: describeError(e) };
}

function CategoryForm({
  initial,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  initial: CategoryFormValues;
  submitLabel: string;
  onSubmit: (v: CategoryFormValues) => Promise<void>;
  onCancel?: () => void;
}) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const v = validateCategoryForm(values);
    setErrors(v.errors);
    setMessage(null);
    if (!v.input) return;
    setBusy(true);
    try {
      await onSubmit(values);
      setValues(initial);
    } catch (err) {
      const s = serverErrors(err);
      setErrors(s.fields);
      setMessage(s.message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className={styles.inlineForm} onSubmit={submit} noValidate>
      {message && <Banner tone="error">{message}</Banner>}
      <div className={styles.formRow}>
        <Field label="Name" error={errors.name} required>
          <input type="text" value={values.name} onChange={(e) => setValues({ ...values, name: e.target.value })} />
        </Field>
        <Field label="Slug" error={errors.slug} hint="Optional; derived from the name.">
          <input type="text" value={values.slug} onChange={(e) => setValues({ ...values, slug: e.target.value })} />
        </Field>
        <Field label="Description" error={errors.description}>
          <input type="text" value={values.description} onChange={(e) => setValues({ ...values, description: e.target.value })} />
        </Field>
        <div className={styles.formButtons}>
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? "Saving…" : submitLabel}
          </button>
          {onCancel && (
            <button type="button" className="btn" onClick={onCancel}>
              Cancel
            </button>
          )}
        </div>
      </div>
    </form>
  );
}

export function CategoriesView() {
  const [page, setPage] = useState(1);
  const { data, error, isLoading, mutate } = useCategoryPage(page);
  const actions = useCategoryActions(page);
  const canWrite = useCan("catalog:write");
  const toast = useToast();
  const [editing, setEditing] = useState<string | null>(null);

  async function remove(c: Category) {
    if (!window.confirm(`Delete the category “${c.name}”?`)) return;
    try {
      await actions.remove(c);
      toast({ message: `Deleted “${c.name}”.`, tone: "success" });
    } catch (e) {
      toast({
        message: isApiError(e, "conflict")
          ? `“${c.name}” still holds products: move or delete them first.`
          : `Could not delete: ${describeError(e)}`,
        tone: "error",
      });
    }
  }

  const categories = data?.data ?? [];
  const totalPages = data?.meta?.total_pages ?? 1;
  const totalItems = data?.meta?.total_items ?? categories.length;
  // A delete that emptied the last page: show the page before it.
  if (!isLoading && !error && page > 1 && categories.length === 0 && totalPages < page) setPage(Math.max(1, totalPages));
  return (
    <div className={styles.page}>
      <div className={styles.header}>
        <h1>Categories</h1>
        {totalItems > 0 && <span className={styles.muted}>{plural(totalItems, "category", "categories")}</span>}
      </div>
      {canWrite && (
        <section className={styles.card} aria-labelledby="new-category">
          <h2 id="new-category">New category</h2>
          <CategoryForm
            initial={EMPTY}
            submitLabel="Add category"
            onSubmit={async (v) => {
              const { input } = validateCategoryForm(v);
              const c = await actions.create(input!);
              toast({ message: `Added “${c.name}”.`, tone: "success" });
            }}
          />
        </section>
      )}
      {isLoading ? (
        <Skeleton rows={6} label="Loading categories" />
      ) : error ? (
        <ErrorState error={error} onRetry={() => void mutate()} title="Could not load categories" />
      ) : categories.length === 0 ? (
        <EmptyState title="No categories yet">{canWrite && <p>Add the first one above.</p>}</EmptyState>
      ) : (
        <div className={styles.tableWrap}>
          <table className={styles.table}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Description</th>
                <th scope="col" className={styles.num}>
                  Products
                </th>
                {canWrite && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {categories.map((c) =>
                editing === c.id ? (
                  <tr key={c.id}>
                    <td colSpan={canWrite ? 5 : 4}>
                      <CategoryForm
                        initial={{ name: c.name, slug: c.slug, description: c.description }}
                        submitLabel="Save"
                        onCancel={() => setEditing(null)}
                        onSubmit={async (v) => {
                          const patch: Partial<CategoryFormValues> = {};
                          if (v.name !== c.name) patch.name = v.name;
                          if (v.slug && v.slug !== c.slug) patch.slug = v.slug;
                          if (v.description !== c.description) patch.description = v.description;
                          if (Object.keys(patch).length > 0) {
                            await actions.update(c, patch); // a refusal stays in the form, shown beside its field
                            toast({ message: `Saved “${v.name}”.`, tone: "success" });
                          }
                          setEditing(null);
                        }}
                      />
                    </td>
                  </tr>
                ) : (
                  <tr key={c.id}>
                    <td className={styles.strong}>
                      <Link href={`/products?category=${c.id}`}>{c.name}</Link>
                    </td>
                    <td className={styles.mono}>{c.slug}</td>
                    <td className={styles.muted}>{c.description || "—"}</td>
                    <td className={styles.num}>{plural(c.product_count, "product")}</td>
                    {canWrite && (
                      <td className={styles.actions}>
                        <button type="button" className="btn btn-small" onClick={() => setEditing(c.id)} aria-label={`Edit ${c.name}`}>
                          Edit
                        </button>
                        <button type="button" className="btn btn-small btn-danger" onClick={() => void remove(c)} aria-label={`Delete ${c.name}`}>
                          Delete
                        </button>
                      </td>
                    )}
                  </tr>
                ),
              )}
            </tbody>
          </table>
          {totalPages > 1 && (
            <nav className={styles.pager} aria-label="Pages">
              <button type="button" className="btn btn-small" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
                Previous
              </button>
              <span>
                Page {page} of {totalPages} · {CATEGORIES_PER_PAGE} a page
              </span>
              <button type="button" className="btn btn-small" disabled={page >= totalPages} onClick={() => setPage((p) => p + 1)}>
                Next
              </button>
            </nav>
          )}
        </div>
      )}
    </div>
  );
}
