#pragma once
// The category use-cases: create, update, delete. Each runs one transaction bound by the
// request's deadline, applies the rules (If-Match, "a category holding live products cannot be
// deleted"), writes its audit row in that transaction and, after the commit, invalidates what
// it changed (CatalogChanges). Errors are typed (write_rules.hpp). The database sits behind
// CategoryWriteStore (categories_repository.hpp) / CategoryTransactions, as for products
// (products_service.hpp).

#include <utility>

#include <functional>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/catalog/audit.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/categories_json.hpp"
#include "services/catalog/categories_repository.hpp"
#include "services/catalog/write_rules.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

class CategoryTransactions {
 public:
  using Work = std::function<asio::awaitable<Status>(CategoryWriteStore&)>;
  virtual ~CategoryTransactions() = default;
  /// Runs `work` in one transaction whose statements all end by `deadline`: commits when it
  /// returns ok, rolls back and passes its error on otherwise.
  virtual asio::awaitable<Status> run(trace::Scope scope, const Work& work) = 0;
};

/// CategoryTransactions on PostgreSQL: pool.until(scope).transaction(…).
class DbCategoryTransactions final : public CategoryTransactions {
 public:
  explicit DbCategoryTransactions(db::Pool& pool) : pool_(pool) {}
  asio::awaitable<Status> run(trace::Scope scope, const Work& work) override;

 private:
  db::Pool& pool_;
};

class CategoriesService {
 public:
  CategoriesService(CategoryTransactions& db, CatalogChanges& changes) : db_(db), changes_(changes) {}

  /// `in` as parse_category_create returns it. conflict when the slug is taken in the store.
  asio::awaitable<Result<CategoryRow>> create(const WriteRequest& w, const CategoryInput& in);
  /// not_found, precondition_failed, conflict (slug taken).
  asio::awaitable<Result<CategoryRow>> update(const WriteRequest& w, const std::string& id, const CategoryInput& patch);
  /// Soft delete: not_found, precondition_failed, conflict while it holds live products.
  asio::awaitable<Status> remove(const WriteRequest& w, const std::string& id);

 private:
  CategoryTransactions& db_;
  CatalogChanges& changes_;
};

}  // namespace mercato::catalog
