#include "services/identity/schema.hpp"

#include <chrono>

#include "core/log.hpp"
#include "db/errors.hpp"
#include "db/migrations.hpp"
#include "http/app.hpp"

namespace mercato::identity {

Schema::Schema(const config::Settings& s) : db_(s.db), dir_(s.migrations_dir + "/identity") {
  if (try_once()) return;
  retry_ = std::jthread([this](std::stop_token stop) {
    while (!stop.stop_requested() && !try_once()) std::this_thread::sleep_for(std::chrono::seconds(1));
  });
}

bool Schema::try_once() {
  auto st = db::migrate(db_, dir_);
  if (st) {
    ready_.store(true, std::memory_order_release);
    return true;
  }
  if (st.error().reason != db::reason::connection) http::fail_startup("identity migrations: " + st.error().message);
  log::warn("database unreachable, migrations will be retried", {{"detail", st.error().message}});
  return false;
}

}  // namespace mercato::identity
