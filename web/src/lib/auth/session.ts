"use client";

import { useSyncExternalStore } from "react";
import { api } from "../api";
import type { SessionState } from "../api/client";
import { can, type Action } from "./permissions";

const SERVER_SNAPSHOT: SessionState = { status: "unknown", user: null };

export function useSession(): SessionState {
  return useSyncExternalStore(api.subscribe, api.session, () => SERVER_SNAPSHOT);
}

export function useCan(action: Action): boolean {
  return can(useSession().user?.role, action);
}
