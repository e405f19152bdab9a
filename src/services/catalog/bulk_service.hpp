#pragma once
// The bulk product write use-case (POST /api/v1/products/bulk) and the jobs that run one
// selected by a filter.
//
// Items are applied in chunks of BULK_CHUNK_SIZE, one transaction each:
//   1. lock the chunk's products of the caller's store (a product of another store is absent:
//      "not_found", never told apart from an id that does not exist);
//   2. decide each item alone, before any write (pre-validation): absent → 404, If-Match stale
//      → 412, restore of a live product → 409, any other action on a deleted one → 404, a price
//      outside 0 … max → 422, a set_category whose category is gone → 422;
//   3. write the valid items with one UPDATE inside a savepoint. Should the database still
//      refuse it (a constraint only it can check, e.g. a restored product's sku taken
//      meanwhile), roll back to the savepoint and write item by item, each in a savepoint of
//      its own, so exactly the refused items fail and every other item of the chunk still
//      commits; no item's success is ever rolled back silently;
//   4. one audit_log row per written item, same transaction; commit;
//   5. one cache invalidation for the whole chunk (CatalogChanges::products_changed: one bus
//      message), awaited before the next chunk.
// A chunk whose transaction fails as a whole (the database away, the deadline) fails each of
// its items with that error, and they are unchanged. A request-driven call starts no chunk once
// less than kChunkMargin of its budget is left: its remaining items answer 503 "not attempted".
//
// A job (jobs.hpp runs it) applies the same chunks to ids taken by keyset over product id, and
// commits each chunk with the job's cursor and progress on the job's row (held FOR UPDATE,
// and only while this worker still owns the job), so a worker that dies loses at most its
// uncommitted chunk, which the next claimer redoes: every item is done exactly once.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/catalog/bulk.hpp"
#include "services/catalog/bulk_repository.hpp"
#include "services/catalog/catalog_reads.hpp"
#include "services/catalog/write_rules.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

struct BulkOptions {
  std::size_t chunk_size = 100;       // BULK_CHUNK_SIZE
  int job_max_attempts = 3;           // JOBS_MAX_ATTEMPTS
  std::chrono::milliseconds heartbeat_timeout{30'000};  // JOBS_HEARTBEAT_TIMEOUT
};

/// A kind of job besides products.bulk (import_service.hpp): the worker claims every kind
/// alike (one queue, one claim statement) and hands a claimed job to its kind.
class JobKind {
 public:
  virtual ~JobKind() = default;
  /// Works a claimed, running job to its end, or until this worker loses it; a failure of
  /// the worker's own gives it back (JobRepository::release) for another attempt. Once
  /// `stopping` is set it ends after the chunk under way and hands the job over
  /// (JobRepository::hand_over).
  virtual asio::awaitable<void> work(const JobRow& job, const std::string& worker,
                                     const std::atomic<bool>& stopping) = 0;
  /// The worker found nothing to claim: housekeeping (e.g. retention).
  virtual asio::awaitable<void> idle() { co_return; }
};

/// Gives `job` back because this worker stops (JobRepository::hand_over), logging the outcome.
asio::awaitable<void> hand_over(JobRepository& jobs, const std::string& job, const std::string& worker,
                                trace::Scope scope);

class BulkService {
 public:
  /// `primary`: the requests' pool (bulk calls by ids, creating and reading jobs). `worker`:
  /// the job worker's own pool (claims and job chunks), so background work never takes a
  /// request's connection nor shows in the requests' statement counts (jobs.hpp, job_pool_settings).
  BulkService(db::Pool& primary, db::Pool& worker, CatalogChanges& changes, BulkOptions options)
      : jobs_(primary), worker_jobs_(worker), changes_(changes), options_(options) {}

  /// By ids: one result per item, in the request's order. Whole-call errors only before any
  /// chunk (a set_category to a category that is not a live one of the store: 422).
  asio::awaitable<Result<std::vector<ItemResult>>> apply(const WriteRequest& w, const BulkRequest& r);

  /// By filter: the queued job (the caller answers 202 with its URL).
  asio::awaitable<Result<JobRow>> start_job(const WriteRequest& w, const BulkRequest& r);
  asio::awaitable<Result<std::optional<JobRow>>> job(const std::string& id, trace::Scope scope);

  /// One worker step: claims a job and works it to its end (or until this worker loses it).
  /// False when there was nothing to claim. `worker`: this process's name in jobs.locked_by.
  /// Once `stopping` is set (SIGTERM: jobs.hpp) the job is handed over after the chunk under
  /// way, and another instance resumes it at once; a killed process's job waits for its
  /// heartbeat to go stale instead.
  asio::awaitable<bool> work_one(const std::string& worker, const std::atomic<bool>& stopping);

  /// Jobs of `kind` go to `runner` (which must outlive the worker).
  void add_kind(std::string kind, JobKind& runner) { kinds_.emplace_back(std::move(kind), &runner); }

 private:
  struct ChunkOutcome {
    std::vector<ItemResult> results;       // one per item of the chunk, in its order
    std::vector<std::string> changed;      // ids written
    std::vector<std::string> categories;   // categories before and after of the written
  };
  /// Steps 1–4 on `tx` (the caller commits).
  asio::awaitable<Status> apply_chunk(db::Transaction& tx, const std::string& store, const Actor& actor,
                                      const BulkRequest& r, std::span<const BulkItem> items, ChunkOutcome& out);
  /// One transaction for one chunk, then its invalidation.
  asio::awaitable<std::vector<ItemResult>> run_chunk(const WriteRequest& w, const BulkRequest& r,
                                                     std::span<const BulkItem> items);
  /// One job chunk: false when the job ended or this worker lost it.
  asio::awaitable<Result<bool>> job_chunk(const JobRow& job, const BulkRequest& r, const Actor& actor,
                                          const std::string& worker);

  JobRepository jobs_;
  JobRepository worker_jobs_;
  CatalogChanges& changes_;
  BulkOptions options_;
  std::vector<std::pair<std::string, JobKind*>> kinds_;
  bool claims_failing_ = false;  // logged once per outage, not once per poll (one worker per process)
};

}  // namespace mercato::catalog
