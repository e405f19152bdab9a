#include "services/catalog/categories_service.hpp"

#include "core/ids.hpp"

namespace mercato::catalog {

namespace {

/// A category's only unique value is its slug within the store.
std::vector<FieldError> slug_taken() { return {{"slug", "is already used by another category of this store"}}; }

}  // namespace

asio::awaitable<Status> DbCategoryTransactions::run(trace::Scope scope, const Work& work) {
  return in_transaction<CategoryTxRepository>(pool_, scope, work);
}

asio::awaitable<Result<CategoryRow>> CategoriesService::create(const WriteRequest& w, const CategoryInput& in) {
  const std::string id = ids::uuid_v7();
  std::optional<CategoryRow> created;
  const CategoryTransactions::Work work = [&](CategoryWriteStore& db) -> asio::awaitable<Status> {
    if (auto st = co_await db.insert(w.store, id, in); !st) co_return st;
    auto row = co_await db.reload(w.store, id);
    if (!row) co_return std::move(row).error();
    const AuditEntry audit{w.store, "category.create", "category", id, std::nullopt, category_json(*row)};
    if (auto st = co_await db.audit(w.actor, audit); !st) co_return st;
    created = std::move(*row);
    co_return Status{};
  };
  if (auto done = co_await db_.run(w.scope, work); !done) co_return write_error(done.error(), slug_taken());
  co_await changes_.category_changed(w.store, id, w.scope);
  co_return std::move(*created);
}

asio::awaitable<Result<CategoryRow>> CategoriesService::update(const WriteRequest& w, const std::string& id,
                                                               const CategoryInput& patch) {
  std::optional<CategoryRow> updated;
  const CategoryTransactions::Work work = [&](CategoryWriteStore& db) -> asio::awaitable<Status> {
    auto cur = co_await db.lock(w.store, id);
    if (!cur) co_return std::move(cur).error();
    if (!*cur) co_return not_found("category not found");
    const CategoryRow& before = **cur;
    if (auto st = check_if_match(w.if_match, before.id, before.version, "category"); !st) co_return st;
    const CategoryInput merged{patch.name.value_or(before.name), patch.slug.value_or(before.slug),
                               patch.description.value_or(before.description)};
    if (auto st = co_await db.update(w.store, id, merged); !st) co_return st;
    auto after = co_await db.reload(w.store, id);
    if (!after) co_return std::move(after).error();
    const AuditEntry audit{w.store, "category.update", "category", id, category_json(before), category_json(*after)};
    if (auto st = co_await db.audit(w.actor, audit); !st) co_return st;
    updated = std::move(*after);
    co_return Status{};
  };
  if (auto done = co_await db_.run(w.scope, work); !done) co_return write_error(done.error(), slug_taken());
  co_await changes_.category_changed(w.store, id, w.scope);
  co_return std::move(*updated);
}

asio::awaitable<Status> CategoriesService::remove(const WriteRequest& w, const std::string& id) {
  const CategoryTransactions::Work work = [&](CategoryWriteStore& db) -> asio::awaitable<Status> {
    auto cur = co_await db.lock(w.store, id);
    if (!cur) co_return std::move(cur).error();
    if (!*cur) co_return not_found("category not found");
    if (auto st = check_if_match(w.if_match, (*cur)->id, (*cur)->version, "category"); !st) co_return st;
    // After the lock: concurrent product writes into this category wait for it, so this sees
    // every product committed before (CategoryRepository::has_live_products).
    auto busy = co_await db.has_live_products(w.store, id);
    if (!busy) co_return std::move(busy).error();
    if (*busy) co_return conflict("category still holds live products: move or delete them first");
    if (auto st = co_await db.soft_delete(w.store, id); !st) co_return st;
    auto after = co_await db.reload(w.store, id);
    if (!after) co_return std::move(after).error();
    const AuditEntry audit{w.store, "category.delete", "category", id, category_json(**cur), category_json(*after)};
    if (auto st = co_await db.audit(w.actor, audit); !st) co_return st;
    co_return Status{};
  };
  if (auto done = co_await db_.run(w.scope, work); !done) co_return write_error(done.error());
  co_await changes_.category_changed(w.store, id, w.scope);
  co_return Status{};
}

}  // namespace mercato::catalog
