#pragma once
// A service's PostgreSQL, as one component: the connection pool, the critical "database"
// readiness check (down until the schema is migrated, then a ping within 2 s), and the
// readiness gate (service/readiness_gate.hpp) that answers 503 on /api/ until then.

#include <string>
#include <vector>

#include "core/config.hpp"
#include "db/pool.hpp"
#include "service/schema.hpp"

namespace mercato::http {
class App;
}

namespace mercato::service {

class Database {
 public:
  struct Options {
    /// /api/ paths served before the schema exists (identity: "/api/v1/.well-known/").
    std::vector<std::string> ungated_prefixes;
  };

  /// Registers the gate as the next service middleware and the "database" check. `schema`
  /// must outlive this; the pool is named after the schema's service (metrics, logs).
  Database(http::App& app, const config::DbSettings& db, const Schema& schema, Options options = {});

  db::Pool& pool() { return pool_; }
  const Schema& schema() const { return schema_; }

 private:
  const Schema& schema_;
  db::Pool pool_;
};

}  // namespace mercato::service
