// Rules of src/services/catalog/categories_json.cpp.

import type { CategoryInput } from "../api/types";
import { textProblem, validSlug, type FieldErrors } from "./rules";

export interface CategoryFormValues {
  name: string;
  slug: string;
  description: string;
}

export function validateCategoryForm(v: CategoryFormValues): { errors: FieldErrors; input: CategoryInput | null } {
  const errors: FieldErrors = {};
  if (v.name === "") errors.name = "is required";
  else {
    const p = textProblem(v.name, { min: 1, max: 100 });
    if (p) errors.name = p;
  }
  if (v.slug !== "" && !validSlug(v.slug))
    errors.slug = "must be lowercase letters and digits in words joined by single hyphens";
  const d = textProblem(v.description, { min: 0, max: 2000, multiline: true });
  if (d) errors.description = d;
  if (Object.keys(errors).length) return { errors, input: null };
  const input: CategoryInput = { name: v.name, description: v.description };
  if (v.slug !== "") input.slug = v.slug;
  return { errors, input };
}
