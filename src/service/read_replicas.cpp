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
}

}  // namespace mercato::service
