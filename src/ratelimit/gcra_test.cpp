#include "ratelimit/gcra.hpp"

#include <gtest/gtest.h>

#include "ratelimit/local_limiter.hpp"

namespace mercato::ratelimit {
namespace {

using namespace std::chrono_literals;

TEST(Gcra, allows_the_whole_budget_as_a_burst_then_denies) {
  auto p = GcraParams::per_period(100, 60s);
  std::int64_t tat = 0, now = 1'000'000;
  for (int i = 0; i < 100; ++i) {
    auto s = gcra_step(p, tat, now);
    ASSERT_TRUE(s.decision.allowed) << i;
    EXPECT_EQ(s.decision.remaining, 99 - i);
    tat = s.new_tat_ms;
  }
  auto denied = gcra_step(p, tat, now);
  EXPECT_FALSE(denied.decision.allowed);
  EXPECT_EQ(denied.decision.remaining, 0);
  EXPECT_EQ(denied.decision.retry_after, 600ms);  // one emission interval
  EXPECT_EQ(denied.new_tat_ms, tat);              // a denied request costs nothing
}

TEST(Gcra, budget_refills_at_the_emission_rate) {
  auto p = GcraParams::per_period(10, 60s);  // one request per 6 s
  std::int64_t tat = 0, now = 0;
  for (int i = 0; i < 10; ++i) tat = gcra_step(p, tat, now).new_tat_ms;
  EXPECT_FALSE(gcra_step(p, tat, now + 5999).decision.allowed);
  auto later = gcra_step(p, tat, now + 6000);
  EXPECT_TRUE(later.decision.allowed);
  EXPECT_EQ(later.decision.remaining, 0);
  // After a whole period of silence the full burst is back.
  EXPECT_EQ(gcra_step(p, later.new_tat_ms, now + 6000 + 60000).decision.remaining, 9);
}

TEST(LocalLimiter, keys_are_independent) {
  LocalLimiter l(GcraParams::per_period(2, 60s));
  EXPECT_TRUE(l.check("a", 0).allowed);
  EXPECT_TRUE(l.check("a", 0).allowed);
  EXPECT_FALSE(l.check("a", 0).allowed);
  EXPECT_TRUE(l.check("b", 0).allowed);
  EXPECT_FALSE(l.check("a", 0).shared);
}

TEST(LocalLimiter, memory_stays_bounded_under_a_flood_of_keys) {
  LocalLimiter l(GcraParams::per_period(5, 60s), 1600);
  for (int i = 0; i < 100000; ++i) l.check("client-" + std::to_string(i), 0);
  EXPECT_LE(l.size(), 1600u);
}

TEST(LocalLimiter, expired_entries_are_swept_first) {
  LocalLimiter l(GcraParams::per_period(5, 60s), 16 * 4);
  for (int i = 0; i < 64; ++i) l.check("old-" + std::to_string(i), 0);
  // Ten minutes later every old entry is stale; new clients replace them.
  for (int i = 0; i < 32; ++i) l.check("new-" + std::to_string(i), 600000);
  EXPECT_LE(l.size(), 64u);
}

TEST(RequestCost, items_cost_the_same_however_split_and_each_call_adds_a_request) {
  const auto p = GcraParams::per_period(60, 60s);  // 1,000 ms a request
  EXPECT_EQ(request_cost_ms(p, 0, 10), 1000);
  EXPECT_EQ(request_cost_ms(p, 100, 10), 11000);
  std::int64_t split = 0;
  for (int i = 0; i < 10; ++i) split += request_cost_ms(p, 10, 10);
  EXPECT_EQ(split, 20000);  // the items' 10,000 ms plus ten requests
  // Rounding is up: three items of a tenth of 1,000/7 ms each never cost less in parts.
  const auto odd = GcraParams::per_period(7, 60s);
  std::int64_t parts = 0;
  for (int i = 0; i < 3; ++i) parts += request_cost_ms(odd, 1, 10) - odd.emission_ms;
  EXPECT_GE(parts, request_cost_ms(odd, 3, 10) - odd.emission_ms);
}

TEST(RequestCost, never_more_than_the_whole_budget) {
  const auto p = GcraParams::per_period(10, 60s);
  EXPECT_EQ(request_cost_ms(p, 1000000000, 1), p.burst_ms);
  GcraStep step = gcra_step(p, 0, 0, request_cost_ms(p, 1000, 10));
  EXPECT_TRUE(step.decision.allowed);  // the largest call passes on a fresh budget
  EXPECT_EQ(step.decision.remaining, 0);
  EXPECT_FALSE(gcra_step(p, step.new_tat_ms, 0).decision.allowed);
}

TEST(LocalLimiter, charges_a_requests_items_too) {
  LocalLimiter l(GcraParams::per_period(60, 60s));
  EXPECT_EQ(l.check("a", 0, 11000).remaining, 49);
  EXPECT_EQ(l.check("a", 0).remaining, 48);
}

}  // namespace
}  // namespace mercato::ratelimit
