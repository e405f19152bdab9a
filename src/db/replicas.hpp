#pragma once
// Read scaling: the primary pool plus one pool per streaming replica, and a monitor that
// keeps each replica in the read rotation only while it is fresh enough.
//
//   db::ReplicaSet replicas(io, database.pool(), settings.db, "catalog");
//   auto rows = co_await replicas.for_reads(scope).until(scope).execute("product_by_id", ...);
//
// Freshness is measured against the primary, not the replica's clock: every tick (a tenth of a
// second, or a fifth of the bound if that is shorter) the monitor samples the primary's WAL
// position (pg_current_wal_insert_lsn) and each replica's replayed position
// (pg_last_wal_replay_lsn). A replica's lag is how long ago the primary first held WAL the
// replica has not replayed: 0 when it has replayed the newest sample, else the age of the
// oldest sample past its position. So an idle primary never makes an idle replica look stale
// (pg_last_xact_replay_timestamp would), and a replica whose replay is paused while writes
// go on falls out as soon as the oldest write it misses is older than the bound.
// A replica serves reads when it answered its last check, is in recovery (a promoted one is
// no replica), and lags by at most DB_REPLICA_MAX_LAG: staleness seen by a reader is at most
// that bound plus one tick.
//
// Read-your-writes: a read whose scope carries read_after (the WAL position of the client's
// last write, trace::Scope) goes to a replica only if the replica was seen replaying at
// least that far; otherwise to the primary. A position beyond anything the primary wrote
// (forged) therefore only sends that client's reads to the primary.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

#include "core/config.hpp"
#include "core/error.hpp"
#include "db/lsn.hpp"
#include "db/pool.hpp"

namespace mercato::db {

struct ReplicaStatus {
  std::string name;  // the replica's pool ("catalog-replica1")
  bool in_rotation = false;
  bool answering = false;     // answered its last check
  std::chrono::milliseconds lag{0};
  Lsn replayed = 0;
};

class ReplicaSet {
 public:
  /// `primary`: the service's pool for writes and for reads no replica can take; it must
  /// outlive this. One pool per settings.replicas entry (same credentials, database and
  /// sizing), named "<name>-replica<N>". Replicas are out of rotation until the monitor
  /// (start()) has seen them fresh.
  ReplicaSet(asio::io_context& io, Pool& primary, const config::DbSettings& settings, const std::string& name);
  ~ReplicaSet();
  ReplicaSet(const ReplicaSet&) = delete;
  ReplicaSet& operator=(const ReplicaSet&) = delete;

  /// Starts and stops the monitor (nothing to do without replicas).
  void start();
  void stop();

  /// Writes, and reads inside a write's transaction.
  Pool& primary() { return primary_; }
  /// The next replica in rotation (round robin) that has replayed `read_after`; the primary
  /// when there is none.
  Pool& for_reads(Lsn read_after = 0);
  Pool& for_reads(const trace::Scope& scope) { return for_reads(scope.read_after); }
  std::size_t replica_count() const;

  /// Registers a named statement on every pool.
  void prepare(const std::string& name, const std::string& sql);

  /// The primary's WAL position now (pg_current_wal_insert_lsn). Asked after a commit, it is
  /// at or past the commit's record: what a client must have read to see its write. Not
  /// pg_current_wal_lsn (the written position): with synchronous_commit=off a commit returns
  /// before its record is written, and that position stayed behind it (the test found it).
  asio::awaitable<Result<Lsn>> wal_position(trace::Scope scope);

  /// Each replica as the monitor last saw it.
  std::vector<ReplicaStatus> status() const;
  /// The check interval the monitor uses for `max_lag` (tests wait in multiples of it).
  static std::chrono::milliseconds check_interval(std::chrono::milliseconds max_lag);

  struct State;  // shared with the monitor's coroutines, which may outlive a stop()

 private:
  asio::io_context& io_;
  Pool& primary_;
  std::shared_ptr<State> state_;
};

}  // namespace mercato::db
