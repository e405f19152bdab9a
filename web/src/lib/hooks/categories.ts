"use client";

import { useCallback } from "react";
import useSWR, { useSWRConfig } from "swr";
import { api } from "../api";
import { fetchAllPages, type AllPagesMeta } from "./all-pages";
import { optimisticListWrite } from "./list-write";
import type { ApiError, ApiResult } from "../api/envelope";
import { keyStartsWith, keys, paths, urlOf } from "../api/keys";
import type { Category, CategoryInput, PageMeta } from "../api/types";
import { revalidateProductLists } from "./products";

type CategoryPage = ApiResult<Category[], PageMeta>;
type EveryCategory = ApiResult<Category[], AllPagesMeta>;

/** The server's largest page. */
const CATEGORY_PAGE = 100;
/** Rows per page of the categories screen. */
export const CATEGORIES_PER_PAGE = 50;
/** At most 5,000 categories load into a select; a larger store sees a truncation note. */
const MAX_CATEGORY_PAGES = 50;

export function fetchEveryCategory(): Promise<EveryCategory> {
  return fetchAllPages<Category>((page, perPage) => api.get<Category[], PageMeta>(urlOf(keys.categories.page(page, perPage))), {
    perPage: CATEGORY_PAGE,
    maxPages: MAX_CATEGORY_PAGES,
    concurrency: 4,
  });
}

/** Every category of the store (all pages), for selects and filters. Categories change
 *  rarely, so a tab switch does not refetch them; writes revalidate them. */
export function useCategories() {
  return useSWR<EveryCategory, ApiError>(keys.categories.list(), fetchEveryCategory, { revalidateOnFocus: false });
}

/** One page of the categories screen. */
export function useCategoryPage(page: number) {
  return useSWR<CategoryPage, ApiError>(keys.categories.page(page, CATEGORIES_PER_PAGE), { revalidateOnFocus: false });
}

/** Writes from the categories screen showing `page`: that page changes at once (and comes back
 *  if the server refuses); every category list, paged or whole, is revalidated after. */
export function useCategoryActions(page: number) {
  const { mutate } = useSWRConfig();
  const pageKey = keys.categories.page(page, CATEGORIES_PER_PAGE);
  const revalidateAll = useCallback(
    () => mutate((k) => keyStartsWith(k, keys.categories.all()), undefined, { revalidate: true }),
    [mutate],
  );

  const create = useCallback(
    async (input: CategoryInput) => {
      const res = await api.post<Category>(paths.categories, { body: input });
      await revalidateAll();
      return res.data;
    },
    [revalidateAll],
  );

  /** Optimistic rename/edit: the row changes at once and comes back if the server refuses. */
  const update = useCallback(
    async (category: Category, patch: CategoryInput) => {
      const write = api.patch<Category>(paths.category(category.id), { body: patch });
      await optimisticListWrite<CategoryPage>(mutate, pageKey, write, (cur) => ({ ...cur, data: cur.data.map((c) => (c.id === category.id ? { ...c, ...patch } : c)) }));
      void revalidateAll();
      // Product rows carry their category's name.
      if (patch.name !== undefined) void revalidateProductLists();
      return (await write).data;
    },
    [mutate, pageKey, revalidateAll],
  );

  /** 409 conflict while the category still holds live products. */
  const remove = useCallback(
    async (category: Category) => {
      const write = api.delete(paths.category(category.id));
      await optimisticListWrite<CategoryPage>(mutate, pageKey, write, (cur) => ({ ...cur, data: cur.data.filter((c) => c.id !== category.id) }));
      void revalidateAll();
    },
    [mutate, pageKey, revalidateAll],
  );

  return { create, update, remove };
}
