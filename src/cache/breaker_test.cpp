#include "cache/breaker.hpp"

#include <gtest/gtest.h>

namespace mercato::cache {
namespace {

using namespace std::chrono_literals;

TEST(Breaker, opens_after_threshold_failures_in_a_row_and_closes_after_the_pause) {
  Breaker b(3, 1000ms);
  const auto t0 = Breaker::Clock::now();
  b.failure(t0);
  b.failure(t0);
  EXPECT_TRUE(b.allow(t0));
  b.failure(t0);
  EXPECT_FALSE(b.allow(t0 + 10ms));
  EXPECT_TRUE(b.is_open(t0 + 999ms));
  EXPECT_TRUE(b.allow(t0 + 1001ms));  // half-open: a probe goes through
  b.success();
  EXPECT_TRUE(b.allow(t0 + 1002ms));
  EXPECT_FALSE(b.is_open(t0 + 1002ms));
}

TEST(Breaker, a_success_resets_the_count) {
  Breaker b(3, 1000ms);
  const auto t0 = Breaker::Clock::now();
  b.failure(t0);
  b.failure(t0);
  b.success();
  b.failure(t0);
  b.failure(t0);
  EXPECT_TRUE(b.allow(t0));
}

TEST(Breaker, the_first_failure_after_reopening_trips_it_again) {
  Breaker b(3, 1000ms);
  const auto t0 = Breaker::Clock::now();
  for (int i = 0; i < 3; ++i) b.failure(t0);
  ASSERT_TRUE(b.allow(t0 + 1100ms));
  b.failure(t0 + 1100ms);
  EXPECT_FALSE(b.allow(t0 + 1200ms));
}

}  // namespace
}  // namespace mercato::cache
