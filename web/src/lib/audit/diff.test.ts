import { describe, expect, it } from "vitest";
import { diffRepresentations, formatValue, jsonEqual } from "./diff";

const before = {
  id: "p1",
  name: "Mug",
  status: "active",
  price_cents: 1250,
  category: { id: "c1", name: "Kitchen" },
  attributes: { colour: "blue", size: "L" },
  images: [{ url: "https://a/1.png", alt_text: "" }],
  version: 3,
  updated_at: "2026-12-05T10:00:00Z",
};

describe("diffRepresentations", () => {
  it("lists only the changed fields, nested members by dotted name, bookkeeping left out", () => {
    const after = {
      ...before,
      status: "archived",
      category: { id: "c2", name: "Garden" },
      attributes: { colour: "blue", material: "clay" },
      version: 4,
      updated_at: "2026-12-05T11:00:00Z",
    };
    expect(diffRepresentations(before, after)).toEqual([
      { field: "attributes.material", kind: "added", before: undefined, after: "clay" },
      { field: "attributes.size", kind: "removed", before: "L", after: undefined },
      { field: "category.id", kind: "changed", before: "c1", after: "c2" },
      { field: "category.name", kind: "changed", before: "Kitchen", after: "Garden" },
      { field: "status", kind: "changed", before: "active", after: "archived" },
    ]);
  });

  it("compares arrays as a whole: a reordering is a change of the list", () => {
    const two = [
      { url: "https://a/1.png", alt_text: "" },
      { url: "https://a/2.png", alt_text: "" },
    ];
    const changes = diffRepresentations({ ...before, images: two }, { ...before, images: [two[1], two[0]] });
    expect(changes.map((c) => c.field)).toEqual(["images"]);
  });

  it("treats a null category set or cleared as one change, and a create as every field added", () => {
    expect(diffRepresentations({ ...before, category: null }, before).map((c) => c.field)).toEqual(["category"]);
    const created = diffRepresentations(null, { name: "Mug", version: 1, sku: "M-1" });
    expect(created).toEqual([
      { field: "name", kind: "added", before: undefined, after: "Mug" },
      { field: "sku", kind: "added", before: undefined, after: "M-1" },
    ]);
    expect(diffRepresentations(before, { ...before })).toEqual([]);
  });

  it("ignores key order and shows values compactly", () => {
    expect(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(formatValue("x")).toBe("x");
    expect(formatValue(undefined)).toBe("—");
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue(null)).toBe("null");
  });
});
