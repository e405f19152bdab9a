#pragma once
// A service's database schema: the migrations of MIGRATIONS_DIR/<service>, applied at start.
// A database that is down at start does not stop the service (it must still answer
// /health/live, and readiness reports "database": "down"): the migrations are retried in the
// background on the one retry policy (service/retry.hpp) until they apply. A broken migration
// stops the process (exit 2), since no retry can fix it.

#include <atomic>
#include <string>
#include <thread>

#include "core/config.hpp"

namespace mercato::service {

class Schema {
 public:
  /// Tries once before returning (so a command such as `seed` knows at once whether the
  /// database is there), then keeps trying on a thread of its own, stopped by the destructor.
  Schema(const config::DbSettings& db, const std::string& migrations_dir, std::string service);
  /// Every migration is applied. Safe from any thread.
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  const std::string& service() const { return service_; }

 private:
  bool try_once();

  const config::DbSettings db_;
  const std::string service_;
  const std::string dir_;
  std::atomic<bool> ready_{false};
  std::jthread retry_;  // last: stopped and joined before the members it uses go
};

}  // namespace mercato::service
