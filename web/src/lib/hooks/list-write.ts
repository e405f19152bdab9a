import type { ScopedMutator } from "swr";
import type { AnyKey } from "../api/keys";

/**
 * A write against one cached list (categories, a users page): the list changes at once, goes
 * back if `write` rejects (the rejection is rethrown), and is revalidated either way.
 */
export async function optimisticListWrite<L>(
  mutate: ScopedMutator,
  key: AnyKey,
  write: Promise<unknown>,
  change: (current: L) => L,
): Promise<void> {
  await mutate<L | undefined>(
    key,
    write.then(() => undefined),
    {
      optimisticData: (current) => (current ? change(current) : current),
      rollbackOnError: true,
      populateCache: false,
      revalidate: true,
    },
  );
}
