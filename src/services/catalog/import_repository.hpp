#pragma once
// The SQL of CSV imports (0010_imports.sql): the imports row, its staged rows and errors, and
// the statements of one import job chunk besides those bulk_repository.hpp already has
// (reload, audit). Lists travel as one JSON parameter (jsonb_to_recordset), never
// concatenated into SQL.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/catalog/import_staging.hpp"
#include "services/catalog/products_json.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

/// GET /api/v1/imports/{id}'s fields (the state derived from its job's once importing).
struct ImportSummary {
  std::string id, store_id, filename, mapping, state;
  std::int64_t parts = 0, bytes = 0, rows = 0, valid = 0, errors = 0;
  std::optional<std::int64_t> creates, updates;
  std::optional<std::string> job_id;
  std::int64_t done = 0;
  std::string created_at, updated_at;
};

/// What receiving a part needs besides the summary (held FOR UPDATE).
struct ImportUpload {
  ImportSummary summary;
  std::optional<std::string> header_json;  // JSON array, after part 1
  std::string tail;                        // raw bytes
  std::int64_t tail_line = 2;
  std::optional<std::int64_t> skip_line;
  std::int64_t skip_state = 0;  // CsvScan
};

struct ImportErrorRow {
  std::int64_t line = 0;
  std::int64_t seq = 0;
  std::string field, message;
};

/// One staged product as the job reads it.
struct StagedProduct {
  std::int64_t line = 0;
  std::string sku;
  std::string product_json;  // import_mapping.cpp's canonical body
};

class ImportRepository {
 public:
  explicit ImportRepository(db::Pool& pool) : pool_(pool) {}
  asio::awaitable<Status> create(const std::string& id, const std::string& store, const std::string& owner,
                                 const std::string& filename, const std::string& mapping, trace::Scope scope);
  /// nullopt when absent or another store's.
  asio::awaitable<Result<std::optional<ImportSummary>>> find(const std::string& store, const std::string& id,
                                                             trace::Scope scope);
  /// The errors after (line, seq), by (line, seq): import_errors' primary key walks it.
  asio::awaitable<Result<std::vector<ImportErrorRow>>> errors(const std::string& id, std::int64_t after_line,
                                                              std::int64_t after_seq, std::int64_t limit,
                                                              trace::Scope scope);
  /// Deletes the staged rows and errors of imports that ended (or were left) `retention_ms`
  /// ago; their summaries stay. Returns the imports purged.
  asio::awaitable<Result<std::int64_t>> purge(std::int64_t retention_ms, trace::Scope scope);
  db::Pool& pool() { return pool_; }

 private:
  db::Pool& pool_;
};

class ImportTxRepository {
 public:
  explicit ImportTxRepository(db::Transaction& tx) : tx_(tx) {}

  /// The store's import, locked FOR UPDATE (parts, finish and run of one import serialize).
  asio::awaitable<Result<std::optional<ImportUpload>>> lock(const std::string& store, const std::string& id);
  asio::awaitable<Status> stage(const std::string& id, const StagedBatch& batch);
  /// A received part: counters, tail, header (part 1) and the mapping it resolved to.
  asio::awaitable<Status> save_part(const std::string& id, const ImportUpload& u, std::int64_t rows,
                                    std::int64_t valid, std::int64_t errors);
  /// The dry run at finish: later duplicates of a SKU or slug in the file, slugs another
  /// product of the store holds, categories that are not live ones of the store become row
  /// errors; then the counts (creates: SKUs the store has no live product for). → validated.
  asio::awaitable<Status> dry_run(const std::string& id, const std::string& store, const std::string& sku_column,
                                  const std::string& slug_column, const std::string& category_column);
  asio::awaitable<Status> start(const std::string& id, const std::string& job_id);

  // ---- one job chunk ----
  /// The job's cursor while `worker` holds it (nullopt: lost or ended).
  asio::awaitable<Result<std::optional<std::int64_t>>> hold_job(const std::string& job_id, const std::string& worker);
  asio::awaitable<Result<std::vector<StagedProduct>>> staged(const std::string& import_id, std::int64_t after,
                                                             std::int64_t limit);
  /// The store's live products with these SKUs, locked FOR UPDATE in sku order.
  asio::awaitable<Result<std::vector<ProductRow>>> lock_by_sku(const std::string& store,
                                                               const std::vector<std::string>& skus);
  /// Which of `ids` are live categories of the store (held FOR SHARE).
  asio::awaitable<Result<std::vector<std::string>>> live_categories(const std::string& store,
                                                                    const std::vector<std::string>& ids);
  /// INSERT of every new product: `list` [{id, product}].
  asio::awaitable<Status> insert(const std::string& store, const std::string& list);
  /// UPDATE of every existing product whose fields differ (or `images_changed`): `list`
  /// [{id, product, images_changed}]. The ids written.
  asio::awaitable<Result<std::vector<std::string>>> update(const std::string& store, const std::string& list);
  /// The images of `ids` replaced by `list` [{id, product_id, url, alt_text, position}].
  asio::awaitable<Status> replace_images(const std::string& store, const std::vector<std::string>& ids,
                                         const std::string& list);
  asio::awaitable<Status> savepoint(std::string_view verb);
  /// Run-time row errors (a category deleted since the dry run, a slug taken meanwhile).
  asio::awaitable<Status> record_errors(const std::string& import_id, const std::string& errors_json);
  asio::awaitable<Status> progress(const std::string& job_id, const std::string& import_id, std::int64_t cursor,
                                   std::int64_t done, std::int64_t errors, bool finished);

 private:
  db::Transaction& tx_;
};

}  // namespace mercato::catalog
