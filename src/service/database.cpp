#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include "service/database.hpp"

#include "db/db_config.hpp"
#include "http/app.hpp"
#include "service/readiness_gate.hpp"

namespace mercato::service {

using namespace std::chrono_literals;

Database::Database(http::App& app, const config::DbSettings& db, const Schema& schema, Options options)
    : schema_(schema), pool_(app.io(), db, schema.service()) {
  app.require(db::config_group(), "service::Database");
  app.use(readiness_gate([&schema] { return schema.ready(); }, schema.service(), std::move(options.ungated_prefixes)));
  app.health().add("database", true, [this]() -> boost::asio::awaitable<http::CheckOutcome> {
    if (!schema_.ready()) co_return http::CheckOutcome{false, {}, "migrations not applied yet"};
    auto rtt = co_await pool_.ping(2s);
    if (!rtt) co_return http::CheckOutcome{false, {}, rtt.error().message};
    co_return http::CheckOutcome{true, *rtt, {}};
  });
}

}  // namespace mercato::service
