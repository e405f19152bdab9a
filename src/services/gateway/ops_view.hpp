#pragma once
// The operations view's use-cases: the series of the panels asked for, the firing alerts and
// the slowest recent requests. HTTP stays in ops_routes.cpp, Prometheus in ops_prometheus.cpp.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "services/gateway/ops_panels.hpp"
#include "services/gateway/ops_prometheus.hpp"
#include "services/gateway/ops_slow_requests.hpp"

namespace mercato::gateway {

struct PanelSeries {
  const Panel* panel;
  std::vector<Series> series;
};

struct PanelsAnswer {
  double end = 0;  // Unix seconds of the last point asked for
  std::vector<PanelSeries> panels;
};

class OpsView {
 public:
  OpsView(PrometheusClient& prometheus, SlowRequests& slow) : prometheus_(prometheus), slow_(slow) {}

  /// Each panel of `q` over [now - range, now], one query after the other within `deadline`;
  /// the first failure is the answer (Prometheus down fails them all alike).
  boost::asio::awaitable<Result<PanelsAnswer>> series(const SeriesQuery& q, std::chrono::system_clock::time_point now,
                                                      std::chrono::steady_clock::time_point deadline);
  boost::asio::awaitable<Result<std::vector<FiringAlert>>> alerts(std::chrono::steady_clock::time_point deadline) {
    return prometheus_.alerts(deadline);
  }
  std::vector<SlowRequest> slow_requests(SlowRequests::Clock::time_point now) const { return slow_.slowest(now); }

 private:
  PrometheusClient& prometheus_;
  SlowRequests& slow_;
};

}  // namespace mercato::gateway
