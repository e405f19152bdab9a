import { describe, expect, it } from "vitest";
import type { Product } from "../api/types";
import { validateCategoryForm } from "./category";
import {
  emptyProductForm,
  parsePriceCents,
  productPatch,
  productToFormValues,
  validateProductForm,
  type ProductFormValues,
} from "./product";
import { charLength, emailProblem, passwordProblem, textProblem, validSku, validSlug } from "./rules";
import { validateUserForm } from "./user";

const valid: ProductFormValues = {
  ...emptyProductForm,
  name: "Blue mug",
  sku: "MUG-BLUE.1",
  price: "19.99",
  currency: "EUR",
  stock: "12",
};

describe("product form rules mirror the catalog service", () => {
  it("accepts a valid product and builds the create body with integer cents", () => {
    const { errors, input } = validateProductForm(valid);
    expect(errors).toEqual({});
    expect(input).toMatchObject({ name: "Blue mug", sku: "MUG-BLUE.1", price_cents: 1999, stock: 12, category_id: null });
    expect(input && "slug" in input).toBe(false); // the server derives it
  });

  it("requires name, sku, price and currency", () => {
    const { errors } = validateProductForm({ ...emptyProductForm, currency: "" });
    expect(errors).toMatchObject({
      name: "is required",
      sku: "is required",
      price_cents: "is required",
      currency: "must be an ISO 4217 code such as EUR",
    });
  });

  it("parses prices without floating point and refuses what the server refuses", () => {
    expect(parsePriceCents("19.99")).toBe(1999);
    expect(parsePriceCents("0.1")).toBe(10);
    expect(parsePriceCents("1000000000.00")).toBe(100_000_000_000);
    expect(parsePriceCents("7")).toBe(700);
    for (const bad of ["-1", "1e3", "19.999", "abc", "", "1.2.3", "+5"]) expect(parsePriceCents(bad)).toBeNull();
    expect(validateProductForm({ ...valid, price: "1000000000.01" }).errors.price_cents).toBeDefined();
  });

  it("uses the server's sku, slug, currency, stock and status rules", () => {
    expect(validSku("A1._-x")).toBe(true);
    expect(validSku("-A")).toBe(false);
    expect(validSku("a b")).toBe(false);
    expect(validSlug("blue-mug-2")).toBe(true);
    for (const s of ["Blue", "-a", "a-", "a--b", ""]) expect(validSlug(s)).toBe(false);
    expect(validateProductForm({ ...valid, currency: "eur" }).errors.currency).toBeDefined();
    expect(validateProductForm({ ...valid, stock: "-1" }).errors.stock).toBe("must be an integer from 0 to 2147483647");
    expect(validateProductForm({ ...valid, stock: "2147483648" }).errors.stock).toBeDefined();
    expect(validateProductForm({ ...valid, status: "deleted" as never }).errors.status).toBeDefined();
    expect(validateProductForm({ ...valid, category_id: "nope" }).errors.category_id).toBe("must be a UUID or null");
  });

  it("counts characters, not UTF-16 units, and refuses control characters and blanks", () => {
    expect(charLength("😀")).toBe(1);
    expect(textProblem("😀".repeat(200), { min: 1, max: 200 })).toBeNull();
    expect(textProblem("a\u0007", { min: 1, max: 200 })).toBe("must not contain control characters");
    expect(textProblem("line\nbreak", { min: 0, max: 10, multiline: true })).toBeNull();
    expect(textProblem("   ", { min: 1, max: 200 })).toBe("must not be blank");
    expect(validateProductForm({ ...valid, name: "x".repeat(201) }).errors.name).toBe("must be 1 to 200 characters");
  });

  it("checks attributes as the server does", () => {
    expect(validateProductForm({ ...valid, attributes: '{"colour":"blue","sizes":[1,2],"new":true}' }).errors).toEqual({});
    expect(validateProductForm({ ...valid, attributes: "[1]" }).errors.attributes).toBe("must be a JSON object");
    expect(validateProductForm({ ...valid, attributes: "{" }).errors.attributes).toBe("must be a JSON object");
    expect(validateProductForm({ ...valid, attributes: '{"a":{"b":1}}' }).errors["attributes.a"]).toBe(
      "must be a string, number, boolean, null or array",
    );
    const many = JSON.stringify(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])));
    expect(validateProductForm({ ...valid, attributes: many }).errors.attributes).toBe("must have at most 50 keys");
    const big = JSON.stringify({ a: "x".repeat(9000) });
    expect(validateProductForm({ ...valid, attributes: big }).errors.attributes).toBe("must be at most 8192 bytes of JSON");
  });

  it("checks images under the server's field names", () => {
    const { errors } = validateProductForm({
      ...valid,
      images: [
        { url: "ftp://x", alt_text: "" },
        { url: "https://cdn.example/a.jpg", alt_text: "x".repeat(301) },
      ],
    });
    expect(errors["images[0].url"]).toBe("must be an http:// or https:// URL");
    expect(errors["images[1].alt_text"]).toBe("must be at most 300 characters");
    const tooMany = Array.from({ length: 21 }, () => ({ url: "https://a.example/x.png", alt_text: "" }));
    expect(validateProductForm({ ...valid, images: tooMany }).errors.images).toBe("must have at most 20 images");
  });

  it("sends only changed fields in a PATCH", () => {
    const current: Product = {
      id: "p",
      store_id: "s",
      category_id: null,
      category: null,
      name: "Blue mug",
      slug: "blue-mug",
      sku: "MUG-1",
      description: "",
      price_cents: 1999,
      currency: "EUR",
      status: "draft",
      stock: 3,
      attributes: { colour: "blue" },
      images: [{ id: "i", url: "https://a.example/1.png", alt_text: "front", position: 0 }],
      version: 4,
      created_at: "",
      updated_at: "",
      deleted_at: null,
    };
    const form = productToFormValues(current);
    expect(form.price).toBe("19.99");
    expect(productPatch(current, validateProductForm(form).input!)).toEqual({});
    const edited = validateProductForm({ ...form, price: "21", status: "active" }).input!;
    expect(productPatch(current, edited)).toEqual({ price_cents: 2100, status: "active" });
  });
});

describe("category and user rules", () => {
  it("category name 1-100, optional slug, description up to 2000", () => {
    expect(validateCategoryForm({ name: "", slug: "", description: "" }).errors.name).toBe("is required");
    expect(validateCategoryForm({ name: "Mugs", slug: "Mugs", description: "" }).errors.slug).toBeDefined();
    expect(validateCategoryForm({ name: "Mugs", slug: "", description: "" }).input).toEqual({ name: "Mugs", description: "" });
  });

  it("user email, 12-byte password and role", () => {
    expect(emailProblem("ada@example.com")).toBeNull();
    for (const bad of ["ada", "@x.io", "a@b", "a@b.", "a b@c.io", "a@b@c.io"]) expect(emailProblem(bad)).not.toBeNull();
    expect(passwordProblem("short")).toBe("must be at least 12 bytes long");
    expect(passwordProblem("é".repeat(6))).toBeNull(); // 12 bytes of UTF-8
    expect(passwordProblem("x".repeat(257))).toBe("must be at most 256 bytes long");
    const r = validateUserForm({ email: " ada@example.com ", name: "", role: "editor", password: "long enough pw" });
    expect(r.input).toEqual({ email: "ada@example.com", role: "editor", password: "long enough pw" });
    expect(validateUserForm({ email: "x", name: "", role: "owner" as never, password: "" }).errors).toMatchObject({
      email: expect.any(String),
      role: "must be one of admin, editor, viewer",
      password: "is required",
    });
  });
});
