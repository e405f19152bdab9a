#pragma once
// /health/live and /health/ready. Readiness runs every registered dependency check with its
// own deadline and reports each one's status and latency:
//   {"status":"ready","service":"catalog","checks":{"database":"up","redis":"degraded"},
//    "latency_ms":{"database":0.42,"redis":null}}
// A critical dependency down → 503 "not_ready". A non-critical one (Redis: the service still
// answers from L1 and the database) down → "degraded" and still 200, so a Redis blip does not
// pull every instance out of the load balancer. While draining for shutdown, ready is 503
// {"status":"draining"} at once, without running the checks.

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"

namespace mercato::http {

struct CheckOutcome {
  bool up = false;
  std::chrono::microseconds latency{0};
  std::string detail;  // why it is down, for the log (never secrets)
};
using CheckFn = std::function<asio::awaitable<CheckOutcome>()>;

class Health {
 public:
  explicit Health(std::string service) : service_(std::move(service)) {}
  void add(std::string name, bool critical, CheckFn check);
  /// While `covered` holds, the critical check `name` failing does not make the service
  /// unready: it reports "degraded" and the status stays 200. The catalog's database while a
  /// replica in rotation serves its reads: unready, every instance would leave its balancer
  /// and the reads the replica can answer would fail too. `covered` is called on each
  /// readiness request (cheap, any thread). Throws std::logic_error for an unknown check.
  void cover(std::string_view name, std::function<bool()> covered);
  void set_draining() { draining_ = true; }
  /// Registers GET /health/live and GET /health/ready.
  void install(Router& router);
  asio::awaitable<Response> ready() const;

 private:
  struct Entry {
    std::string name;
    bool critical;
    CheckFn check;
    std::function<bool()> covered;
  };
  std::string service_;
  std::vector<Entry> checks_;
  std::atomic<bool> draining_{false};
};

}  // namespace mercato::http
