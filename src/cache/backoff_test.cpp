#include "cache/backoff.hpp"

#include <gtest/gtest.h>

namespace mercato::cache {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, delays_double_from_initial_with_jitter_in_upper_half) {
  Backoff b(milliseconds{100}, milliseconds{10000}, /*seed=*/42);
  milliseconds ceiling{100};
  for (int i = 0; i < 6; ++i, ceiling *= 2) {
    const milliseconds d = b.next();
    EXPECT_GE(d, ceiling / 2) << "attempt " << i;
    EXPECT_LE(d, ceiling) << "attempt " << i;
  }
}

TEST(Backoff, delays_never_exceed_the_cap_even_after_a_long_outage) {
  Backoff b(milliseconds{100}, milliseconds{3000}, 7);
  for (int i = 0; i < 10000; ++i) {
    const milliseconds d = b.next();
    ASSERT_LE(d, milliseconds{3000});
    if (i > 10) {
      ASSERT_GE(d, milliseconds{1500});
    }
  }
}

TEST(Backoff, reset_starts_again_from_the_initial_delay) {
  Backoff b(milliseconds{50}, milliseconds{5000}, 1);
  for (int i = 0; i < 20; ++i) b.next();
  b.reset();
  EXPECT_EQ(b.attempt(), 0);
  EXPECT_LE(b.next(), milliseconds{50});
}

TEST(Backoff, jitter_spreads_processes_that_start_together) {
  // Two processes losing Redis at the same moment should not retry in lockstep.
  Backoff a(milliseconds{1000}, milliseconds{1000}, 1);
  Backoff b(milliseconds{1000}, milliseconds{1000}, 2);
  int same = 0;
  for (int i = 0; i < 20; ++i) same += a.next() == b.next();
  EXPECT_LT(same, 5);
}

TEST(Backoff, zero_initial_delay_is_treated_as_one_millisecond) {
  Backoff b(milliseconds{0}, milliseconds{0}, 3);
  EXPECT_LE(b.next(), milliseconds{1});
  EXPECT_LE(b.next(), milliseconds{1});
}

}  // namespace
}  // namespace mercato::cache
