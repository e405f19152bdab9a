#pragma once
// Every SQL statement about categories.

#include <utility>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "db/replicas.hpp"
#include "services/catalog/categories_json.hpp"
#include "services/catalog/pagination.hpp"
#include "services/catalog/products_repository.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

struct CategoryPage {
  std::vector<CategoryRow> rows;
  std::int64_t total = 0;
};

std::vector<std::pair<std::string, std::string>> category_statements();

class CategoryRepository {
 public:
  explicit CategoryRepository(db::ReplicaSet& db);

  /// `public_only`: product_count counts active products only (what the public may see).
  /// Reads bounded by the request's deadline (Deadline: products_repository.hpp).
  asio::awaitable<Result<std::optional<CategoryRow>>> find_live(const std::string& store, const std::string& id,
                                                                bool public_only, trace::Scope scope);
  asio::awaitable<Result<CategoryPage>> page(const std::string& store, const PageRequest& p, bool public_only,
                                             trace::Scope scope);


 private:
  db::ReplicaSet& db_;
};

/// The statements of one write transaction, as the category use-cases need them
/// (categories_service.hpp); an interface for the same reason as ProductWriteStore.
class CategoryWriteStore {
 public:
  virtual ~CategoryWriteStore() = default;
  virtual asio::awaitable<Result<std::optional<CategoryRow>>> lock(const std::string& store, const std::string& id) = 0;
  virtual asio::awaitable<Result<CategoryRow>> reload(const std::string& store, const std::string& id) = 0;
  virtual asio::awaitable<Status> insert(const std::string& store, const std::string& id, const CategoryInput& in) = 0;
  /// `in` complete (merged).
  virtual asio::awaitable<Status> update(const std::string& store, const std::string& id, const CategoryInput& in) = 0;
  /// Run after lock(): the lock makes concurrent product writes into this category wait, so
  /// this statement (a fresh snapshot) sees every product committed before it.
  virtual asio::awaitable<Result<bool>> has_live_products(const std::string& store, const std::string& id) = 0;
  virtual asio::awaitable<Status> soft_delete(const std::string& store, const std::string& id) = 0;
  /// The write's audit_log row (audit.hpp), on the same transaction.
  virtual asio::awaitable<Status> audit(const Actor& actor, const AuditEntry& entry) = 0;
};

/// CategoryWriteStore in SQL, on one open transaction.
class CategoryTxRepository final : public CategoryWriteStore {
 public:
  explicit CategoryTxRepository(db::Transaction& tx) : tx_(tx) {}
  asio::awaitable<Result<std::optional<CategoryRow>>> lock(const std::string& store, const std::string& id) override;
  asio::awaitable<Result<CategoryRow>> reload(const std::string& store, const std::string& id) override;
  asio::awaitable<Status> insert(const std::string& store, const std::string& id, const CategoryInput& in) override;
  asio::awaitable<Status> update(const std::string& store, const std::string& id, const CategoryInput& in) override;
  asio::awaitable<Result<bool>> has_live_products(const std::string& store, const std::string& id) override;
  asio::awaitable<Status> soft_delete(const std::string& store, const std::string& id) override;
  asio::awaitable<Status> audit(const Actor& actor, const AuditEntry& entry) override;

 private:
  db::Transaction& tx_;
};

}  // namespace mercato::catalog
