#pragma once
// Every SQL statement that reads the audit trail (the rows are written by audit.cpp), and the
// upkeep of audit_log's monthly partitions (migrations/catalog/0008_audit_log_partitioned.sql).
//
// A page is one prepared statement chosen by its shape: the scope (every store, or one) and
// the filter that leads its index (entity_id, else user_id, else action, else none). The other
// filters are checked on the rows that index yields, so a page costs the rows its leading
// filter walks from the cursor, not the table: tests/integration/test_audit_explain.py proves
// each shape with EXPLAIN (`mercato-catalog sql audit` prints them).

#include <utility>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.hpp"
#include "db/pool.hpp"
#include "db/replicas.hpp"
#include "services/catalog/audit_trail.hpp"
#include "services/catalog/cursor.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;

/// audit_page_<scope>_<lead> → SQL, for the `sql audit` command and the EXPLAIN test.
std::vector<std::pair<std::string, std::string>> audit_statements();

/// The statement a filter runs, by name (audit_statements()).
std::string audit_statement_name(const AuditFilter& f);

class AuditRepository {
 public:
  /// Registers the statements on each pool of `db`. Pages are read where db.for_reads()
  /// sends them (a fresh replica that has replayed the caller's last write, or the primary).
  explicit AuditRepository(db::ReplicaSet& db);

  /// Up to `limit` rows after `after` (from the newest when nullopt), newest first:
  /// (time, id) descending. Bounded by the request's deadline.
  asio::awaitable<Result<std::vector<AuditRow>>> page(const AuditFilter& f, const std::optional<CursorPosition>& after,
                                                      std::int64_t limit, trace::Scope scope);
  /// Where a page that ended on `row` continues.
  static CursorPosition position_of(const AuditRow& row);

 private:
  db::ReplicaSet& db_;
};

/// What one upkeep of audit_log's partitions did.
struct PartitionChanges {
  std::vector<std::string> created, dropped;
};

/// audit_log_maintain(ahead, keep_months) on the primary: creates the partitions of this month
/// and the `ahead` next, and with keep_months > 0 drops the months that ended keep_months or
/// more months before this one began. Catalog instances doing it at once take turns (an
/// advisory lock inside the function).
asio::awaitable<Result<PartitionChanges>> maintain_audit_partitions(db::Pool& primary, int ahead, int keep_months);

}  // namespace mercato::catalog
