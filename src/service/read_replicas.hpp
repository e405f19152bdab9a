#pragma once
// A service's read replicas, as one component: the db::ReplicaSet over the Database's pool
// and DB_REPLICA_HOSTS, its monitor started and stopped with the service, and the
// non-critical "replicas" readiness check (down while no replica serves reads: the primary
// takes them all, which is slower but not wrong), and the cover of the critical "database"
// check while a replica serves (http/health.hpp: the catalog stays ready without its primary).

#include "core/config.hpp"
#include "db/replicas.hpp"

namespace mercato::http {
class App;
}

namespace mercato::service {

class Database;

class ReadReplicas {
 public:
  /// `database` must outlive this.
  ReadReplicas(http::App& app, Database& database, const config::DbSettings& db);

  db::ReplicaSet& set() { return set_; }
  /// How long a write's fence stays on the cache keys it changed (cache::TieredOptions):
  /// twice DB_REPLICA_MAX_LAG with replicas (by then every replica in rotation has replayed
  /// the write), 0 without.
  config::Duration fence_ttl() const { return fence_ttl_; }

 private:
  db::ReplicaSet set_;
  config::Duration fence_ttl_{0};
};

}  // namespace mercato::service
