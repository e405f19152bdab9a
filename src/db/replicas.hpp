#pragma once
// Read scaling: the primary pool plus one pool per read replica (DbSettings::replicas, set by code).

#include <atomic>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio.hpp>

#include "core/config.hpp"
#include "db/pool.hpp"

namespace mercato::db {

class ReplicaSet {
 public:
  /// The primary from settings.host/port, one pool per settings.replicas entry (same
  /// credentials, database and sizing), named "<name>" and "<name>-replica<N>".
  ReplicaSet(asio::io_context& io, const config::DbSettings& settings, const std::string& name);

  /// Writes, and reads that must see the caller's own writes (replicas lag).
  Pool& primary() { return *primary_; }
  /// The next healthy replica in round-robin order; the primary when there is none or no
  /// replica is healthy (a replica is unhealthy for a few seconds after a failed connect).
  Pool& for_reads();
  std::size_t replica_count() const { return replicas_.size(); }

  /// Registers a named statement on every pool.
  void prepare(const std::string& name, const std::string& sql);

 private:
  std::unique_ptr<Pool> primary_;
  std::vector<std::unique_ptr<Pool>> replicas_;
  std::atomic<std::size_t> next_{0};
};

}  // namespace mercato::db
