#include "service/retry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace mercato::service;
using namespace std::chrono_literals;

TEST(RetrySchedule, DoublesFromOneSecondAndStaysAtTen) {
  RetrySchedule s;
  std::vector<std::chrono::milliseconds> got;
  for (int i = 0; i < 7; ++i) got.push_back(s.next());
  EXPECT_EQ(got, (std::vector<std::chrono::milliseconds>{1s, 2s, 4s, 8s, 10s, 10s, 10s}));
}

TEST(RetryUntil, RetriesUntilAnAttemptSucceeds) {
  int calls = 0;
  std::stop_source never;
  EXPECT_TRUE(retry_until(never.get_token(), RetrySchedule(1ms, 2ms), [&] { return ++calls == 4; }));
  EXPECT_EQ(calls, 4);
}

TEST(RetryUntil, AStopEndsTheWaitAtOnce) {
  std::stop_source stop;
  std::atomic<int> calls = 0;
  bool result = true;
  // A schedule of an hour: only the stop request can end the wait before the test times out.
  std::jthread worker([&] { result = retry_until(stop.get_token(), RetrySchedule(1h, 1h), [&] { return ++calls, false; }); });
  while (calls == 0) std::this_thread::yield();
  stop.request_stop();
  worker.join();
  EXPECT_FALSE(result);
  EXPECT_EQ(calls, 1);
}

TEST(RetryUntil, AlreadyStoppedMakesNoAttempt) {
  std::stop_source stop;
  stop.request_stop();
  int calls = 0;
  EXPECT_FALSE(retry_until(stop.get_token(), RetrySchedule(), [&] { return ++calls, true; }));
  EXPECT_EQ(calls, 0);
}
