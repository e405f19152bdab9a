#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include "service/read_replicas.hpp"

#include "db/replica_config.hpp"
#include "http/app.hpp"
#include "service/database.hpp"

namespace mercato::service {

ReadReplicas::ReadReplicas(http::App& app, Database& database, const config::DbSettings& db)
    : set_(app.io(), database.pool(), db, database.schema().service()) {
  app.require(db::replica_config(), "service::ReadReplicas");
  if (set_.replica_count() == 0) return;
  fence_ttl_ = 2 * db.replica_max_lag;
  app.on_start([this] { set_.start(); });
  app.on_stop([this] { set_.stop(); });
  app.health().add("replicas", false, [this]() -> boost::asio::awaitable<http::CheckOutcome> {
    std::size_t serving = 0;
    std::string detail;
    for (const auto& r : set_.status()) {
      if (r.in_rotation) ++serving;
      else
        detail += (detail.empty() ? "" : "; ") + r.name + ": " +
                  (!r.answering ? std::string("not answering") : "lag " + std::to_string(r.lag.count()) + " ms");
    }
    co_return http::CheckOutcome{serving > 0, {}, detail};
  });
  // With the primary unreachable the catalog still answers every read a replica in rotation
  // can take (writes fail fast with 503): it stays ready, its database "degraded". Not before
  // its schema is migrated: until then the readiness gate refuses every /api/ call anyway.
  app.health().cover("database", [this, &database] {
    if (!database.schema().ready()) return false;
    for (const auto& r : set_.status())
      if (r.in_rotation) return true;
    return false;
  });
}

}  // namespace mercato::service
