#include "services/gateway/circuit_breaker.hpp"

#include <gtest/gtest.h>

namespace mercato::gateway {
namespace {

using namespace std::chrono_literals;
using State = CircuitBreaker::State;
using Clock = CircuitBreaker::Clock;

const Clock::time_point t0 = Clock::now();

CircuitBreaker make() { return CircuitBreaker({.failure_threshold = 3, .cool_down = 5s}); }

void fail_times(CircuitBreaker& b, int n, Clock::time_point at = t0) {
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(b.try_acquire(at));
    b.record_failure(at);
  }
}

TEST(CircuitBreaker, stays_closed_below_the_threshold_of_consecutive_failures) {
  auto b = make();
  fail_times(b, 2);
  EXPECT_EQ(b.state(t0), State::closed);
  b.record_success();
  fail_times(b, 2);  // the success reset the count
  EXPECT_EQ(b.state(t0), State::closed);
  EXPECT_TRUE(b.try_acquire(t0));
}

TEST(CircuitBreaker, opens_at_the_threshold_and_refuses_at_once) {
  auto b = make();
  fail_times(b, 3);
  EXPECT_EQ(b.state(t0), State::open);
  EXPECT_FALSE(b.try_acquire(t0 + 1s));
  EXPECT_FALSE(b.try_acquire(t0 + 4999ms));
  EXPECT_EQ(b.retry_after(t0 + 1s), 4000ms);
}

TEST(CircuitBreaker, after_the_cool_down_lets_exactly_one_probe_through) {
  auto b = make();
  fail_times(b, 3);
  EXPECT_EQ(b.state(t0 + 5s), State::half_open);
  EXPECT_TRUE(b.try_acquire(t0 + 5s));
  EXPECT_FALSE(b.try_acquire(t0 + 5s));
  EXPECT_FALSE(b.try_acquire(t0 + 6s));
  EXPECT_EQ(b.retry_after(t0 + 6s), 0ms);
}

TEST(CircuitBreaker, successful_probe_closes_it) {
  auto b = make();
  fail_times(b, 3);
  ASSERT_TRUE(b.try_acquire(t0 + 5s));
  b.record_success();
  EXPECT_EQ(b.state(t0 + 5s), State::closed);
  EXPECT_TRUE(b.try_acquire(t0 + 5s));
  EXPECT_TRUE(b.try_acquire(t0 + 5s));
  fail_times(b, 2, t0 + 5s);  // counting starts again from zero
  EXPECT_EQ(b.state(t0 + 5s), State::closed);
}

TEST(CircuitBreaker, failed_probe_opens_it_for_another_cool_down) {
  auto b = make();
  fail_times(b, 3);
  ASSERT_TRUE(b.try_acquire(t0 + 5s));
  b.record_failure(t0 + 5s);
  EXPECT_EQ(b.state(t0 + 6s), State::open);
  EXPECT_FALSE(b.try_acquire(t0 + 9s));
  EXPECT_TRUE(b.try_acquire(t0 + 10s));
}

TEST(CircuitBreaker, late_failures_of_requests_admitted_before_opening_do_not_extend_the_cool_down) {
  auto b = make();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(b.try_acquire(t0));
  for (int i = 0; i < 3; ++i) b.record_failure(t0);
  b.record_failure(t0 + 4s);
  b.record_failure(t0 + 4s);
  EXPECT_TRUE(b.try_acquire(t0 + 5s));
}

TEST(CircuitBreaker, readmitted_within_the_cool_down_it_admits_everyone_and_counts_afresh) {
  auto b = make();
  fail_times(b, 3);
  b.readmit();
  EXPECT_EQ(b.state(t0 + 1s), State::closed);
  EXPECT_EQ(b.retry_after(t0 + 1s), 0ms);
  EXPECT_TRUE(b.try_acquire(t0 + 1s));
  EXPECT_TRUE(b.try_acquire(t0 + 1s));
  fail_times(b, 2, t0 + 1s);
  EXPECT_EQ(b.state(t0 + 1s), State::closed);
}

TEST(CircuitBreaker, readmitted_while_half_open_its_probe_request_is_no_longer_awaited) {
  auto b = make();
  fail_times(b, 3);
  ASSERT_TRUE(b.try_acquire(t0 + 5s));  // the probe request is out
  b.readmit();
  EXPECT_TRUE(b.try_acquire(t0 + 5s));
  b.record_failure(t0 + 5s);  // the probe request's late failure counts as one, no more
  EXPECT_EQ(b.state(t0 + 5s), State::closed);
}

}  // namespace
}  // namespace mercato::gateway
