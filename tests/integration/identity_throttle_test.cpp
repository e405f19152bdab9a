// identity's login throttle against the real Redis of the test stack, for what only a real
// Redis shows: a request already due is counted by this instance alone, Redis is not asked.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "core/ids.hpp"
#include "redis_test_support.hpp"
#include "services/identity/throttle.hpp"

namespace mercato::identity {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;
using cache::Clock;

using Loop = cache::test::OneThreadLoop;

// EXISTS of `key`: 0 or 1, -1 when Redis did not answer.
asio::awaitable<long long> exists(cache::RedisClient& redis, std::string key) {
  auto r = co_await redis.command(cache::cmd("EXISTS", std::move(key)));
  co_return r && r->is_integer() ? r->as_integer() : -1;
}

TEST(LoginThrottleDeadline, a_due_request_is_counted_locally_and_redis_is_not_asked) {
  Loop loop;
  cache::RedisClient redis(loop.io, cache::test::settings_from_env(), "throttle-test");
  redis.start();
  ASSERT_TRUE(cache::test::wait_until([&] { return redis.connected(); }, 5s));
  ThrottleLimits limits = ThrottleLimits::from_max_failures(2, 60s);
  LoginThrottle throttle(redis, limits);
  // Its own account and address per run, so every key is this test's (they expire with the window).
  const std::string account = "due-" + ids::uuid_v7() + "@example.com";
  const std::string address = "test-" + ids::uuid_v7();
  const std::string address_key = "identity:login:addr:" + address;

  EXPECT_EQ(loop.run(throttle.attempt(account, address, Clock::now() - 1ms)), 0s);
  EXPECT_EQ(loop.run(throttle.attempt(account, address, Clock::now() - 1ms)), 0s);
  EXPECT_GT(loop.run(throttle.attempt(account, address, Clock::now() - 1ms)), 0s)
      << "the local counters still throttle";
  EXPECT_EQ(loop.run(exists(redis, address_key)), 0) << "Redis was asked for a request already due";

  // Within its deadline an attempt is counted in Redis.
  EXPECT_GT(loop.run(throttle.attempt(account, address, Clock::now() + 5s)), 0s);
  EXPECT_EQ(loop.run(exists(redis, address_key)), 1);
  redis.stop();
}

}  // namespace
}  // namespace mercato::identity
