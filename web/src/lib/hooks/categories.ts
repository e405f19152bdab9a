"use client";

import { useCallback } from "react";
import useSWR, { useSWRConfig } from "swr";
import { api } from "../api";
import { optimisticListWrite } from "./list-write";
import type { ApiError, ApiResult } from "../api/envelope";
import { keys, paths } from "../api/keys";
import type { Category, CategoryInput, PageMeta } from "../api/types";
import { revalidateProductLists } from "./products";

type CategoryList = ApiResult<Category[], PageMeta>;

/** Every category of the store (the server caps a page at 100). Categories change rarely, so a
 *  tab switch does not refetch them; writes revalidate the list. */
export function useCategories() {
  return useSWR<CategoryList, ApiError>(keys.categories.list(), { revalidateOnFocus: false });
}

export function useCategoryActions() {
  const { mutate } = useSWRConfig();
  const listKey = keys.categories.list();

  const create = useCallback(
    async (input: CategoryInput) => {
      const res = await api.post<Category>(paths.categories, { body: input });
      await mutate(listKey);
      return res.data;
    },
    [mutate, listKey],
  );

  /** Optimistic rename/edit: the row changes at once and comes back if the server refuses. */
  const update = useCallback(
    async (category: Category, patch: CategoryInput) => {
      const write = api.patch<Category>(paths.category(category.id), { body: patch });
      await optimisticListWrite<CategoryList>(mutate, listKey, write, (cur) => ({ ...cur, data: cur.data.map((c) => (c.id === category.id ? { ...c, ...patch } : c)) }));
      // Product rows carry their category's name.
      if (patch.name !== undefined) void revalidateProductLists();
      return (await write).data;
    },
    [mutate, listKey],
  );

  /** 409 conflict while the category still holds live products. */
  const remove = useCallback(
    async (category: Category) => {
      const write = api.delete(paths.category(category.id));
      await optimisticListWrite<CategoryList>(mutate, listKey, write, (cur) => ({ ...cur, data: cur.data.filter((c) => c.id !== category.id) }));
    },
    [mutate, listKey],
  );

  return { create, update, remove };
}
