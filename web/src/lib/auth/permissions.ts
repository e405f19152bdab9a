// What each role may do, mirroring the services' require_role (viewer < editor < admin). The UI
// hides what the role may not do; the services still refuse it.

import type { Role } from "../api/types";

export type Action = "catalog:write" | "users:manage" | "ops:view" | "audit:view";

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
const NEEDS: Record<Action, Role> = { "catalog:write": "editor", "users:manage": "admin", "ops:view": "admin", "audit:view": "editor" };

export function can(role: Role | null | undefined, action: Action): boolean {
  if (!role || !(role in RANK)) return false;
  return RANK[role] >= RANK[NEEDS[action]];
}
