// The product form: its values as typed, the rules of src/services/catalog/products_json.cpp,
// and the conversions to the API's create and PATCH bodies. Error keys are the API's field
// names ("price_cents", "images[0].url", "attributes.colour"), so server `details` land on
// the same inputs as client-side errors.

import type { AttributeValue, Product, ProductInput, ProductStatus } from "../api/types";
import { PRODUCT_STATUSES } from "../api/types";
import { byteLength, charLength, isUuid, textProblem, validCurrency, validSku, validSlug, type FieldErrors } from "./rules";

export const MAX_PRICE_CENTS = 100_000_000_000;
export const MAX_STOCK = 2_147_483_647;
export const MAX_IMAGES = 20;
export const MAX_ATTRIBUTES = 50;
export const MAX_ATTRIBUTES_BYTES = 8192;

export interface ImageFormValue {
  url: string;
  alt_text: string;
}

export interface ProductFormValues {
  name: string;
  sku: string;
  slug: string;
  description: string;
  /** Major units as typed, e.g. "19.99". */
  price: string;
  currency: string;
  status: ProductStatus;
  stock: string;
  /** "" for no category. */
  category_id: string;
  /** JSON object text; "" means {}. */
  attributes: string;
  images: ImageFormValue[];
}

export const emptyProductForm: ProductFormValues = {
  name: "",
  sku: "",
  slug: "",
  description: "",
  price: "",
  currency: "EUR",
  status: "draft",
  stock: "0",
  category_id: "",
  attributes: "",
  images: [],
};

/**
 * "19.99" → 1999 without passing through a float (0.1 + 0.2 must never reach a price).
 * Accepts at most two decimals and no sign or exponent; returns null otherwise.
 */
export function parsePriceCents(text: string): number | null {
  const m = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return null;
  const whole = m[1] ?? "0";
  const frac = (m[2] ?? "").padEnd(2, "0");
  const cents = Number(whole) * 100 + Number(frac);
  return Number.isSafeInteger(cents) ? cents : null;
}

export function formatPriceInput(cents: number): string {
  const whole = Math.trunc(cents / 100);
  const frac = String(cents % 100).padStart(2, "0");
  return `${whole}.${frac}`;
}

function parseAttributes(text: string, errors: FieldErrors): Record<string, AttributeValue> | undefined {
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    errors.attributes = "must be a JSON object";
    return undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    errors.attributes = "must be a JSON object";
    return undefined;
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  for (const [k, v] of entries) {
    if (k === "" || charLength(k) > 64) {
      errors.attributes = "keys must be 1 to 64 characters";
      return undefined;
    }
    if (typeof v === "object" && v !== null && !Array.isArray(v)) {
      errors[`attributes.${k}`] = "must be a string, number, boolean, null or array";
      errors.attributes ??= `"${k}" must be a string, number, boolean, null or array`;
      return undefined;
    }
  }
  if (entries.length > MAX_ATTRIBUTES) {
    errors.attributes = `must have at most ${MAX_ATTRIBUTES} keys`;
    return undefined;
  }
  if (byteLength(JSON.stringify(parsed)) > MAX_ATTRIBUTES_BYTES) {
    errors.attributes = `must be at most ${MAX_ATTRIBUTES_BYTES} bytes of JSON`;
    return undefined;
  }
  return parsed as Record<string, AttributeValue>;
}

export interface ProductValidation {
  errors: FieldErrors;
  /** The full body (create), present only when there are no errors. */
  input: ProductInput | null;
}

export function validateProductForm(v: ProductFormValues): ProductValidation {
  const errors: FieldErrors = {};
  const setText = (field: string, value: string, min: number, max: number, multiline = false) => {
    const p = textProblem(value, { min, max, multiline });
    if (p) errors[field] = p;
  };

  if (v.name === "") errors.name = "is required";
  else setText("name", v.name, 1, 200);

  if (v.sku === "") errors.sku = "is required";
  else if (!validSku(v.sku)) errors.sku = "must be letters, digits, '.', '_' or '-', starting with a letter or digit";

  if (v.slug !== "" && !validSlug(v.slug))
    errors.slug = "must be lowercase letters and digits in words joined by single hyphens";

  setText("description", v.description, 0, 10000, true);

  let priceCents: number | null = null;
  if (v.price.trim() === "") errors.price_cents = "is required";
  else {
    priceCents = parsePriceCents(v.price);
    if (priceCents === null || priceCents > MAX_PRICE_CENTS)
      errors.price_cents = "must be a price from 0 to 1000000000.00 with at most 2 decimals";
  }

  if (!validCurrency(v.currency)) errors.currency = "must be an ISO 4217 code such as EUR";

  if (!PRODUCT_STATUSES.includes(v.status)) errors.status = "must be one of draft, active, archived";

  let stock = 0;
  if (v.stock.trim() !== "") {
    if (!/^\d+$/.test(v.stock.trim()) || Number(v.stock) > MAX_STOCK)
      errors.stock = `must be an integer from 0 to ${MAX_STOCK}`;
    else stock = Number(v.stock);
  }

  if (v.category_id !== "" && !isUuid(v.category_id)) errors.category_id = "must be a UUID or null";

  const attributes = parseAttributes(v.attributes, errors);

  if (v.images.length > MAX_IMAGES) errors.images = `must have at most ${MAX_IMAGES} images`;
  v.images.forEach((img, i) => {
    const url = img.url.trim();
    if (url === "") errors[`images[${i}].url`] = "is required";
    else if (charLength(url) > 2048) errors[`images[${i}].url`] = "must be 1 to 2048 characters";
    else if (!/^https?:\/\//.test(url)) errors[`images[${i}].url`] = "must be an http:// or https:// URL";
    const alt = textProblem(img.alt_text, { min: 0, max: 300 });
    if (alt) errors[`images[${i}].alt_text`] = alt;
  });

  if (Object.keys(errors).length > 0) return { errors, input: null };
  const input: ProductInput = {
    name: v.name,
    sku: v.sku,
    description: v.description,
    price_cents: priceCents ?? 0,
    currency: v.currency,
    status: v.status,
    stock,
    category_id: v.category_id === "" ? null : v.category_id.toLowerCase(),
    attributes: attributes ?? {},
    images: v.images.map((img) => ({ url: img.url.trim(), alt_text: img.alt_text })),
  };
  if (v.slug !== "") input.slug = v.slug;
  return { errors, input };
}

export function productToFormValues(p: Product): ProductFormValues {
  return {
    name: p.name,
    sku: p.sku,
    slug: p.slug,
    description: p.description,
    price: formatPriceInput(p.price_cents),
    currency: p.currency,
    status: p.status,
    stock: String(p.stock),
    category_id: p.category_id ?? "",
    attributes: Object.keys(p.attributes ?? {}).length ? JSON.stringify(p.attributes, null, 2) : "",
    images: (p.images ?? []).map((i) => ({ url: i.url, alt_text: i.alt_text ?? "" })),
  };
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The PATCH body: only the fields whose value differs from `current` (the server refuses an
 * empty PATCH, and sending only changes keeps concurrent edits of other fields intact).
 */
export function productPatch(current: Product, input: ProductInput): ProductInput {
  const patch: ProductInput = {};
  if (input.name !== undefined && input.name !== current.name) patch.name = input.name;
  if (input.sku !== undefined && input.sku !== current.sku) patch.sku = input.sku;
  if (input.slug !== undefined && input.slug !== current.slug) patch.slug = input.slug;
  if (input.description !== undefined && input.description !== current.description)
    patch.description = input.description;
  if (input.price_cents !== undefined && input.price_cents !== current.price_cents)
    patch.price_cents = input.price_cents;
  if (input.currency !== undefined && input.currency !== current.currency) patch.currency = input.currency;
  if (input.status !== undefined && input.status !== current.status) patch.status = input.status;
  if (input.stock !== undefined && input.stock !== current.stock) patch.stock = input.stock;
  if (input.category_id !== undefined && (input.category_id ?? null) !== (current.category_id ?? null))
    patch.category_id = input.category_id;
  if (input.attributes !== undefined && !sameJson(input.attributes, current.attributes ?? {}))
    patch.attributes = input.attributes;
  const currentImages = (current.images ?? []).map((i) => ({ url: i.url, alt_text: i.alt_text ?? "" }));
  if (input.images !== undefined && !sameJson(input.images, currentImages)) patch.images = input.images;
  return patch;
}

export function formValuesEqual(a: ProductFormValues, b: ProductFormValues): boolean {
  return sameJson(a, b);
}
