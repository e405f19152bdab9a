#pragma once
// The SQL of bulk product writes (bulk_service.hpp) and of the jobs table (0009_jobs.sql).
// Every products statement names the store (0007: keys lead with store_id); id lists travel as
// one uuid[] parameter and per-item values as one JSON parameter, never concatenated into SQL.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "services/catalog/audit.hpp"
#include "services/catalog/bulk.hpp"
#include "services/catalog/products_json.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

/// One product's change in a bulk write: its id and, for adjust_price, its new price.
struct BulkChange {
  std::string id;
  std::int64_t price_cents = 0;
};

/// One item's audit row (the action, its representation before and after).
struct BulkAudit {
  std::string id;
  std::string before, after;  // product_json
};

/// The statements of one chunk's transaction.
class BulkTxRepository {
 public:
  explicit BulkTxRepository(db::Transaction& tx) : tx_(tx) {}
  /// The store's products among `ids`, deleted or not, locked FOR UPDATE in id order (two
  /// bulk writes over overlapping ids then lock in the same order and cannot deadlock).
  asio::awaitable<Result<std::vector<ProductRow>>> lock(const std::string& store, const std::vector<std::string>& ids);
  /// The products' rows as they are now (after apply).
  asio::awaitable<Result<std::vector<ProductRow>>> reload(const std::string& store,
                                                          const std::vector<std::string>& ids);
  /// True when the category is live in the store; held FOR SHARE until commit.
  asio::awaitable<Result<bool>> hold_category(const std::string& store, const std::string& category_id);
  /// One UPDATE for every change (version + 1, updated_at); `category_id` for set_category
  /// ("" detaches).
  asio::awaitable<Status> apply(const std::string& store, BulkAction action, const std::string& category_id,
                                const std::vector<BulkChange>& changes);
  /// One INSERT of every item's audit_log row (audit.hpp's columns).
  asio::awaitable<Status> audit(const std::string& store, const Actor& actor, std::string_view action,
                                const std::vector<BulkAudit>& rows);
  /// SAVEPOINT / ROLLBACK TO SAVEPOINT / RELEASE SAVEPOINT `name`.
  asio::awaitable<Status> savepoint(std::string_view verb, std::string_view name);

 private:
  db::Transaction& tx_;
};

/// A jobs row as GET /api/v1/jobs/{id} shows it.
struct JobRow {
  std::string id, kind, store_id, owner, state;
  std::int64_t done = 0, errors = 0;
  std::optional<std::int64_t> total;
  std::string params;  // JSON
  std::optional<std::string> result, error;
  std::int64_t attempts = 0, max_attempts = 0;
  std::string created_at, updated_at;
  std::optional<std::string> started_at, finished_at, heartbeat_at;
};

/// What a worker holds while it works a job, read under the job row's lock at each chunk.
struct JobPosition {
  std::optional<std::string> cursor_id, upper_id;
  std::optional<std::int64_t> total;
  std::int64_t errors = 0;
};

/// The jobs table.
class JobRepository {
 public:
  explicit JobRepository(db::Pool& primary) : pool_(primary) {}

  asio::awaitable<Status> create(const std::string& id, const std::string& store, const std::string& owner,
                                 const std::string& params, int max_attempts, trace::Scope scope);
  asio::awaitable<Result<std::optional<JobRow>>> find(const std::string& id, trace::Scope scope);
  /// The oldest job that is queued, or running with a heartbeat older than `stale_ms`
  /// (its worker died), skipping those another worker holds locked: now `worker`'s, running,
  /// one more attempt. A stale job out of attempts is marked failed instead (and returned so,
  /// for the log). nullopt: nothing to do.
  asio::awaitable<Result<std::optional<JobRow>>> claim(const std::string& worker, std::int64_t stale_ms,
                                                       trace::Scope scope);
  /// Gives a job back after a failure of this worker's (not of an item): queued again, to be
  /// claimed once more while it has attempts left.
  asio::awaitable<Status> release(const std::string& id, const std::string& worker, const std::string& why,
                                  trace::Scope scope);
  /// Gives a job back because this worker is stopping (SIGTERM), between two chunks: queued
  /// again for any instance to claim at once, the attempt not counted (nothing failed).
  asio::awaitable<Status> hand_over(const std::string& id, const std::string& worker, trace::Scope scope);
  /// Marks a job failed for good (its parameters cannot run).
  asio::awaitable<Status> fail(const std::string& id, const std::string& worker, const std::string& why,
                               trace::Scope scope);
  /// True when the category is live in the store (a set_category's check before it starts).
  asio::awaitable<Result<bool>> category_live(const std::string& store, const std::string& category_id,
                                              trace::Scope scope);

  db::Pool& pool() { return pool_; }

 private:
  db::Pool& pool_;
};

/// The statements of one job chunk's transaction besides the product writes.
class JobTxRepository {
 public:
  explicit JobTxRepository(db::Transaction& tx) : tx_(tx) {}
  /// Locks the job row while `worker` still holds it (nullopt: another worker took it over,
  /// or it ended): the chunk then writes nothing.
  asio::awaitable<Result<std::optional<JobPosition>>> hold(const std::string& id, const std::string& worker);
  /// Counts what the filter selects now and fixes the greatest id among them: the job's
  /// total and upper bound (products created later are not its).
  asio::awaitable<Result<JobPosition>> count(const std::string& id, const std::string& store, BulkAction action,
                                             const BulkFilter& filter);
  /// The next `limit` ids the filter selects after `after`, up to `upper`, in id order.
  asio::awaitable<Result<std::vector<std::string>>> next_ids(const std::string& store, BulkAction action,
                                                             const BulkFilter& filter,
                                                             const std::optional<std::string>& after,
                                                             const std::string& upper, std::int64_t limit);
  /// Records a committed chunk: the cursor, counts, a sample of failed items (JSON array),
  /// the heartbeat, and the end when `finished`.
  asio::awaitable<Status> progress(const std::string& id, const std::string& cursor, std::int64_t done,
                                   std::int64_t errors, const std::string& error_sample, bool finished);

 private:
  db::Transaction& tx_;
};

}  // namespace mercato::catalog
