#include "service/schema.hpp"

#include "core/log.hpp"
#include "db/errors.hpp"
#include "db/migrations.hpp"
#include "http/app.hpp"
#include "service/retry.hpp"

namespace mercato::service {

Schema::Schema(const config::DbSettings& db, const std::string& migrations_dir, std::string service)
    : db_(db), service_(std::move(service)), dir_(migrations_dir + "/" + service_) {
  if (try_once()) return;
  retry_ = std::jthread([this](std::stop_token stop) { retry_until(stop, RetrySchedule(), [this] { return try_once(); }); });
}

bool Schema::try_once() {
  auto st = db::migrate(db_, dir_);
  if (st) {
    ready_.store(true, std::memory_order_release);
    return true;
  }
  if (st.error().reason != db::reason::connection) http::fail_startup(service_ + " migrations: " + st.error().message);
  log::warn("database unreachable, migrations will be retried", {{"detail", st.error().message}});
  return false;
}

}  // namespace mercato::service
