#pragma once
// The SQL of the product export (GET /api/v1/products/export): the list's filters, read in id
// order by keyset pages. Each page is one statement on whichever pool db.for_reads() picks
// then (a fresh replica that has replayed the request's read-after position, else the primary).
//
// Why keyset pages and not a server-side cursor: a cursor needs its transaction, and so one
// connection, for the whole download — a reader that takes minutes would pin a connection
// and, on a replica, hold back vacuum or be cancelled by a recovery conflict. A page holds a
// connection for one statement, and the next page resumes after the last id whatever
// happened between (bench/results.md "staff export" has the measurement).

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/params.hpp"
#include "db/replicas.hpp"
#include "db/result.hpp"
#include "services/catalog/products_repository.hpp"

namespace mercato::catalog {

/// The export's columns, the CSV header, in the order every page statement returns them.
inline constexpr std::string_view kExportHeader =
    "id,sku,name,slug,description,price_cents,currency,status,stock,category_id,attributes,images,updated_at";
inline constexpr int kExportColumns = 13;
/// Rows per page statement, written into its SQL (not a parameter): with LIMIT as a parameter
/// the generic plan assumed a tenth of the store, its cost passed jit_above_cost, and every
/// page paid ~40 ms of JIT compilation (EXPLAIN ANALYZE at 1M: 184 ms instead of 29 ms a
/// page, the whole export twice as slow). 2,000 rows of the bench catalog are ~0.9 MB of CSV.
inline constexpr std::int64_t kExportPageRows = 2000;

/// What the export's first statement learned, and the page statement it chose.
struct ExportPlan {
  std::string store_slug;  ///< the store's slug; empty when no store has that id
  std::string statement;   ///< the prepared page statement of the filter's shape
  db::Params params;       ///< its filter (and search) parameters; the page adds after-id and limit
};

class ExportRepository {
 public:
  /// Registers the page statements on every pool of `db`.
  explicit ExportRepository(db::ReplicaSet& db);

  /// The store's slug and, with q, the search tier the list would use: the words tier, else
  /// (when it matches nothing in the filtered list) the substring tier, else the similar one
  /// (products_repository.cpp, search()). Bounded by the scope's deadline.
  asio::awaitable<Result<ExportPlan>> plan(const ProductFilter& f, trace::Scope scope);
  /// Up to kExportPageRows rows of the plan with id > `after_id`, by id, in kExportHeader's columns
  /// (attributes as JSON text, images as URLs in position order joined by spaces, updated_at
  /// RFC 3339 UTC). Pass the nil UUID to start.
  asio::awaitable<Result<db::QueryResult>> page(const ExportPlan& plan, std::string_view after_id, trace::Scope scope);

  /// name → SQL of every statement, for the `sql` listing and EXPLAIN tests.
  static std::vector<std::pair<std::string, std::string>> statements();

 private:
  db::ReplicaSet& db_;
};

}  // namespace mercato::catalog
