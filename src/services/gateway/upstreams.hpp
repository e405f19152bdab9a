#pragma once
// The services behind the gateway: each is a group of instances (PRODUCT_SERVICE_HOST and
// USER_SERVICE_HOST may list several). Requests go round-robin over the instances whose
// circuit breaker admits them, so a dead instance costs its share of traffic five failures
// and then nothing until it answers a probe again.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "http/client.hpp"
#include "http/health.hpp"
#include "services/gateway/circuit_breaker.hpp"

namespace mercato::metrics {
class Gauge;
}

namespace mercato::gateway {

namespace asio = boost::asio;

struct Instance {
  Instance(config::HostPort a, std::string l, http::Upstream& p, CircuitBreaker::Options b, metrics::Gauge& g)
      : address(std::move(a)), label(std::move(l)), pool(p), breaker(b), open_gauge(g) {}

  config::HostPort address;  // for the client span's server.address and server.port
  std::string label;  // host:port or unix:<path> (http::upstream_label), for logs and metrics
  http::Upstream& pool;
  CircuitBreaker breaker;
  metrics::Gauge& open_gauge;  // gateway_upstream_circuit_open{service,instance}: 1 while open
};

class UpstreamGroup {
 public:
  /// `addresses` must not be empty (config guarantees it).
  UpstreamGroup(std::string service, const std::vector<config::HostPort>& addresses, http::Client& client,
                CircuitBreaker::Options breaker = {});
  UpstreamGroup(const UpstreamGroup&) = delete;
  UpstreamGroup& operator=(const UpstreamGroup&) = delete;

  const std::string& service() const { return service_; }
  std::size_t size() const { return instances_.size(); }
  const std::vector<std::unique_ptr<Instance>>& instances() const { return instances_; }

  /// The next instance in round-robin order whose breaker admits a request now, other than
  /// `except`; null when none does. A non-null result must be reported with record().
  Instance* pick(const Instance* except = nullptr);
  /// The next instance after `except` whatever its breaker says; null when it is the only
  /// one. For a request an instance refused (it never left): a refusal costs nothing to
  /// learn, and in a rolling restart the instance that just came back is still in its
  /// breaker's cool-down while the next one is stopped. Report it with record() as well.
  Instance* pick_past_breakers(const Instance* except);
  /// The outcome of a request pick() admitted: any HTTP answer is a success, a transport
  /// failure (refused, reset, timeout, garbage) a failure.
  void record(Instance& instance, bool answered);
  /// The instance's readiness probe answered 200 while its breaker was not closed
  /// (breaker_probes.hpp): closed again, and logged.
  void readmit(Instance& instance);
  /// Shortest wait until some instance lets a probe through (for Retry-After).
  std::chrono::milliseconds retry_after() const;

 private:
  std::string service_;
  std::vector<std::unique_ptr<Instance>> instances_;
  std::atomic<std::size_t> next_{0};
};

/// Where an instance says whether it serves (every service's http::Health).
inline constexpr std::string_view kReadinessPath = "/health/ready";

/// One readiness check per group, non-critical (the gateway still serves the other
/// service's routes): up when some instance answers GET /health/ready with 200 in time.
void add_upstream_checks(http::Health& health, http::Client& client, std::vector<UpstreamGroup*> groups,
                         std::chrono::milliseconds timeout);

}  // namespace mercato::gateway
