#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include "services/catalog/audit_partitions.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "core/sleep.hpp"
#include "http/app.hpp"
#include "service/database.hpp"
#include "services/catalog/audit_repository.hpp"

namespace mercato::catalog {

namespace asio = boost::asio;
using namespace std::chrono_literals;

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

}  // namespace

AuditPartitions::AuditPartitions(http::App& app, service::Database& database, int retention_months)
    : database_(database), retention_months_(retention_months) {
  app.on_start([this, &app] { asio::co_spawn(app.io(), run(), asio::detached); });
  app.on_stop([this] { stopped_ = true; });
}

asio::awaitable<bool> AuditPartitions::maintain_once() {
  auto changes = co_await maintain_audit_partitions(database_.pool(), kAuditMonthsAhead, retention_months_);
  if (!changes) {
    log::warn("audit_log partitions: upkeep failed, retried in a minute",
              {{"error", changes.error().message}, {"reason", changes.error().reason}});
    co_return false;
  }
  if (!changes->created.empty() || !changes->dropped.empty()) {
    log::info("audit_log partitions", {{"created", joined(changes->created)},
                                       {"dropped", joined(changes->dropped)},
                                       {"retention_months", retention_months_}});
  }
  co_return true;
}

asio::awaitable<void> AuditPartitions::run() {
  // Sleeps in one-second steps so a stop is seen soon; the upkeep itself is a few statements.
  auto next = std::chrono::steady_clock::now();
  while (!stopped_) {
    if (database_.schema().ready() && std::chrono::steady_clock::now() >= next) {
      const bool ok = co_await maintain_once();
      next = std::chrono::steady_clock::now() + (ok ? std::chrono::milliseconds(24h) : std::chrono::milliseconds(1min));
    }
    co_await sleep_for(1s);
  }
}

}  // namespace mercato::catalog
