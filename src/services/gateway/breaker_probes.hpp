#pragma once
// Readiness probes of the instances whose circuit breaker is open. Every `interval`, each such
// instance is asked GET /health/ready, and a 200 closes its breaker at once.
//
// Why: a breaker alone readmits an instance only after its cool-down (5 s) and then one
// request's success. In a rolling restart, the instance that came back stays shut out for
// those seconds; if the next instance stops meanwhile and its breaker opens on its refusals,
// the service has no admitted instance and answers 503 although one is serving
// (tests/cluster/cluster_rolling_restart.py found it). Readiness is the instance's own word
// that it serves (a starting one waits for its database, a draining one says 503), so it is
// the check that readmits (Envoy does the same by default: a passing active health check
// un-ejects a host its outlier detection ejected). The half-open probe request stays, for an
// instance whose readiness answers but whose requests fail.
//
// Such an instance is readmitted by a probe and shut out again by its next five failures. So
// that it is not fed five doomed requests (and two log lines) every `interval`, each time it
// is shut out again within `hold` of its readmission the wait before its next probe doubles,
// up to `max_interval` (the breaker's cool-down: never less often than the half-open probe
// would try it anyway). A readmission that holds for `hold` starts the waits again from
// `interval`, so the next outage is seen as quickly as the first.
//
// Closed breakers are never probed: requests tell how those instances do.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "http/client.hpp"
#include "services/gateway/upstreams.hpp"

namespace mercato::gateway {

struct BreakerProbeOptions {
  std::chrono::milliseconds interval{250};  // between two probes of one open instance
  std::chrono::milliseconds timeout{1000};  // of each probe
  std::chrono::milliseconds max_interval{5000};  // the longest wait, backed off (the breaker's cool-down)
  std::chrono::milliseconds hold{5000};  // a readmission closed this long resets the wait to `interval`
};

class BreakerProbes {
 public:
  using Options = BreakerProbeOptions;
  /// `client` and `groups` must outlive the probes' loops (stop() ends them).
  BreakerProbes(http::Client& client, std::vector<UpstreamGroup*> groups, Options options);
  ~BreakerProbes();
  BreakerProbes(const BreakerProbes&) = delete;
  BreakerProbes& operator=(const BreakerProbes&) = delete;

  /// Starts one loop per instance, each on a strand of `ex`. Once only.
  void start(const asio::any_io_executor& ex);
  /// Ends the loops and returns once every one has ended: at once for a loop between probes,
  /// after at most `timeout` for one waiting for an answer.
  asio::awaitable<void> stop();

 private:
  struct Watch;
  asio::awaitable<void> watch(Watch& w);

  http::Client& client_;
  std::vector<UpstreamGroup*> groups_;
  Options options_;
  std::vector<std::unique_ptr<Watch>> watches_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> running_{0};
};

}  // namespace mercato::gateway
