#pragma once
// The upkeep of audit_log's monthly partitions (migrations/catalog/0008_audit_log_partitioned.sql):
// once the schema is migrated, then daily, every catalog instance makes sure this month's and
// the next three months' partitions exist and, with AUDIT_RETENTION_MONTHS > 0, drops the
// months past it (DROP TABLE of whole partitions, never a DELETE). Instances take turns through
// an advisory lock inside audit_log_maintain, so any number may run it at once. A failure (a
// lock_timeout while a long reader holds audit_log, the database away) is logged and retried a
// minute later; with three months made ahead, the writes' audit rows always have a partition.

#include <utility>

#include <atomic>
#include <chrono>

#include <boost/asio/awaitable.hpp>

#include "db/pool.hpp"

namespace mercato::http {
class App;
}
namespace mercato::service {
class Database;
}

namespace mercato::catalog {

/// Months made ahead of the current one. Three: a catalog fleet that misses its daily upkeep
/// for a quarter has bigger problems, and one month more costs one empty table.
inline constexpr int kAuditMonthsAhead = 3;

class AuditPartitions {
 public:
  /// Starts with the app and stops with it; `database` outlives this.
  AuditPartitions(http::App& app, service::Database& database, int retention_months);

 private:
  boost::asio::awaitable<void> run();
  /// One upkeep; true when it succeeded.
  boost::asio::awaitable<bool> maintain_once();

  service::Database& database_;
  const int retention_months_;
  std::atomic<bool> stopped_{false};
};

}  // namespace mercato::catalog
