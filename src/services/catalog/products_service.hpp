#pragma once
// The product use-cases: create, update, delete, restore. Each runs one transaction bound by
// the request's deadline, applies the rules (If-Match, "a category must belong to this store",
// "only a deleted product can be restored"), writes its audit row in that transaction, and
// after the commit invalidates what it changed (CatalogChanges) before returning. Errors are
// typed (write_rules.hpp); the route turns them into HTTP with http::error_response.
//
// The database sits behind two small interfaces, so the rules can be tested alone
// (products_service_test.cpp): ProductWriteStore (products_repository.hpp), the statements of
// one transaction, and ProductTransactions, which opens transactions. DbProductTransactions is
// the real one (ProductTxRepository on a db::Pool).

#include <utility>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/catalog/audit.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/products_json.hpp"
#include "services/catalog/products_repository.hpp"
#include "services/catalog/write_rules.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

class ProductTransactions {
 public:
  using Work = std::function<asio::awaitable<Status>(ProductWriteStore&)>;
  virtual ~ProductTransactions() = default;
  /// Runs `work` in one transaction whose statements all end by `deadline`: commits when it
  /// returns ok, rolls back and passes its error on otherwise.
  virtual asio::awaitable<Status> run(trace::Scope scope, const Work& work) = 0;
  /// After a unique violation, outside the failed transaction: which of sku and slug another
  /// live product of the store holds.
  virtual asio::awaitable<std::vector<FieldError>> explain_conflict(const std::string& store, const std::string& id,
                                                                    const std::string& sku, const std::string& slug,
                                                                    trace::Scope scope) = 0;
};

/// ProductTransactions on PostgreSQL: pool.until(scope).transaction(…).
class DbProductTransactions final : public ProductTransactions {
 public:
  DbProductTransactions(db::Pool& pool, ProductRepository& products) : pool_(pool), products_(products) {}
  asio::awaitable<Status> run(trace::Scope scope, const Work& work) override;
  asio::awaitable<std::vector<FieldError>> explain_conflict(const std::string& store, const std::string& id,
                                                            const std::string& sku, const std::string& slug,
                                                            trace::Scope scope) override;

 private:
  db::Pool& pool_;
  ProductRepository& products_;
};

class ProductsService {
 public:
  ProductsService(ProductTransactions& db, CatalogChanges& changes) : db_(db), changes_(changes) {}

  /// `in` as parse_product_create returns it. The new product, with its generated id.
  asio::awaitable<Result<ProductRow>> create(const WriteRequest& w, const ProductInput& in);
  /// `patch` as parse_product_patch returns it. not_found, precondition_failed, conflict,
  /// validation_failed (a category that is not a live one of this store).
  asio::awaitable<Result<ProductRow>> update(const WriteRequest& w, const std::string& id, const ProductInput& patch);
  /// Soft delete: not_found (absent or already deleted), precondition_failed.
  asio::awaitable<Status> remove(const WriteRequest& w, const std::string& id);
  /// not_found (no such product), conflict (not deleted, or its sku/slug taken meanwhile).
  asio::awaitable<Result<ProductRow>> restore(const WriteRequest& w, const std::string& id);

 private:
  /// The client's error for a failed transaction (conflict details looked up for a unique
  /// violation), through write_error.
  asio::awaitable<Error> failed(const WriteRequest& w, const std::string& id, const Error& e, const std::string& sku,
                                const std::string& slug);

  ProductTransactions& db_;
  CatalogChanges& changes_;
};

}  // namespace mercato::catalog
