#include "core/loop_lag.hpp"

#include <gtest/gtest.h>

#include <thread>

#include <boost/asio/post.hpp>

namespace mercato::metrics {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

TEST(LoopLagProbe, a_blocked_loop_is_recorded_as_at_least_the_time_it_was_blocked) {
  asio::io_context io;
  Histogram lag(loop_lag_buckets());
  LoopLagProbe probe(io, 10ms, lag);
  probe.start();
  // The handler holds the loop's only thread 100 ms, well past the timer's 10 ms: blocking is
  // what is measured here, not a wait for something.
  asio::post(io, [] { std::this_thread::sleep_for(100ms); });
  while (lag.count() == 0 && io.run_one() > 0) {
  }
  ASSERT_EQ(lag.count(), 1u);
  EXPECT_GE(lag.sum(), 0.085);  // at least 100 ms blocked minus the 10 ms interval, and some slack
  probe.stop();
  io.run();  // returns: the cancelled timer leaves no work
  EXPECT_EQ(lag.count(), 1u);
}

TEST(LoopLagProbe, keeps_observing_until_stopped) {
  asio::io_context io;
  Histogram lag(loop_lag_buckets());
  LoopLagProbe probe(io, 1ms, lag);
  probe.start();
  while (lag.count() < 3 && io.run_one() > 0) {
  }
  EXPECT_EQ(lag.count(), 3u);
  probe.stop();
  probe.stop();  // twice is harmless
  io.run();
  EXPECT_LE(lag.count(), 4u);  // at most the tick already queued when stop() was called
}

TEST(LoopLagProbe, destroyed_before_its_loop_runs_leaves_no_work) {
  asio::io_context io;
  Histogram lag(loop_lag_buckets());
  {
    LoopLagProbe probe(io, 1ms, lag);
    probe.start();
  }
  io.run();
  EXPECT_EQ(lag.count(), 0u);
}

}  // namespace
}  // namespace mercato::metrics
