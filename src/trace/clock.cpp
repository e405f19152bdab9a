#include "trace/clock.hpp"

#include <atomic>

namespace mercato::trace {
namespace {

std::int64_t wall_minus_steady() {
  using std::chrono::nanoseconds;
  const auto steady = std::chrono::steady_clock::now().time_since_epoch();
  const auto wall = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<nanoseconds>(wall).count() - std::chrono::duration_cast<nanoseconds>(steady).count();
}

std::atomic<std::int64_t> anchor{wall_minus_steady()};

}  // namespace

std::int64_t unix_nanos(SteadyTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count() +
         anchor.load(std::memory_order_relaxed);
}

void refresh_clock_anchor() { anchor.store(wall_minus_steady(), std::memory_order_relaxed); }

}  // namespace mercato::trace
