#pragma once
// The one retry policy of a service's start-up work that waits for a dependency (the schema's
// migrations while PostgreSQL is away): 1 s, doubling, at most 10 s between attempts, and a
// stop request ends the wait at once so a shutdown never waits on it.

#include <chrono>
#include <functional>
#include <stop_token>

namespace mercato::service {

class RetrySchedule {
 public:
  using Duration = std::chrono::milliseconds;
  explicit RetrySchedule(Duration first = std::chrono::seconds(1), Duration cap = std::chrono::seconds(10))
      : next_(first), cap_(cap) {}
  /// The wait before the next attempt; each call moves one attempt further (doubles, capped).
  Duration next();

 private:
  Duration next_;
  Duration cap_;
};

/// Calls `attempt` until it returns true, waiting `schedule.next()` between attempts. Returns
/// false as soon as `stop` is requested (during a wait too), true once an attempt succeeded.
/// Blocks the calling thread: run it on a thread of its own (std::jthread).
bool retry_until(std::stop_token stop, RetrySchedule schedule, const std::function<bool()>& attempt);

}  // namespace mercato::service
