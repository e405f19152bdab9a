#include "core/bulkhead.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

namespace mercato {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using Clock = Bulkhead::Clock;

constexpr auto kLong = 1h;

// One caller: enters, records the outcome, holds its permit until told to leave.
struct Caller {
  std::optional<bool> admitted;
  std::string reason;
  bool leave = false;
  Bulkhead::Permit permit;
};

asio::awaitable<void> visit(Bulkhead& b, Caller& c, Clock::time_point until) {
  auto p = co_await b.enter(until);
  c.admitted = p.ok();
  if (p) {
    c.permit = std::move(*p);
  } else {
    c.reason = p.error().reason;
    EXPECT_EQ(p.error().code, ErrorCode::service_unavailable);
  }
}

void spawn(asio::io_context& io, Bulkhead& b, Caller& c, Clock::time_point until = Clock::now() + kLong) {
  asio::co_spawn(io, visit(b, c, until), asio::detached);
}

// Runs ready handlers until nothing more is ready now (timers far ahead stay pending).
void settle(asio::io_context& io) {
  io.restart();
  io.poll();
}

TEST(Bulkhead, AdmitsUpToTheLimitThenQueuesInArrivalOrder) {
  asio::io_context io;
  Bulkhead b("t_order", {2, 5}, "busy");
  Caller c[4];
  for (auto& x : c) spawn(io, b, x);
  settle(io);
  EXPECT_EQ(c[0].admitted, true);
  EXPECT_EQ(c[1].admitted, true);
  EXPECT_FALSE(c[2].admitted.has_value());
  EXPECT_FALSE(c[3].admitted.has_value());
  EXPECT_EQ(b.stats().in_use, 2);
  EXPECT_EQ(b.stats().waiting, 2);

  c[1].permit.release();  // its place goes to the first in line, not the second
  settle(io);
  EXPECT_EQ(c[2].admitted, true);
  EXPECT_FALSE(c[3].admitted.has_value());
  EXPECT_EQ(b.stats().in_use, 2);
  EXPECT_EQ(b.stats().waiting, 1);

  c[0].permit.release();
  settle(io);
  EXPECT_EQ(c[3].admitted, true);
  c[2].permit.release();
  c[3].permit.release();
  EXPECT_EQ(b.stats().in_use, 0);
  EXPECT_EQ(b.stats().waiting, 0);
}

TEST(Bulkhead, RefusesAtOnceWhenTheLineIsFull) {
  asio::io_context io;
  Bulkhead b("t_full", {1, 1}, "too many at once");
  Caller inside, queued, refused;
  spawn(io, b, inside);
  spawn(io, b, queued);
  spawn(io, b, refused);
  settle(io);
  EXPECT_EQ(inside.admitted, true);
  EXPECT_FALSE(queued.admitted.has_value());
  EXPECT_EQ(refused.admitted, false);
  EXPECT_EQ(refused.reason, Bulkhead::kFull);
  inside.permit.release();
  settle(io);
  EXPECT_EQ(queued.admitted, true);
}

TEST(Bulkhead, NoLineMeansEveryCallerBeyondTheLimitIsRefused) {
  asio::io_context io;
  Bulkhead b("t_noline", {1, 0}, "busy");
  Caller inside, refused;
  spawn(io, b, inside);
  spawn(io, b, refused);
  settle(io);
  EXPECT_EQ(inside.admitted, true);
  EXPECT_EQ(refused.reason, Bulkhead::kFull);
}

TEST(Bulkhead, ACallerWhoseDeadlinePassesInLineIsRefusedAndLeavesTheLine) {
  asio::io_context io;
  Bulkhead b("t_timeout", {1, 2}, "busy");
  Caller inside, late, patient;
  spawn(io, b, inside);
  spawn(io, b, late, Clock::now() + 20ms);
  spawn(io, b, patient);
  settle(io);
  ASSERT_EQ(b.stats().waiting, 2);
  io.restart();
  while (!late.admitted.has_value() && io.run_one_for(1s) > 0) {
  }
  EXPECT_EQ(late.admitted, false);
  EXPECT_EQ(late.reason, Bulkhead::kTimeout);
  EXPECT_EQ(b.stats().waiting, 1);
  // The place given back goes to the caller still in line, and none is lost or made up.
  inside.permit.release();
  settle(io);
  EXPECT_EQ(patient.admitted, true);
  EXPECT_EQ(b.stats().in_use, 1);
  patient.permit.release();
  EXPECT_EQ(b.stats().in_use, 0);
}

TEST(Bulkhead, ZeroMeansNoBound) {
  asio::io_context io;
  Bulkhead b("t_unbounded", {0, 0}, "busy");
  Caller c[50];
  for (auto& x : c) spawn(io, b, x);
  settle(io);
  for (auto& x : c) EXPECT_EQ(x.admitted, true);
}

TEST(Bulkhead, AMovedPermitIsGivenBackOnce) {
  asio::io_context io;
  Bulkhead b("t_move", {1, 1}, "busy");
  Caller a, next;
  spawn(io, b, a);
  settle(io);
  Bulkhead::Permit moved = std::move(a.permit);
  a.permit.release();  // moved from: gives nothing back
  EXPECT_EQ(b.stats().in_use, 1);
  moved = Bulkhead::Permit();  // assigning over it gives it back
  EXPECT_EQ(b.stats().in_use, 0);
  spawn(io, b, next);
  settle(io);
  EXPECT_EQ(next.admitted, true);
}

// Many threads, many callers, each holding its permit across a suspension: never more than the
// limit inside, every caller with a deadline far ahead admitted, nothing left over.
TEST(Bulkhead, NeverMoreThanTheLimitInsideAcrossThreads) {
  constexpr int kLimit = 3, kCallers = 400, kThreads = 4;
  asio::io_context io;
  Bulkhead b("t_threads", {kLimit, kCallers}, "busy");
  std::atomic<int> inside{0}, most{0}, admitted{0}, done{0};
  for (int i = 0; i < kCallers; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto p = co_await b.enter(Clock::now() + kLong);
          if (p) {
            ++admitted;
            const int now = ++inside;
            int seen = most.load();
            while (now > seen && !most.compare_exchange_weak(seen, now)) {
            }
            asio::steady_timer t(co_await asio::this_coro::executor, 100us);
            co_await t.async_wait(asio::use_awaitable);
            --inside;
          }
          ++done;
        },
        asio::detached);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) threads.emplace_back([&] { io.run(); });
  for (auto& t : threads) t.join();
  EXPECT_EQ(done.load(), kCallers);
  EXPECT_EQ(admitted.load(), kCallers);
  EXPECT_LE(most.load(), kLimit);
  EXPECT_EQ(b.stats().in_use, 0);
  EXPECT_EQ(b.stats().waiting, 0);
}

}  // namespace
}  // namespace mercato
