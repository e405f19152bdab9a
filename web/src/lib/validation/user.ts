// Rules of src/services/identity/users_json.cpp and auth::password_problem.

import { ROLES, type Role, type UserCreateInput } from "../api/types";
import { emailProblem, passwordProblem, personNameProblem, type FieldErrors } from "./rules";

export interface UserFormValues {
  email: string;
  name: string;
  role: Role;
  password: string;
}

export function validateUserForm(v: UserFormValues): { errors: FieldErrors; input: UserCreateInput | null } {
  const errors: FieldErrors = {};
  const email = v.email.trim();
  if (email === "") errors.email = "is required";
  else {
    const p = emailProblem(email);
    if (p) errors.email = p;
  }
  const n = personNameProblem(v.name);
  if (n) errors.name = n;
  if (!ROLES.includes(v.role)) errors.role = "must be one of admin, editor, viewer";
  if (v.password === "") errors.password = "is required";
  else {
    const p = passwordProblem(v.password);
    if (p) errors.password = p;
  }
  if (Object.keys(errors).length) return { errors, input: null };
  const input: UserCreateInput = { email, role: v.role, password: v.password };
  if (v.name !== "") input.name = v.name;
  return { errors, input };
}

export function validateLogin(email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (email.trim() === "") errors.email = "is required";
  if (password === "") errors.password = "is required";
  return errors;
}
