#pragma once
// The identity database's migrations, applied at start. A database that is down at start
// does not stop the service (it must still answer /health/live, and readiness reports
// "database": "down"): the migrations are retried every second in the background until
// they apply. A broken migration stops the process (exit 2).

#include <atomic>
#include <string>
#include <thread>

#include "core/config.hpp"

namespace mercato::identity {

class Schema {
 public:
  explicit Schema(const config::Settings& s);
  bool ready() const { return ready_.load(std::memory_order_acquire); }

 private:
  bool try_once();
  const config::DbSettings db_;
  const std::string dir_;
  std::atomic<bool> ready_{false};
  std::jthread retry_;
};

}  // namespace mercato::identity
