#include "core/loop_lag.hpp"

#include <boost/asio/post.hpp>

namespace mercato::metrics {

namespace asio = boost::asio;

std::vector<double> loop_lag_buckets() { return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5}; }

// Shared with the pending handler, so a handler that runs after the probe is gone finds its
// state alive. The timer is touched only on the strand: with several worker threads stop()
// and the handler's re-arming would otherwise race.
struct LoopLagProbe::State : std::enable_shared_from_this<State> {
  State(asio::io_context& io, std::chrono::milliseconds every, Histogram& h)
      : strand(asio::make_strand(io)), timer(strand), interval(every), lag(h) {}

  void arm() {
    timer.expires_after(interval);
    timer.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped.load(std::memory_order_relaxed)) return;
      const auto late = std::chrono::steady_clock::now() - self->timer.expiry();
      self->lag.observe(std::max(0.0, std::chrono::duration<double>(late).count()));
      self->arm();
    });
  }

  asio::strand<asio::io_context::executor_type> strand;
  asio::steady_timer timer;
  std::chrono::milliseconds interval;
  Histogram& lag;
  std::atomic<bool> stopped{false};
};

LoopLagProbe::LoopLagProbe(asio::io_context& io, std::chrono::milliseconds interval, Histogram& lag)
    : state_(std::make_shared<State>(io, interval, lag)) {}

LoopLagProbe::~LoopLagProbe() { stop(); }

void LoopLagProbe::start() {
  asio::post(state_->strand, [s = state_] {
    if (!s->stopped.load(std::memory_order_relaxed)) s->arm();
  });
}

void LoopLagProbe::stop() {
  if (state_->stopped.exchange(true)) return;
  asio::post(state_->strand, [s = state_] { s->timer.cancel(); });
}

}  // namespace mercato::metrics
