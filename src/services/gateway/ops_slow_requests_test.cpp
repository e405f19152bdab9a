#include "services/gateway/ops_slow_requests.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace mercato::gateway {
namespace {

using namespace std::chrono_literals;
using Clock = SlowRequests::Clock;

// A fixed origin on a minute boundary, so a test knows which bucket each time falls in.
const Clock::time_point t0 = Clock::time_point(std::chrono::hours(1000));

void add(SlowRequests& s, int ms, Clock::time_point at, std::string id = {}) {
  if (id.empty()) id = std::string("r").append(std::to_string(ms));
  s.record("GET", "/api/v1/products", 200, std::chrono::milliseconds(ms), id, at);
}

std::vector<std::string> ids(const std::vector<SlowRequest>& list) {
  std::vector<std::string> out;
  for (const auto& r : list) out.push_back(r.request_id);
  return out;
}

TEST(SlowRequests, keeps_what_it_is_given_slowest_first_with_the_answer_s_id) {
  SlowRequests s;
  add(s, 5, t0);
  add(s, 50, t0 + 1s);
  s.record("POST", "/api/v1/auth/login", 401, 20ms, "req-abc", t0 + 2s);
  auto list = s.slowest(t0 + 3s);
  EXPECT_EQ(ids(list), (std::vector<std::string>{"r50", "req-abc", "r5"}));
  EXPECT_EQ(list[1].method, "POST");
  EXPECT_EQ(list[1].route, "/api/v1/auth/login");
  EXPECT_EQ(list[1].status, 401);
  EXPECT_EQ(list[1].duration, 20ms);
}

TEST(SlowRequests, keeps_only_the_twenty_slowest) {
  SlowRequests s;
  for (int ms = 1; ms <= 100; ++ms) add(s, (ms * 37) % 100 + 1, t0 + std::chrono::milliseconds(ms));  // shuffled 1..100
  auto list = s.slowest(t0 + 1s);
  ASSERT_EQ(list.size(), SlowRequests::kCapacity);
  for (std::size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i].duration, std::chrono::milliseconds(100 - i));
}

TEST(SlowRequests, a_request_no_slower_than_the_twentieth_does_not_displace_it) {
  SlowRequests s;
  for (int i = 0; i < 20; ++i) add(s, 10, t0, std::string("old").append(std::to_string(i)));
  add(s, 10, t0 + 1s, "tie");
  add(s, 3, t0 + 1s, "fast");
  auto list = s.slowest(t0 + 2s);
  for (const auto& id : ids(list)) EXPECT_TRUE(id.starts_with("old")) << id;
}

TEST(SlowRequests, the_slowest_of_the_window_come_from_every_minute_of_it) {
  SlowRequests s;
  for (int i = 0; i < 20; ++i) add(s, 100 + i, t0 + 1s, std::string("m0-").append(std::to_string(i)));  // a slow minute, full
  for (int i = 0; i < 20; ++i) add(s, 5 + i, t0 + 61s, std::string("m1-").append(std::to_string(i)));   // a faster one, also full
  add(s, 500, t0 + 62s, "m1-slowest");
  auto list = s.slowest(t0 + 63s);
  ASSERT_EQ(list.size(), 20u);
  EXPECT_EQ(list[0].request_id, "m1-slowest");
  for (std::size_t i = 1; i < list.size(); ++i) EXPECT_TRUE(list[i].request_id.starts_with("m0-")) << list[i].request_id;
}

TEST(SlowRequests, a_new_minute_admits_requests_faster_than_the_last_minute_s_floor) {
  SlowRequests s;
  for (int i = 0; i < 20; ++i) add(s, 100, t0 + 1s);
  add(s, 1, t0 + 60s, "next-minute");
  auto list = s.slowest(t0 + 60s);
  EXPECT_EQ(list.size(), 20u);  // the old minute's twenty still win overall …
  // … but once they leave the window, the new minute's request is there.
  auto later = s.slowest(t0 + 60s + SlowRequests::kWindowBuckets * SlowRequests::kBucket);
  EXPECT_EQ(ids(later), (std::vector<std::string>{"next-minute"}));
}

TEST(SlowRequests, requests_older_than_the_window_are_forgotten) {
  SlowRequests s;
  add(s, 900, t0, "ancient");
  add(s, 1, t0 + 4min, "recent");
  EXPECT_EQ(ids(s.slowest(t0 + 5min + 59s)), (std::vector<std::string>{"ancient", "recent"}));
  EXPECT_EQ(ids(s.slowest(t0 + 6min)), (std::vector<std::string>{"recent"}));
  EXPECT_TRUE(s.slowest(t0 + 20min).empty());
}

TEST(SlowRequests, a_bucket_reused_after_the_ring_wraps_starts_empty) {
  SlowRequests s;
  add(s, 900, t0, "first-lap");
  add(s, 1, t0 + 6min, "second-lap");  // the same slot of the ring, six minutes on
  EXPECT_EQ(ids(s.slowest(t0 + 6min)), (std::vector<std::string>{"second-lap"}));
}

TEST(SlowRequests, durations_beyond_the_floor_word_still_rank) {
  SlowRequests s;
  for (int i = 0; i < 20; ++i) add(s, 5000000 + i, t0);  // over 4295 s: more than 32 bits of microseconds
  s.record("GET", "/x", 504, std::chrono::hours(3), "longest", t0 + 1s);
  EXPECT_EQ(s.slowest(t0 + 2s).front().request_id, "longest");
}

TEST(SlowRequests, concurrent_recorders_keep_exactly_the_slowest) {
  SlowRequests s;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&s, t] {
      for (int i = 0; i < 5000; ++i) add(s, i * 4 + t, t0 + 1s, std::string("t").append(std::to_string(t)).append("-").append(std::to_string(i)));
    });
  for (auto& th : threads) th.join();
  auto list = s.slowest(t0 + 2s);
  ASSERT_EQ(list.size(), 20u);
  for (std::size_t i = 0; i < list.size(); ++i) EXPECT_EQ(list[i].duration, std::chrono::milliseconds(19999 - i));
}

}  // namespace
}  // namespace mercato::gateway
