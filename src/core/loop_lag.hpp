#pragma once
// Event-loop lag: a timer armed every `interval` on the io_context records how late it fired
// (event_loop_lag_seconds). A loop kept busy by slow handlers or starved of CPU delays every
// request by about as much, so the histogram explains latency the request metrics only show.

#include <utility>

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "core/metrics.hpp"

namespace mercato::metrics {

/// The lag buckets in seconds: 1 ms … 5 s.
std::vector<double> loop_lag_buckets();

class LoopLagProbe {
 public:
  /// Observes into `lag` (seconds late) every `interval` once started.
  LoopLagProbe(boost::asio::io_context& io, std::chrono::milliseconds interval, Histogram& lag);
  /// Stops the probe (see stop()).
  ~LoopLagProbe();
  LoopLagProbe(const LoopLagProbe&) = delete;
  LoopLagProbe& operator=(const LoopLagProbe&) = delete;

  void start();
  /// Cancels the timer, so a loop draining for shutdown has no probe work left; safe from any
  /// thread and more than once.
  void stop();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace mercato::metrics
