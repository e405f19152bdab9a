// Redis going away and coming back under load. Needs the test stack's control command in
// MERCATO_CTL (a command prefix: `$MERCATO_CTL redis stop`, `$MERCATO_CTL redis start`); without
// it the test fails rather than skips, so a run that cannot prove recovery never looks green.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "cache/redis_client.hpp"
#include "redis_test_support.hpp"
#include "cache/redis_subscriber.hpp"
#include "core/metrics.hpp"

namespace mercato::cache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::wait_until;
config::RedisSettings settings_from_env() { return test::settings_from_env(1000ms); }

std::size_t open_fds() {
  return static_cast<std::size_t>(
      std::distance(std::filesystem::directory_iterator("/proc/self/fd"), std::filesystem::directory_iterator{}));
}

// Runs `$MERCATO_CTL redis <verb>`; true when it exited 0.
bool redis_ctl(const std::string& ctl, const std::string& verb) {
  const int status = std::system((ctl + " redis " + verb).c_str());
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// Commands issued in each phase of the test, by outcome.
struct PhaseStats {
  std::atomic<int> ok{0}, unavailable{0}, timeout{0}, other{0};
  std::atomic<std::int64_t> slowest_failure_us{0};

  void record_failure(const Error& e, Clock::duration took) {
    if (e.code != ErrorCode::service_unavailable) ++other;
    else if (e.reason == "timeout") ++timeout;
    else ++unavailable;
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(took).count();
    auto seen = slowest_failure_us.load();
    while (us > seen && !slowest_failure_us.compare_exchange_weak(seen, us)) {
    }
  }
};

enum Phase { before_stop, down, after_start, phase_count };

// An io_context run by two threads. The destructor checks that run() returns once the work
// guard is gone: stopped clients must leave no timer or socket wait behind.
class Loop {
 public:
  explicit Loop(int threads) : work_(asio::make_work_guard(io)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io.run(); });
  }
  ~Loop() {
    work_.reset();
    if (!wait_until([&] { return io.stopped(); }, 5s)) {
      ADD_FAILURE() << "io_context still had work 5 s after the clients stopped";
      io.stop();
    }
    for (auto& t : threads_) t.join();
  }
  asio::io_context io;

 private:
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

TEST(RedisRestart, commands_fail_fast_while_redis_is_down_and_everything_recovers_by_itself) {
  const char* ctl_env = std::getenv("MERCATO_CTL");
  if (ctl_env == nullptr || *ctl_env == '\0') {
    FAIL() << "MERCATO_CTL is not set: this test restarts Redis through the test stack's control "
              "command (`$MERCATO_CTL redis stop|start`). Run it from `./mercato test`, or set "
              "MERCATO_CTL to a command that controls the Redis at REDIS_HOST:REDIS_PORT.";
  }
  const std::string ctl = ctl_env;
  const config::RedisSettings settings = settings_from_env();
  const std::string tag = std::to_string(::getpid());
  const std::string channel = "mercato:test:redis-restart:" + tag + ":events";
  const std::string key_prefix = "mercato:test:redis-restart:" + tag + ":";

  // Whatever fails below, Redis is running again when this test ends.
  bool redis_stopped = false;
  struct RestartOnExit {
    const std::string& ctl;
    bool& stopped;
    ~RestartOnExit() {
      if (stopped) redis_ctl(ctl, "start");
    }
  } restart_on_exit{ctl, redis_stopped};

  std::mutex got_mu;
  std::vector<std::string> got;
  std::atomic<int> sub_reconnects{0}, sub_disconnects{0};
  std::array<PhaseStats, phase_count> stats;
  std::atomic<int> phase{before_stop};
  std::atomic<bool> stop_load{false};
  // After everything the callbacks and coroutines touch, so the threads are joined first.
  Loop loop(2);
  asio::io_context& io = loop.io;

  auto& reconnects_metric = metrics::Registry::global()
                                .counter("redis_reconnects_total", "", {"client"})
                                .with({"itest-restart"});
  const double reconnects_before = reconnects_metric.value();
  {
    RedisClient client(io, settings, "itest-restart");
    RedisSubscriber subscriber(io, settings, "itest-restart-sub");
    subscriber.subscribe(channel, [&](std::string_view, std::string_view message) {
      std::lock_guard lock(got_mu);
      got.emplace_back(message);
    });
    subscriber.on_reconnect([&] { ++sub_reconnects; });
    subscriber.on_disconnect([&] { ++sub_disconnects; });
    client.start();
    subscriber.start();
    ASSERT_TRUE(wait_until([&] { return client.connected() && subscriber.connected(); }, 5s))
        << "no Redis at " << settings.host << ":" << settings.port;

    auto publish = [&](const std::string& message) {
      auto done = asio::co_spawn(
          io,
          [&]() -> asio::awaitable<std::int64_t> {
            auto r = co_await client.command(cmd("PUBLISH", channel, message));
            co_return r && r->is_integer() ? r->as_integer() : -1;
          },
          asio::use_future);
      return done.wait_for(5s) == std::future_status::ready ? done.get() : -1;
    };
    auto received = [&](const std::string& message) {
      std::lock_guard lock(got_mu);
      return std::find(got.begin(), got.end(), message) != got.end();
    };

    // Load: 8 coroutines writing their own keys, 2 ms apart, for the whole test.
    std::vector<std::future<void>> load;
    struct StopLoadOnExit {  // an early ASSERT return must not leave them using `client`
      std::atomic<bool>& stop;
      std::vector<std::future<void>>& load;
      ~StopLoadOnExit() {
        stop = true;
        for (auto& f : load) {
          if (f.valid()) f.wait_for(10s);
        }
      }
    } stop_load_on_exit{stop_load, load};
    for (int w = 0; w < 8; ++w) {
      load.push_back(asio::co_spawn(
          io,
          [&, w]() -> asio::awaitable<void> {
            asio::steady_timer pause(co_await asio::this_coro::executor);
            const std::string key = key_prefix + std::to_string(w);
            for (int i = 0; !stop_load; ++i) {
              PhaseStats& s = stats[phase.load()];
              const auto start = Clock::now();
              auto r = co_await client.command(cmd("SET", key, i));
              if (r && r->is_ok()) ++s.ok;
              else if (!r) s.record_failure(r.error(), Clock::now() - start);
              else ++s.other;
              pause.expires_after(2ms);
              co_await pause.async_wait(asio::use_awaitable);
            }
            co_await client.command(cmd("DEL", key));
          },
          asio::use_future));
    }

    EXPECT_EQ(publish("before"), 1);
    ASSERT_TRUE(wait_until([&] { return received("before"); }, 2s));
    std::this_thread::sleep_for(300ms);
    const std::size_t fds_before = open_fds();

    // Down.
    ASSERT_TRUE(redis_ctl(ctl, "stop")) << "`" << ctl << " redis stop` failed";
    redis_stopped = true;
    ASSERT_TRUE(wait_until([&] { return !client.connected() && !subscriber.connected(); }, 2s))
        << "the clients did not notice that Redis stopped";
    phase = down;
    std::this_thread::sleep_for(1500ms);  // long enough for several reconnect attempts
    EXPECT_EQ(sub_disconnects.load(), 1);
    EXPECT_EQ(metrics::Registry::global().gauge("redis_connected", "", {"client"}).with({"itest-restart"}).value(), 0);

    // Up again: both connections come back without anyone asking.
    phase = after_start;
    ASSERT_TRUE(redis_ctl(ctl, "start")) << "`" << ctl << " redis start` failed";
    redis_stopped = false;
    EXPECT_TRUE(wait_until([&] { return client.connected(); }, 10s)) << "the client did not reconnect";
    EXPECT_TRUE(wait_until([&] { return subscriber.connected() && sub_reconnects.load() == 1; }, 10s))
        << "the subscriber did not resubscribe and report it";
    EXPECT_EQ(publish("after"), 1);
    EXPECT_TRUE(wait_until([&] { return received("after"); }, 2s)) << "no message after the restart";
    std::this_thread::sleep_for(300ms);

    stop_load = true;
    for (auto& f : load) {
      ASSERT_EQ(f.wait_for(10s), std::future_status::ready) << "a load coroutine hung";
      f.get();
    }
    // No socket or descriptor was leaked by the failed reconnect attempts.
    EXPECT_TRUE(wait_until([&] { return open_fds() == fds_before; }, 2s))
        << "open fds: " << open_fds() << " now, " << fds_before << " before the restart";
    client.stop();
    subscriber.stop();
  }

  const PhaseStats& up = stats[before_stop];
  const PhaseStats& down_stats = stats[down];
  const PhaseStats& after = stats[after_start];
  EXPECT_GT(up.ok.load(), 100);
  EXPECT_EQ(up.other.load() + up.timeout.load(), 0);

  EXPECT_EQ(down_stats.ok.load(), 0);
  EXPECT_GT(down_stats.unavailable.load(), 100) << "calls kept coming while Redis was down";
  EXPECT_EQ(down_stats.timeout.load(), 0) << "calls waited for a dead Redis instead of failing fast";
  EXPECT_EQ(down_stats.other.load(), 0);
  EXPECT_LT(down_stats.slowest_failure_us.load(), 100000) << "a call to a stopped Redis took over 100 ms to fail";

  EXPECT_GT(after.ok.load(), 50) << "the client did not serve again after the restart";
  EXPECT_EQ(after.other.load(), 0);
  EXPECT_GE(reconnects_metric.value() - reconnects_before, 1);

}  // ~Loop checks that run() returns: stop() left nothing behind on the io_context

}  // namespace
}  // namespace mercato::cache
