// The tiered cache under a request's deadline, against a real Redis (REDIS_HOST / REDIS_PORT,
// the test stack's): a read whose time is spent asks Redis nothing and fails through its
// loader, and such reads do not open the breaker that protects every other request.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cache/redis_client.hpp"
#include "cache/tiered_cache.hpp"
#include "redis_test_support.hpp"

namespace mercato::cache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::wait_until;

class TieredCacheDeadline : public ::testing::Test {
 protected:
  void SetUp() override {
    redis_.start();
    ASSERT_TRUE(wait_until([&] { return redis_.connected(); }, 5s)) << "no Redis (set REDIS_HOST / REDIS_PORT)";
  }
  void TearDown() override {
    std::vector<std::string> del{"DEL", key_, gen_, keys::lease(key_)};
    loop_.run([&]() -> asio::awaitable<bool> {
      co_await redis_.command(std::move(del));
      co_return true;
    }());
    redis_.stop();
  }

  static TieredOptions options() {
    TieredOptions o;
    o.l1_max_bytes = 1 << 20;
    o.breaker_threshold = 3;
    return o;
  }
  // A loader like the catalog's: bound by the same deadline, so a spent one fails at once.
  Loader loader(Clock::time_point deadline) {
    return [this, deadline](const trace::Scope&) -> asio::awaitable<Result<CachedValue>> {
      ++loads_;
      if (Clock::now() >= deadline) co_return Error{ErrorCode::gateway_timeout, "the request's time ran out"};
      co_return CachedValue{"from the database", "\"v1\"", false};
    };
  }
  Lookup lookup(Clock::time_point deadline) const { return Lookup{"product", key_, gen_, 60s, deadline}; }
  // One get() on the loop; nullopt stands for an error, whose code lands in `error`.
  std::optional<std::string> get(TieredCache& cache, Clock::time_point deadline, ErrorCode* error = nullptr) {
    return loop_.run([&]() -> asio::awaitable<std::optional<std::string>> {
      auto r = co_await cache.get(lookup(deadline), loader(deadline));
      if (!r) {
        if (error) *error = r.error().code;
        co_return std::nullopt;
      }
      co_return (*r)->body;
    }());
  }

  test::OneThreadLoop loop_;
  RedisClient redis_{loop_.io, test::settings_from_env(), "tiered-deadline-test"};
  const std::string key_ = "mc1:test:tiered-deadline:" + std::to_string(::getpid()) + ":pd";
  const std::string gen_ = "mc1:test:tiered-deadline:" + std::to_string(::getpid()) + ":g";
  int loads_ = 0;
};

TEST_F(TieredCacheDeadline, a_spent_deadline_is_not_served_from_redis_and_does_not_open_the_breaker) {
  // One process fills L2.
  TieredCache filler(loop_.io, options(), &redis_, nullptr);
  const auto later = Clock::now() + 30s;
  ASSERT_EQ(get(filler, later), "from the database");
  ASSERT_EQ(loads_, 1);

  // Another process (an empty L1) reads with its time spent, more often than the breaker's
  // threshold: Redis is not asked (the value there would have answered), the loader fails.
  TieredCache reader(loop_.io, options(), &redis_, nullptr);
  const auto spent = Clock::now() - 1ms;
  for (int i = 0; i < 5; ++i) {
    ErrorCode code = ErrorCode::internal;
    ASSERT_EQ(get(reader, spent, &code), std::nullopt) << "read " << i << " was answered from the cache with its time spent";
    EXPECT_EQ(code, ErrorCode::gateway_timeout);
  }
  EXPECT_EQ(loads_, 6);

  // The same process, with time left, is served from Redis: the spent reads did not count
  // as Redis failures, so the breaker stayed closed.
  EXPECT_EQ(get(reader, later), "from the database");
  EXPECT_EQ(loads_, 6) << "a read with time left went to the database: the breaker opened";
}

}  // namespace
}  // namespace mercato::cache
