#pragma once
// CSV import of products (routes: import_routes.cpp; formats: import_mapping.hpp; the
// contract: docs/importing.md).
//
//   create → parts 1, 2, 3 … (each one request body, staged on receipt) → finish (the dry run)
//   → run (a job of kind products.import, worked by any instance's JobWorker).
//
// Nothing holds the file whole: a part is parsed, mapped, checked and staged in one
// transaction with the import's part counter and its unfinished tail, so a part is either
// wholly received or not at all, and a broken upload resumes at the next part. Parts arrive
// in order; a repeated part changes nothing (a client that lost the answer sends it again).
//
// The job upserts the valid staged rows by (store, sku) in chunks of IMPORT_CHUNK_SIZE, one
// transaction each with the job's cursor (the last staged line), its progress and one audit
// row per product written (product.create / product.update, before and after), then one cache
// invalidation per chunk. A product the file leaves unchanged is not written (re-running a
// file changes nothing). A worker killed mid-import loses at most its uncommitted chunk: the
// next claimer resumes after the cursor.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/catalog/bulk_repository.hpp"
#include "services/catalog/bulk_service.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/import_repository.hpp"
#include "services/catalog/write_rules.hpp"

namespace mercato::catalog {

struct ImportOptions {
  std::size_t chunk_size = 1000;                         // IMPORT_CHUNK_SIZE
  int job_max_attempts = 3;                              // JOBS_MAX_ATTEMPTS
  std::chrono::milliseconds retention{7 * 24 * 3600'000LL};  // IMPORT_RETENTION
  std::string default_currency = "USD";                  // a file that names no currency
};

class ImportService final : public JobKind {
 public:
  /// `primary`: the requests' pool; `worker`: the job worker's own (jobs.hpp).
  ImportService(db::Pool& primary, db::Pool& worker, CatalogChanges& changes, ImportOptions options)
      : imports_(primary), worker_imports_(worker), worker_jobs_(worker), changes_(changes), options_(std::move(options)) {}

  asio::awaitable<Result<ImportSummary>> create(const WriteRequest& w, const std::string& filename,
                                                const std::string& mapping);
  /// Part `n` (1-based): 404 another store's or no such import; 409 after the finish or past
  /// a gap; a part already received answers the summary unchanged; 422 a part 1 whose header
  /// does not fit the mapping.
  asio::awaitable<Result<ImportSummary>> part(const WriteRequest& w, const std::string& id, std::int64_t n,
                                              std::string_view body);
  /// The end of the upload and its dry run: → validated (409 when not receiving).
  asio::awaitable<Result<ImportSummary>> finish(const WriteRequest& w, const std::string& id);
  /// Queues the job (409 unless validated).
  asio::awaitable<Result<ImportSummary>> run(const WriteRequest& w, const std::string& id);
  asio::awaitable<Result<std::optional<ImportSummary>>> find(const std::string& store, const std::string& id,
                                                             trace::Scope scope);
  asio::awaitable<Result<std::vector<ImportErrorRow>>> errors(const std::string& id, std::int64_t after_line,
                                                              std::int64_t after_seq, std::int64_t limit,
                                                              trace::Scope scope);

  asio::awaitable<void> work(const JobRow& job, const std::string& worker, const std::atomic<bool>& stopping) override;
  /// Deletes staged rows past IMPORT_RETENTION, at most once a minute.
  asio::awaitable<void> idle() override;

 private:
  struct JobContext;
  asio::awaitable<Result<bool>> job_chunk(const JobRow& job, const JobContext& ctx, const std::string& worker);

  ImportRepository imports_;
  ImportRepository worker_imports_;
  JobRepository worker_jobs_;
  CatalogChanges& changes_;
  ImportOptions options_;
  std::chrono::steady_clock::time_point last_purge_{};
};

}  // namespace mercato::catalog
