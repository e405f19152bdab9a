#include "trace/clock.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace mercato::trace {
namespace {

std::int64_t wall_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(SpanClock, AnchoredTimesAreTheWallClocksAndDurationsAreExact) {
  for (int refresh = 0; refresh < 2; ++refresh) {
    if (refresh) refresh_clock_anchor();
    const std::int64_t wall = wall_nanos();
    const std::int64_t anchored = unix_nanos_now();
    EXPECT_LT(std::llabs(anchored - wall), 50'000'000) << "more than 50 ms from the wall clock";
    const SteadyTime t = std::chrono::steady_clock::now();
    EXPECT_EQ(unix_nanos(t + std::chrono::milliseconds(5)) - unix_nanos(t), 5'000'000);
  }
}

}  // namespace
}  // namespace mercato::trace
