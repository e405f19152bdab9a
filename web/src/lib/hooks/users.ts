"use client";

import { useCallback } from "react";
import useSWR, { useSWRConfig } from "swr";
import { api } from "../api";
import { optimisticListWrite } from "./list-write";
import type { ApiError, ApiResult } from "../api/envelope";
import { keyStartsWith, keys, paths } from "../api/keys";
import type { PageMeta, User, UserCreateInput, UserPatchInput } from "../api/types";

type UserList = ApiResult<User[], PageMeta>;
export const USERS_PER_PAGE = 20;

export function useUsers(page: number, enabled = true) {
  return useSWR<UserList, ApiError>(enabled ? keys.users.list(page, USERS_PER_PAGE) : null);
}

export function useUserActions(page: number) {
  const { mutate } = useSWRConfig();
  const listKey = keys.users.list(page, USERS_PER_PAGE);
  const revalidateAll = useCallback(
    () => mutate((k) => keyStartsWith(k, keys.users.all()), undefined, { revalidate: true }),
    [mutate],
  );

  const create = useCallback(
    async (input: UserCreateInput) => {
      const res = await api.post<User>(paths.users, { body: input });
      await revalidateAll();
      return res.data;
    },
    [revalidateAll],
  );

  /** Optimistic role/active/name change with rollback (409 when it would remove the last admin). */
  const update = useCallback(
    async (user: User, patch: UserPatchInput) => {
      const write = api.patch<User>(paths.user(user.id), { body: patch });
      await optimisticListWrite<UserList>(mutate, listKey, write, (cur) => ({ ...cur, data: cur.data.map((u) => (u.id === user.id ? { ...u, ...patch } : u)) }));
      return (await write).data;
    },
    [mutate, listKey],
  );

  const remove = useCallback(
    async (user: User) => {
      const write = api.delete(paths.user(user.id));
      await optimisticListWrite<UserList>(mutate, listKey, write, (cur) => ({ ...cur, data: cur.data.filter((u) => u.id !== user.id) }));
    },
    [mutate, listKey],
  );

  return { create, update, remove };
}
