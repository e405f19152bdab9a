import { describe, expect, it } from "vitest";
import { can } from "./permissions";

describe("role permissions", () => {
  it("viewer reads only, editor writes the catalog, admin also manages users", () => {
    expect(can("viewer", "catalog:write")).toBe(false);
    expect(can("editor", "catalog:write")).toBe(true);
    expect(can("editor", "users:manage")).toBe(false);
    expect(can("admin", "users:manage")).toBe(true);
    expect(can("editor", "ops:view")).toBe(false);
    expect(can("admin", "ops:view")).toBe(true);
    expect(can("viewer", "audit:view")).toBe(false);
    expect(can("editor", "audit:view")).toBe(true);
    expect(can("admin", "audit:view")).toBe(true);
    expect(can(null, "catalog:write")).toBe(false);
    expect(can("owner" as never, "catalog:write")).toBe(false);
  });
});
