"use client";

// Create and edit a product: every field of the API, the server's rules checked as the user
// submits, the server's `details` shown beside their fields, a guard against leaving with
// unsaved changes, and the 412 flow when someone else saved the product in the meantime.

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import { api } from "@/lib/api";
import { ApiError, isApiError } from "@/lib/api/envelope";
import { keys, urlOf } from "@/lib/api/keys";
import { PRODUCT_STATUSES, type Product } from "@/lib/api/types";
import { useCategories } from "@/lib/hooks/categories";
import { useProductActions, useProduct } from "@/lib/hooks/products";
import { LEAVE_MESSAGE, useUnsavedChangesGuard } from "@/lib/hooks/useUnsavedChangesGuard";
import {
  MAX_IMAGES,
  emptyProductForm,
  formValuesEqual,
  productPatch,
  productToFormValues,
  validateProductForm,
  type ProductFormValues,
} from "@/lib/validation/product";
import type { FieldErrors } from "@/lib/validation/rules";
import { Field } from "../Field";
import { Banner, describeError } from "../states";
import { useToast } from "../Toast";
import styles from "./ProductForm.module.css";

type Props = { mode: "create" } | { mode: "edit"; product: Product; etag: string | null };

/** Form fields the API's field names map to; anything else is shown above the form. */
const FORM_FIELDS = new Set([
  "name",
  "sku",
  "slug",
  "description",
  "price_cents",
  "currency",
  "status",
  "stock",
  "category_id",
  "attributes",
  "images",
]);
const FIELD_LABELS: Record<string, string> = {
  name: "Name",
  sku: "SKU",
  slug: "Slug",
  description: "Description",
  price_cents: "Price",
  currency: "Currency",
  status: "Status",
  stock: "Stock",
  category_id: "Category",
  attributes: "Attributes",
  images: "Images",
};

function isFormField(field: string): boolean {
  return FORM_FIELDS.has(field) || /^images\[\d+\]\./.test(field) || field.startsWith("attributes.");
}

interface Conflict {
  /** The version on the server now, and which fields differ from what this form started from. */
  latest: Product;
  etag: string | null;
  changedFields: string[];
}

export default function ProductForm(props: Props) {
  const router = useRouter();
  const toast = useToast();
  const actions = useProductActions();
  const categories = useCategories();
  const editing = props.mode === "edit";

  // What the form started from: the product as loaded (edit) and its ETag. Background
  // revalidation does not overwrite what the user is typing; it raises a notice instead.
  const [base, setBase] = useState<{ product: Product | null; etag: string | null }>(() =>
    props.mode === "edit" ? { product: props.product, etag: props.etag } : { product: null, etag: null },
  );
  const initialValues = useMemo(() => (base.product ? productToFormValues(base.product) : emptyProductForm), [base.product]);
  const [values, setValues] = useState<ProductFormValues>(initialValues);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const dirty = !saved && !formValuesEqual(values, initialValues);
  useUnsavedChangesGuard(dirty);

  // The detail cache revalidates on focus; a newer version means someone else saved meanwhile.
  const live = useProduct(editing ? (base.product?.id ?? null) : null);
  const newerOnServer =
    editing && !saved && !conflict && live.data && base.product && live.data.data.version > base.product.version ? live.data : null;

  function set<K extends keyof ProductFormValues>(name: K, value: ProductFormValues[K]) {
    setValues((v) => ({ ...v, [name]: value }));
  }

  function focusFirstError() {
    requestAnimationFrame(() => {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    });
  }

  function showServerError(e: unknown) {
    if (e instanceof ApiError && e.details.length > 0) {
      const fieldErrors: FieldErrors = {};
      const other: string[] = [];
      for (const d of e.details) {
        if (isFormField(d.field)) fieldErrors[d.field] ??= d.message;
        else other.push(`${d.field} ${d.message}`);
      }
      setErrors(fieldErrors);
      setFormError(
        e.code === "conflict"
          ? "Another product already uses this SKU or slug."
          : other.length
            ? `${describeError(e)}: ${other.join("; ")}`
            : "The server refused some fields. They are marked below.",
      );
      focusFirstError();
      return;
    }
    setFormError(describeError(e));
  }

  async function loadLatest(id: string): Promise<{ product: Product; etag: string | null }> {
    const res = await api.get<Product>(urlOf(keys.products.detail(id)));
    await actions.setDetail(res.data, res.etag);
    return { product: res.data, etag: res.etag };
  }

  async function openConflict(current: Product) {
    try {
      const latest = await loadLatest(current.id);
      const theirs = validateProductForm(productToFormValues(latest.product)).input;
      const changed = theirs ? Object.keys(productPatch(current, theirs)) : [];
      setConflict({ latest: latest.product, etag: latest.etag, changedFields: changed });
    } catch (e) {
      if (isApiError(e, "not_found")) setFormError("This product was deleted by someone else.");
      else setFormError(describeError(e));
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const { errors: found, input } = validateProductForm(values);
    setErrors(found);
    if (!input) {
      setFormError(`Check the ${Object.keys(found).length === 1 ? "field" : "fields"} marked below.`);
      focusFirstError();
      return;
    }
    setSaving(true);
    try {
      if (!editing || !base.product) {
        const res = await actions.create(input);
        setSaved(true);
        toast({ message: `Created “${res.data.name}”.`, tone: "success" });
        router.push(`/products/${res.data.id}`);
        return;
      }
      const patch = productPatch(base.product, input);
      if (Object.keys(patch).length === 0) {
        setSaved(true);
        router.push(`/products/${base.product.id}`);
        return;
      }
      const res = await actions.update(base.product, base.etag, patch);
      setSaved(true);
      toast({ message: `Saved “${res.data.name}”.`, tone: "success" });
      router.push(`/products/${res.data.id}`);
    } catch (err) {
      setSaving(false);
      if (isApiError(err, "precondition_failed") && base.product) await openConflict(base.product);
      else showServerError(err);
    }
  }

  /** Discard this form's changes and continue from the server's version. */
  function reloadTheirs(latest: Product, etag: string | null) {
    if (dirty && !window.confirm("Discard your changes and load the saved version?")) return;
    setBase({ product: latest, etag });
    setValues(productToFormValues(latest));
    setErrors({});
    setFormError(null);
    setConflict(null);
  }

  /** Save this form over the server's version: the PATCH is computed against it, with its ETag. */
  async function overwrite(c: Conflict) {
    const { input } = validateProductForm(values);
    if (!input) return;
    setSaving(true);
    setConflict(null);
    try {
      const patch = productPatch(c.latest, input);
      const res = Object.keys(patch).length ? await actions.update(c.latest, c.etag, patch) : { data: c.latest };
      setSaved(true);
      toast({ message: `Saved “${res.data.name}” over the other change.`, tone: "success" });
      router.push(`/products/${res.data.id}`);
    } catch (err) {
      setSaving(false);
      setBase({ product: c.latest, etag: c.etag });
      if (isApiError(err, "precondition_failed")) await openConflict(c.latest);
      else showServerError(err);
    }
  }

  function cancel() {
    if (dirty && !window.confirm(LEAVE_MESSAGE)) return;
    setSaved(true);
    router.push(editing && base.product ? `/products/${base.product.id}` : "/products");
  }

  useEffect(() => {
    if (formError) formRef.current?.querySelector<HTMLElement>("[data-form-error]")?.focus();
  }, [formError]);

  const err = (field: string) => errors[field];
  const imageError = (i: number, f: "url" | "alt_text") => errors[`images[${i}].${f}`];
  const attributeError =
    errors.attributes ??
    Object.entries(errors)
      .filter(([k]) => k.startsWith("attributes."))
      .map(([k, m]) => `"${k.slice(11)}" ${m}`)[0];

  return (
    <form ref={formRef} className={styles.form} onSubmit={submit} noValidate aria-label={editing ? "Edit product" : "New product"}>
      {conflict && (
        <Banner tone="warning">
          <div className={styles.conflictText} data-testid="conflict">
            <strong>This product was changed by someone else</strong> since you opened it
            {conflict.changedFields.length > 0 && <> ({conflict.changedFields.map((f) => FIELD_LABELS[f] ?? f).join(", ")})</>}. Your
            changes are not saved yet.
          </div>
          <div className={styles.conflictActions}>
            <button type="button" className="btn btn-small" onClick={() => reloadTheirs(conflict.latest, conflict.etag)}>
              Reload their version
            </button>
            <button type="button" className="btn btn-small btn-primary" onClick={() => void overwrite(conflict)}>
              Overwrite with mine
            </button>
          </div>
        </Banner>
      )}
      {newerOnServer && (
        <Banner tone="info">
          <span>A newer version of this product was saved while you were editing.</span>
          <button type="button" className="btn btn-small" onClick={() => reloadTheirs(newerOnServer.data, newerOnServer.etag)}>
            Load it
          </button>
        </Banner>
      )}
      {formError && (
        <div tabIndex={-1} data-form-error className={styles.formError}>
          <Banner tone="error">{formError}</Banner>
        </div>
      )}

      <div className={styles.columns}>
        <div className={styles.main}>
          <section className={styles.card} aria-labelledby="pf-basics">
            <h2 id="pf-basics">Basics</h2>
            <Field label="Name" error={err("name")} required>
              <input type="text" name="name" value={values.name} onChange={(e) => set("name", e.target.value)} maxLength={400} />
            </Field>
            <Field label="Description" error={err("description")} hint="Plain text, up to 10,000 characters.">
              <textarea name="description" rows={6} value={values.description} onChange={(e) => set("description", e.target.value)} />
            </Field>
          </section>

          <section className={styles.card} aria-labelledby="pf-images">
            <div className={styles.cardHead}>
              <h2 id="pf-images">Images</h2>
              <button
                type="button"
                className="btn btn-small"
                disabled={values.images.length >= MAX_IMAGES}
                onClick={() => set("images", [...values.images, { url: "", alt_text: "" }])}
              >
                Add image
              </button>
            </div>
            {err("images") && <p className={styles.inlineError}>Images {err("images")}</p>}
            {values.images.length === 0 && <p className={styles.muted}>No images. Add an http(s) URL for each picture.</p>}
            <ol className={styles.images}>
              {values.images.map((img, i) => (
                <li key={i} className={styles.imageRow}>
                  <div className={styles.thumb} aria-hidden="true">
                    {/^https?:\/\//.test(img.url) ? <img src={img.url} alt="" loading="lazy" /> : null}
                  </div>
                  <Field label={`Image ${i + 1} URL`} error={imageError(i, "url")} required>
                    <input
                      type="url"
                      value={img.url}
                      placeholder="https://…"
                      onChange={(e) => set("images", values.images.map((x, j) => (j === i ? { ...x, url: e.target.value } : x)))}
                    />
                  </Field>
                  <Field label={`Image ${i + 1} alt text`} error={imageError(i, "alt_text")}>
                    <input
                      type="text"
                      value={img.alt_text}
                      onChange={(e) => set("images", values.images.map((x, j) => (j === i ? { ...x, alt_text: e.target.value } : x)))}
                    />
                  </Field>
                  <div className={styles.imageButtons}>
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-label={`Move image ${i + 1} up`}
                      disabled={i === 0}
                      onClick={() => {
                        const next = [...values.images];
                        [next[i - 1], next[i]] = [next[i]!, next[i - 1]!];
                        set("images", next);
                      }}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      className="btn btn-small btn-danger"
                      aria-label={`Remove image ${i + 1}`}
                      onClick={() => set("images", values.images.filter((_, j) => j !== i))}
                    >
                      Remove
                    </button>
                  </div>
                </li>
              ))}
            </ol>
          </section>

          <section className={styles.card} aria-labelledby="pf-attrs">
            <h2 id="pf-attrs">Attributes</h2>
            <Field
              label="Attributes (JSON)"
              error={attributeError}
              hint='An object of up to 50 keys; values are text, numbers, true/false, null or lists. Example: {"colour": "blue", "sizes": ["S", "M"]}'
            >
              <textarea
                name="attributes"
                rows={5}
                className={styles.code}
                value={values.attributes}
                onChange={(e) => set("attributes", e.target.value)}
                spellCheck={false}
              />
            </Field>
          </section>
        </div>

        <aside className={styles.side}>
          <section className={styles.card} aria-labelledby="pf-status">
            <h2 id="pf-status">Status</h2>
            <Field label="Status" error={err("status")}>
              <select name="status" value={values.status} onChange={(e) => set("status", e.target.value as ProductFormValues["status"])}>
                {PRODUCT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s[0]?.toUpperCase() + s.slice(1)}
                  </option>
                ))}
              </select>
            </Field>
            <Field
              label="Category"
              error={err("category_id")}
              hint={
                categories.data?.meta?.truncated
                  ? `The first ${categories.data.data.length.toLocaleString("en-GB")} of ${categories.data.meta.total_items.toLocaleString("en-GB")} categories.`
                  : undefined
              }
            >
              <select name="category_id" value={values.category_id} onChange={(e) => set("category_id", e.target.value)}>
                <option value="">No category</option>
                {categories.data?.data.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
                {values.category_id && !categories.data?.data.some((c) => c.id === values.category_id) && (
                  <option value={values.category_id}>{base.product?.category?.name ?? "Current category"}</option>
                )}
              </select>
            </Field>
          </section>

          <section className={styles.card} aria-labelledby="pf-ids">
            <h2 id="pf-ids">Identifiers</h2>
            <Field label="SKU" error={err("sku")} required hint="Letters, digits, . _ -">
              <input type="text" name="sku" value={values.sku} onChange={(e) => set("sku", e.target.value)} spellCheck={false} />
            </Field>
            <Field label="Slug" error={err("slug")} hint={editing ? "Used in the shop's URL." : "Leave empty to derive it from the name and SKU."}>
              <input type="text" name="slug" value={values.slug} onChange={(e) => set("slug", e.target.value)} spellCheck={false} />
            </Field>
          </section>

          <section className={styles.card} aria-labelledby="pf-price">
            <h2 id="pf-price">Price and stock</h2>
            <div className={styles.pair}>
              <Field label="Price" error={err("price_cents")} required hint="e.g. 19.99">
                <input type="text" inputMode="decimal" name="price" value={values.price} onChange={(e) => set("price", e.target.value)} />
              </Field>
              <Field label="Currency" error={err("currency")} required>
                <input
                  type="text"
                  name="currency"
                  maxLength={3}
                  autoCapitalize="characters"
                  value={values.currency}
                  onChange={(e) => set("currency", e.target.value.toUpperCase())}
                />
              </Field>
            </div>
            <Field label="Stock" error={err("stock")}>
              <input type="text" inputMode="numeric" name="stock" value={values.stock} onChange={(e) => set("stock", e.target.value)} />
            </Field>
          </section>


        </aside>
      </div>

      <div className={styles.actions}>
        <span className={styles.muted} aria-live="polite">
          {dirty ? "Unsaved changes" : editing ? "No changes" : ""}
        </span>
        <button type="button" className="btn" onClick={cancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? "Saving…" : editing ? "Save changes" : "Create product"}
        </button>
      </div>
      {editing && base.product && (
        <p className={styles.muted}>
          Version {base.product.version} · <Link href={`/products/${base.product.id}`}>View product</Link>
        </p>
      )}
    </form>
  );
}

