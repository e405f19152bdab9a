#pragma once
// A circuit breaker for one upstream instance. After `failure_threshold` failures in a row
// it opens: requests to that instance fail at once instead of each waiting for a dead
// host. After `cool_down` it lets one probe through (half-open); the probe's success closes
// it, its failure opens it for another cool-down. The gateway also readmits an open
// instance that says it is ready (breaker_probes.hpp).

#include <chrono>
#include <mutex>

namespace mercato::gateway {

struct BreakerOptions {
  int failure_threshold = 5;  // consecutive failures that open the breaker
  std::chrono::milliseconds cool_down{5000};  // open this long before a probe may pass
};

class CircuitBreaker {
 public:
  using Clock = std::chrono::steady_clock;
  using Options = BreakerOptions;
  enum class State { closed, open, half_open };

  explicit CircuitBreaker(Options options = {}) : options_(options) {}

  /// Whether a request may go to the instance now. While half-open, true for exactly one
  /// caller (the probe) until that request is recorded. Every true must be followed by one
  /// record_success() or record_failure(), which return the state they leave.
  bool try_acquire(Clock::time_point now = Clock::now());
  State record_success();
  State record_failure(Clock::time_point now = Clock::now());
  /// A check outside the requests (the instance's readiness probe) says it serves again:
  /// closed at once, whatever the state and the cool-down left.
  void readmit();

  /// An open breaker whose cool-down has passed reports half_open.
  State state(Clock::time_point now = Clock::now()) const;
  /// Until an open breaker lets a probe through; zero when it is not open.
  std::chrono::milliseconds retry_after(Clock::time_point now = Clock::now()) const;

 private:
  const Options options_;
  mutable std::mutex mu_;  // held for a few instructions; threads share one breaker per instance
  State state_ = State::closed;
  int failures_ = 0;  // consecutive, while closed
  Clock::time_point opened_at_{};
  bool probe_out_ = false;  // half-open: the one probe is in flight
};

}  // namespace mercato::gateway
