#pragma once
// Every SQL statement about products, as named prepared statements. List statements are
// generated from a small set of fixed fragments (one per sort key and filter), never from
// values, and each names the index that serves it; tests/integration/test_catalog_explain.py
// EXPLAINs every one of them (`mercato-catalog sql` prints them) at 100k rows.
//
// Cost of a request, in statements: detail 1; v1 page 2 (page + count, sent in one pipeline);
// v2 page 1. Whatever the page size: categories are joined and images aggregated inside the
// page statement, so there is no per-row query.

#include <utility>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "db/replicas.hpp"
#include "services/catalog/audit.hpp"
#include "services/catalog/cursor.hpp"
#include "services/catalog/pagination.hpp"
#include "services/catalog/products_json.hpp"

namespace mercato::cache {
template <class Entry>
class ShardedLru;
}

namespace mercato::catalog {

namespace asio = boost::asio;

// Every read takes the request's trace::Scope (req.context.scope()): its deadline bounds each
// statement (pool.until(scope): none starts after it, one in flight is cancelled at it,
// db::deadline_error(), 504), and its trace gets a span per statement (src/db).

/// v1/v2 `sort` values: created_at, -created_at (default), price, -price, name.
enum class Sort { created_desc, created_asc, price_asc, price_desc, name_asc };
std::optional<Sort> parse_sort(std::string_view text);
std::string_view sort_param(Sort s);

struct ProductFilter {
  std::string store;
  std::optional<std::string> category_id, status, q;
  Sort sort = Sort::created_desc;
  /// Stable text of everything above: a cache key part, and what a cursor is bound to.
  std::string canonical() const;
};

struct ProductPage {
  std::vector<ProductRow> rows;
  Total total;
};

/// `product_by_id` etc. for the `sql` command and the EXPLAIN tests: name → SQL.
std::vector<std::pair<std::string, std::string>> product_statements();

/// What a search learns from its probe statement (products_repository.cpp, search()).
struct SearchProbe;

class ProductRepository {
 public:
  /// Registers every statement on each pool of `db` (a pool prepares each lazily per
  /// connection). Reads go where db.for_reads() sends them (a fresh replica, or the primary);
  /// explain_conflict, which follows a failed write, reads the primary.
  explicit ProductRepository(db::ReplicaSet& db);
  ~ProductRepository();

  // ---- reads, each bounded by the request's deadline and traced in its scope ----
  asio::awaitable<Result<std::optional<ProductRow>>> find_live(const std::string& store, const std::string& id,
                                                               trace::Scope scope);
  /// One offset page and its total, in one round trip.
  asio::awaitable<Result<ProductPage>> page_offset(const ProductFilter& f, const PageRequest& p, trace::Scope scope);
  /// Up to `limit` rows after `after` (from the start when nullopt) in the filter's order.
  asio::awaitable<Result<std::vector<ProductRow>>> page_after(const ProductFilter& f,
                                                               const std::optional<CursorPosition>& after,
                                                               std::int64_t limit, trace::Scope scope);
  /// The cursor position of a row in `sort` order.
  static CursorPosition position_of(const ProductRow& row, Sort sort);

  /// After a unique violation: which of sku and slug a live product of the store already has.
  asio::awaitable<std::vector<FieldError>> explain_conflict(const std::string& store, const std::string& id,
                                                            const std::string& sku, const std::string& slug,
                                                            trace::Scope scope);

 private:
  db::ReplicaSet& db_;
  // Recent searches' probes, by list and term: PostgreSQL's estimate and the list's count
  // decide a search's plan, never its rows, so they may be minutes old (kProbeTtl, search_plan.hpp).
  std::unique_ptr<cache::ShardedLru<SearchProbe>> probes_;
};

/// The statements of one write transaction, as the product use-cases need them
/// (products_service.hpp). An interface so that the use-cases' rules can be tested alone,
/// against an in-memory store (products_service_test.cpp); ProductTxRepository is the SQL.
class ProductWriteStore {
 public:
  virtual ~ProductWriteStore() = default;
  /// Locks a product row for update. `deleted`: false → only a live one, true → only a
  /// soft-deleted one.
  virtual asio::awaitable<Result<std::optional<ProductRow>>> lock(const std::string& store, const std::string& id,
                                                                  bool deleted) = 0;
  /// Any state; for the representation after a write.
  virtual asio::awaitable<Result<ProductRow>> reload(const std::string& store, const std::string& id) = 0;
  /// True when the category is live in the store; holds a share lock on it until commit, so
  /// a concurrent category delete waits and then sees this product.
  virtual asio::awaitable<Result<bool>> hold_category(const std::string& store, const std::string& category_id) = 0;
  /// `in` must be complete (a create body or a merged patch).
  virtual asio::awaitable<Status> insert(const std::string& store, const std::string& id, const ProductInput& in) = 0;
  virtual asio::awaitable<Status> update(const std::string& store, const std::string& id, const ProductInput& in) = 0;
  virtual asio::awaitable<Status> replace_images(const std::string& store, const std::string& id,
                                                 const std::vector<ImageInput>& images, bool had_images) = 0;
  virtual asio::awaitable<Status> soft_delete(const std::string& store, const std::string& id) = 0;
  /// Brings a soft-deleted product back; detaches it from its category if that was deleted.
  virtual asio::awaitable<Status> restore(const std::string& store, const std::string& id) = 0;
  /// The write's audit_log row (audit.hpp), on the same transaction.
  virtual asio::awaitable<Status> audit(const Actor& actor, const AuditEntry& entry) = 0;
};

/// ProductWriteStore in SQL, on one open transaction (which bounds every statement by its
/// request's deadline when begun through Pool::until).
class ProductTxRepository final : public ProductWriteStore {
 public:
  explicit ProductTxRepository(db::Transaction& tx) : tx_(tx) {}
  asio::awaitable<Result<std::optional<ProductRow>>> lock(const std::string& store, const std::string& id,
                                                          bool deleted) override;
  asio::awaitable<Result<ProductRow>> reload(const std::string& store, const std::string& id) override;
  asio::awaitable<Result<bool>> hold_category(const std::string& store, const std::string& category_id) override;
  asio::awaitable<Status> insert(const std::string& store, const std::string& id, const ProductInput& in) override;
  asio::awaitable<Status> update(const std::string& store, const std::string& id, const ProductInput& in) override;
  asio::awaitable<Status> replace_images(const std::string& store, const std::string& id,
                                         const std::vector<ImageInput>& images, bool had_images) override;
  asio::awaitable<Status> soft_delete(const std::string& store, const std::string& id) override;
  asio::awaitable<Status> restore(const std::string& store, const std::string& id) override;
  asio::awaitable<Status> audit(const Actor& actor, const AuditEntry& entry) override;

 private:
  db::Transaction& tx_;
};

/// Reads the columns every product statement returns, in their order.
ProductRow read_product(const db::QueryResult& r, int row);
/// "SELECT <those columns> FROM products p LEFT JOIN categories c …": the start of a statement
/// whose rows read_product reads (alias p), for the bulk writes' statements (bulk_repository.cpp).
std::string product_select_sql();

}  // namespace mercato::catalog
