#include "services/catalog/products_service.hpp"

#include "core/ids.hpp"
#include "db/errors.hpp"

namespace mercato::catalog {

namespace {

/// The rule "a product's category is a live category of the product's store", held (FOR
/// SHARE) until the commit so a concurrent delete of that category waits for this write.
asio::awaitable<Status> category_in_store(ProductWriteStore& db, const std::string& store,
                                          const std::string& category_id) {
  auto held = co_await db.hold_category(store, category_id);
  if (!held) co_return std::move(held).error();
  if (!*held) co_return validation_failed({{"category_id", "no such category in this store"}});
  co_return Status{};
}

}  // namespace

asio::awaitable<Status> DbProductTransactions::run(trace::Scope scope, const Work& work) {
  return in_transaction<ProductTxRepository>(pool_, scope, work);
}

asio::awaitable<std::vector<FieldError>> DbProductTransactions::explain_conflict(const std::string& store,
                                                                                 const std::string& id,
                                                                                 const std::string& sku,
                                                                                 const std::string& slug,
                                                                                 trace::Scope scope) {
  return products_.explain_conflict(store, id, sku, slug, scope);
}

asio::awaitable<Error> ProductsService::failed(const WriteRequest& w, const std::string& id, const Error& e,
                                               const std::string& sku, const std::string& slug) {
  std::vector<FieldError> details;
  if (e.reason == db::reason::unique_violation) details = co_await db_.explain_conflict(w.store, id, sku, slug, w.scope);
  co_return write_error(e, std::move(details));
}

asio::awaitable<Result<ProductRow>> ProductsService::create(const WriteRequest& w, const ProductInput& in) {
  const std::string id = ids::uuid_v7();
  std::optional<ProductRow> created;
  const ProductTransactions::Work work = [&](ProductWriteStore& db) -> asio::awaitable<Status> {
    if (in.category_id && !in.category_id->empty())
      if (auto st = co_await category_in_store(db, w.store, *in.category_id); !st) co_return st;
    if (auto st = co_await db.insert(w.store, id, in); !st) co_return st;
    if (in.images && !in.images->empty())
      if (auto st = co_await db.replace_images(w.store, id, *in.images, false); !st) co_return st;
    auto row = co_await db.reload(w.store, id);
    if (!row) co_return std::move(row).error();
    const AuditEntry audit{w.store, "product.create", "product", id, std::nullopt, product_json(*row)};
    if (auto st = co_await db.audit(w.actor, audit); !st) co_return st;
    created = std::move(*row);
    co_return Status{};
  };
  if (auto done = co_await db_.run(w.scope, work); !done) {
    const std::string sku = in.sku.value_or(""), slug = in.slug.value_or("");
    co_return co_await failed(w, id, done.error(), sku, slug);
  }
  const auto changed = categories_of(created->category_id);
  co_await changes_.product_changed(w.store, id, changed, w.scope);
  co_return std::move(*created);
}

asio::awaitable<Result<ProductRow>> ProductsService::update(const WriteRequest& w, const std::string& id,
                                                            const ProductInput& patch) {
  ProductInput merged;
  std::optional<ProductRow> updated;
  std::string category_before;
  const ProductTransactions::Work work = [&](ProductWriteStore& db) -> asio::awaitable<Status> {
    auto cur = co_await db.lock(w.store, id, false);
    if (!cur) co_return std::move(cur).error();
    if (!*cur) co_return not_found("product not found");
    const ProductRow& before = **cur;
    if (auto st = check_if_match(w.if_match, before.id, before.version, "product"); !st) co_return st;
    merged = merge_patch(before, patch);
    if (patch.category_id && !patch.category_id->empty() && *patch.category_id != before.category_id)
      if (auto st = co_await category_in_store(db, w.store, *patch.category_id); !st) co_return st;
    if (auto st = co_await db.update(w.store, id, merged); !st) co_return st;
    if (patch.images)
      if (auto st = co_await db.replace_images(w.store, id, *patch.images, true); !st) co_return st;
    auto after = co_await db.reload(w.store, id);
    if (!after) co_return std::move(after).error();
    const AuditEntry audit{w.store, "product.update", "product", id, product_json(before), product_json(*after)};
    if (auto st = co_await db.audit(w.actor, audit); !st) co_return st;
    category_before = before.category_id;
    updated = std::move(*after);
    co_return Status{};
  };
  if (auto done = co_await db_.run(w.scope, work); !done) {
    const std::string sku = merged.sku.value_or(""), slug = merged.slug.value_or("");
    co_return co_await failed(w, id, done.error(), sku, slug);
  }
  const auto changed = categories_of(category_before, updated->category_id);
  co_await changes_.product_changed(w.store, id, changed, w.scope);
  co_return std::move(*updated);
}

asio::awaitable<Status> ProductsService::remove(const WriteRequest& w, const std::string& id) {
  std::string category;
  const ProductTransactions::Work work = [&](ProductWriteStore& db) -> asio::awaitable<Status> {
    auto cur = co_await db.lock(w.store, id, false);
    if (!cur) co_return std::move(cur).error();
    if (!*cur) co_return not_found("product not found");
    if (auto st = check_if_match(w.if_match, (*cur)->id, (*cur)->version, "product"); !st) co_return st;
    if (auto st = co_await db.soft_delete(w.store, id); !st) co_return st;
    auto after = co_await db.reload(w.store, id);
    if (!after) co_return std::move(after).error();
    const AuditEntry audit{w.store, "product.delete", "product", id, product_json(**cur), product_json(*after)};
    if (auto st = co_await db.audit(w.actor, audit); !st) co_return st;
    category = after->category_id;
    co_return Status{};
  };
  if (auto done = co_await db_.run(w.scope, work); !done) co_return write_error(done.error());
  const auto changed = categories_of(category);
  co_await changes_.product_changed(w.store, id, changed, w.scope);
  co_return Status{};
}

asio::awaitable<Result<ProductRow>> ProductsService::restore(const WriteRequest& w, const std::string& id) {
  ProductRow deleted;
  std::optional<ProductRow> restored;
  const ProductTransactions::Work work = [&](ProductWriteStore& db) -> asio::awaitable<Status> {
    auto cur = co_await db.lock(w.store, id, true);
    if (!cur) co_return std::move(cur).error();
    if (!*cur) {
      auto live = co_await db.lock(w.store, id, false);
      if (!live) co_return std::move(live).error();
      if (*live) co_return conflict("product is not deleted");
      co_return not_found("product not found");
    }
    deleted = **cur;
    if (auto st = co_await db.restore(w.store, id); !st) co_return st;
    auto after = co_await db.reload(w.store, id);
    if (!after) co_return std::move(after).error();
    const AuditEntry audit{w.store, "product.restore", "product", id, product_json(deleted), product_json(*after)};
    if (auto st = co_await db.audit(w.actor, audit); !st) co_return st;
    restored = std::move(*after);
    co_return Status{};
  };
  if (auto done = co_await db_.run(w.scope, work); !done)
    co_return co_await failed(w, id, done.error(), deleted.sku, deleted.slug);
  const auto changed = categories_of(deleted.category_id, restored->category_id);
  co_await changes_.product_changed(w.store, id, changed, w.scope);
  co_return std::move(*restored);
}

}  // namespace mercato::catalog
