#pragma once
// A circuit breaker in front of Redis: after `threshold` transport failures in a row the
// cache stops calling Redis for `open_for` (requests go straight to L1 and the database
// instead of each waiting for a timeout), then lets calls through again; the first failure
// after that re-opens it at once. Lock-free; races between threads only blur the count.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace mercato::cache {

class Breaker {
 public:
  using Clock = std::chrono::steady_clock;
  Breaker(int threshold, std::chrono::milliseconds open_for) : threshold_(threshold), open_for_(open_for) {}

  /// May a call go to Redis now?
  bool allow(Clock::time_point now = Clock::now());
  void success();
  void failure(Clock::time_point now = Clock::now());
  /// Open now (calls refused).
  bool is_open(Clock::time_point now = Clock::now()) const;

 private:
  static std::int64_t ticks(Clock::time_point t) { return t.time_since_epoch().count(); }

  const int threshold_;
  const std::chrono::milliseconds open_for_;
  std::atomic<int> failures_{0};
  std::atomic<std::int64_t> open_until_{0};  // Clock ticks; 0: never tripped since the last success
  std::atomic<bool> probing_{false};         // tripped before: one failure trips it again
};

}  // namespace mercato::cache
