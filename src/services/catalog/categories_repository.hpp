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
  explicit CategoryRepository(db::Pool& pool);

  /// `public_only`: product_count counts active products only (what the public may see).
  /// Reads bounded by the request's deadline (Deadline: products_repository.hpp).
  asio::awaitable<Result<std::optional<CategoryRow>>> find_live(const std::string& store, const std::string& id,
                                                                bool public_only, Deadline deadline);
  asio::awaitable<Result<CategoryPage>> page(const std::string& store, const PageRequest& p, bool public_only,
                                             Deadline deadline);

  static asio::awaitable<Result<std::optional<CategoryRow>>> lock(db::Transaction& tx, const std::string& store,
                                                                  const std::string& id);
  static asio::awaitable<Result<CategoryRow>> reload(db::Transaction& tx, const std::string& store,
                                                     const std::string& id);
  static asio::awaitable<Status> insert(db::Transaction& tx, const std::string& store, const std::string& id,
                                        const CategoryInput& in);
  /// `in` complete (merged).
  static asio::awaitable<Status> update(db::Transaction& tx, const std::string& store, const std::string& id,
                                        const CategoryInput& in);
  /// Run after lock(): the lock makes concurrent product writes into this category wait, so
  /// this statement (a fresh snapshot) sees every product committed before it.
  static asio::awaitable<Result<bool>> has_live_products(db::Transaction& tx, const std::string& store,
                                                         const std::string& id);
  static asio::awaitable<Status> soft_delete(db::Transaction& tx, const std::string& store, const std::string& id);

 private:
  db::Pool& pool_;
};

}  // namespace mercato::catalog
