// The shared rate limit against the real Redis of the test stack: two limiters (two gateway
// instances) share one budget, and with Redis unreachable each falls back to its local share.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "core/ids.hpp"
#include "core/metrics.hpp"
#include "ratelimit/limiter.hpp"
#include "redis_test_support.hpp"

namespace mercato::ratelimit {
namespace {

using namespace std::chrono_literals;
namespace asio = boost::asio;

config::RedisSettings redis_settings(std::uint16_t port_override = 0) {
  config::RedisSettings s;
  const char* host = std::getenv("REDIS_HOST");
  const char* port = std::getenv("REDIS_PORT");
  const char* password = std::getenv("REDIS_PASSWORD");  // the stack's default user (test_env)
  s.host = host && *host ? host : "127.0.0.1";
  s.password = password ? password : "";
  s.port = port_override ? port_override : static_cast<std::uint16_t>(port && *port ? std::atoi(port) : 26379);
  s.command_timeout = 1000ms;
  s.connect_timeout = 500ms;
  return s;
}

using Loop = cache::test::OneThreadLoop;

bool wait_connected(cache::RedisClient& c) {
  for (int i = 0; i < 200 && !c.connected(); ++i) std::this_thread::sleep_for(10ms);
  return c.connected();
}

// One gateway's limiter on the test stack's Redis: a connected client named after the test
// (the redis_commands_total label) and limiters with a key prefix of their own.
class SharedRateLimitOneGateway : public ::testing::Test {
 protected:
  void SetUp() override {
    redis.start();
    ASSERT_TRUE(wait_connected(redis));
  }
  void TearDown() override { redis.stop(); }
  LimiterOptions options(int per_minute, int expected_instances) const {
    return {.per_minute = per_minute, .expected_instances = expected_instances,
            .key_prefix = "test:rl:" + ids::uuid_v7() + ":"};
  }
  /// The middleware's answer to a GET of `target` from `address`, due at `deadline`.
  http::Response call(Limiter& l, std::string target, std::string address,
                      cache::Clock::time_point deadline = cache::Clock::time_point::max()) {
    auto mw = middleware(l);
    http::Next ok = [](http::Request&) -> asio::awaitable<http::Response> { co_return http::Response{}; };
    http::Request req;
    req.target = std::move(target);
    req.remote_addr = std::move(address);
    req.context.deadline = deadline;
    return loop.run(mw(req, ok));
  }

  Loop loop;
  const std::string name = std::string("rl-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  cache::RedisClient redis{loop.io, redis_settings(), name};
};

// Two gateway instances: a Redis client each (named `name`-a and -b), connected, on one loop,
// and a key prefix of their own.
struct TwoGateways {
  explicit TwoGateways(const std::string& name)
      : a(loop.io, redis_settings(), name + "-a"), b(loop.io, redis_settings(), name + "-b") {
    a.start();
    b.start();
  }
  ~TwoGateways() {
    a.stop();
    b.stop();
  }
  bool connected() { return wait_connected(a) && wait_connected(b); }
  Loop loop;
  cache::RedisClient a, b;
  const std::string prefix = "test:rl:" + ids::uuid_v7() + ":";
};

TEST(SharedRateLimit, two_instances_share_one_budget) {
  TwoGateways g("rl");
  ASSERT_TRUE(g.connected());
  auto& loop = g.loop;
  auto& a = g.a;
  auto& b = g.b;
  const std::string& prefix = g.prefix;
  Limiter first(a, {.per_minute = 10, .expected_instances = 2, .key_prefix = prefix});
  Limiter second(b, {.per_minute = 10, .expected_instances = 2, .key_prefix = prefix});
  int allowed = 0;
  for (int i = 0; i < 20; ++i) {
    Limiter& l = i % 2 ? second : first;
    Decision d = loop.run(l.check("addr:10.0.0.1"));
    EXPECT_TRUE(d.shared);
    if (d.allowed) ++allowed;
    else EXPECT_GT(d.retry_after.count(), 0);
  }
  EXPECT_EQ(allowed, 10);  // not 20: the budget is shared
  // Another client has its own budget.
  EXPECT_TRUE(loop.run(first.check("addr:10.0.0.2")).allowed);
}

double redis_commands_ok(const std::string& client) {
  return cache::test::redis_commands(client, "ok");
}

// 300 checks of one client in flight together: Redis sees a handful of script calls, not 300,
// and the decisions are exactly those of one call each: 100 allowed (the burst), with
// RateLimit-Remaining counting down 99…0 without gaps or repeats, then 200 denied.
TEST_F(SharedRateLimitOneGateway, concurrent_checks_are_batched_and_decided_exactly) {
  Limiter l(redis, options(100, 1));
  const double before = redis_commands_ok(name);
  std::vector<std::future<Decision>> running;
  for (int i = 0; i < 300; ++i)
    running.push_back(asio::co_spawn(loop.io, l.check("addr:10.0.0.3"), asio::use_future));
  int allowed = 0;
  std::vector<int> remaining;
  for (auto& f : running) {
    Decision d = f.get();
    EXPECT_TRUE(d.shared);
    if (d.allowed) {
      ++allowed;
      remaining.push_back(d.remaining);
    }
  }
  EXPECT_EQ(allowed, 100);
  std::sort(remaining.begin(), remaining.end());
  for (int i = 0; i < static_cast<int>(remaining.size()); ++i) EXPECT_EQ(remaining[i], i);
  const double calls = redis_commands_ok(name) - before;
  EXPECT_GE(calls, 1);
  EXPECT_LE(calls, 10) << "checks in flight together should share script calls";
}

double lease_decisions(std::string_view result) {
  return metrics::Registry::global()
      .counter("ratelimit_decisions_total", "", {"source", "result"})
      .with({"lease", result})
      .value();
}

// One client flooding two gateways under a high limit (an API client's, a benchmark's): 16
// connections, each sending its next request when the last is answered, half through each
// gateway. Most checks are answered from leases, without a script call, and the two gateways
// together still allow no more than the one budget: at most what the budget plus the time
// the test took refills, at least the budget less the two leases that may go unused.
TEST(SharedRateLimit, leases_answer_a_flood_without_redis_and_keep_one_budget) {
  TwoGateways g("rl-lease");
  ASSERT_TRUE(g.connected());
  auto& loop = g.loop;
  const int budget = 6'000;  // 10 ms a permit; leases of 6 (0.1 %)
  Limiter first(g.a, {.per_minute = budget, .expected_instances = 2, .key_prefix = g.prefix});
  Limiter second(g.b, {.per_minute = budget, .expected_instances = 2, .key_prefix = g.prefix});
  const double leased_before = lease_decisions("allowed") + lease_decisions("denied");
  const double refused_before = lease_decisions("denied");
  const double calls_before = redis_commands_ok("rl-lease-a") + redis_commands_ok("rl-lease-b");
  constexpr int kConnections = 16, kEach = 450;  // 7,200 checks for a budget of 6,000
  struct Tally {
    int allowed = 0, denied = 0, bad_remaining = 0, denied_without_retry = 0;
  };
  auto connection = [](Limiter& l) -> asio::awaitable<Tally> {
    Tally t;
    for (int i = 0; i < kEach; ++i) {
      Decision d = co_await l.check("addr:10.0.0.9");
      EXPECT_TRUE(d.shared);
      if (d.allowed) ++t.allowed;
      else ++t.denied;
      if (!d.allowed && d.retry_after.count() <= 0) ++t.denied_without_retry;
      if (d.remaining < 0 || d.remaining > budget) ++t.bad_remaining;
    }
    co_return t;
  };
  const auto started = std::chrono::steady_clock::now();
  std::vector<std::future<Tally>> running;
  for (int c = 0; c < kConnections; ++c)
    running.push_back(asio::co_spawn(loop.io, connection(c % 2 ? second : first), asio::use_future));
  Tally total;
  for (auto& f : running) {
    Tally t = f.get();
    total.allowed += t.allowed;
    total.denied += t.denied;
    total.bad_remaining += t.bad_remaining;
    total.denied_without_retry += t.denied_without_retry;
  }
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LE(total.allowed, budget + elapsed_ms / 10 + 1) << "the gateways together allowed more than the budget";
  EXPECT_GE(total.allowed, budget - 2 * 6);
  EXPECT_EQ(total.allowed + total.denied, kConnections * kEach);
  EXPECT_EQ(total.bad_remaining, 0);
  const double leased = lease_decisions("allowed") + lease_decisions("denied") - leased_before;
  const double calls = redis_commands_ok("rl-lease-a") + redis_commands_ok("rl-lease-b") - calls_before;
  EXPECT_GT(leased, kConnections * kEach / 4) << "most of a flood should be answered from leases";
  EXPECT_LT(calls, kConnections * kEach / 4) << "script calls: " << calls;
  // Once the budget is spent, a refusal is also answered locally until the retry time, and
  // still says when to retry.
  EXPECT_GT(lease_decisions("denied") - refused_before, 0);
  EXPECT_EQ(total.denied_without_retry, 0);
}

// A flood under a high limit: 16 connections of one client, each sending its next check when
// the last is answered. A lease of as many permits again as the batch had checks ran out about
// when the next batch's round trip came back, so every other batch went to Redis: half the
// checks (the gateway under `bench gateway`: 265,391 of 527,419). A lease now takes
// kLeaseFactor (16) times the batch's checks, still within 0.1 % of the budget and max_lease.
TEST_F(SharedRateLimitOneGateway, a_flood_is_answered_mostly_from_leases) {
  Limiter l(redis, options(600'000, 1));  // leases of up to 600 permits (0.1 %)
  const double leased_before = lease_decisions("allowed") + lease_decisions("denied");
  constexpr int kConnections = 16, kEach = 500;
  auto connection = [&l]() -> asio::awaitable<int> {
    int allowed = 0;
    for (int i = 0; i < kEach; ++i)
      if ((co_await l.check("addr:10.0.0.5")).allowed) ++allowed;
    co_return allowed;
  };
  // All connections start in one turn of the loop, as a flood's requests arrive together.
  // Spawned one by one from this thread, the first could run alone (and each of its checks go
  // to Redis in a batch of one) for as long as this thread is descheduled: on a busy machine
  // the leased share then fell to 6,704 of 8,000, against 7,136 when all start together.
  std::vector<std::future<int>> running(kConnections);
  std::promise<void> spawned;
  asio::post(loop.io, [&] {
    for (auto& f : running) f = asio::co_spawn(loop.io, connection(), asio::use_future);
    spawned.set_value();
  });
  spawned.get_future().wait();
  int allowed = 0;
  for (auto& f : running) allowed += f.get();
  EXPECT_EQ(allowed, kConnections * kEach);  // far below the budget
  const double leased = lease_decisions("allowed") + lease_decisions("denied") - leased_before;
  EXPECT_GE(leased, 0.85 * kConnections * kEach) << "checks answered from leases: " << leased;
}

// Under the default limit (100 a minute) a lease would hold less than one permit: there are
// none, and a burst is decided by Redis alone, check by check (the batching test above shows
// it exact).
TEST_F(SharedRateLimitOneGateway, no_leases_below_a_thousand_a_minute) {
  Limiter l(redis, options(999, 1));
  const double leased_before = lease_decisions("allowed") + lease_decisions("denied");
  std::vector<std::future<Decision>> running;
  for (int i = 0; i < 50; ++i) running.push_back(asio::co_spawn(loop.io, l.check("addr:10.0.0.4"), asio::use_future));
  for (auto& f : running) EXPECT_TRUE(f.get().allowed);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(loop.run(l.check("addr:10.0.0.4")).allowed);
  EXPECT_EQ(lease_decisions("allowed") + lease_decisions("denied") - leased_before, 0);
}

TEST(SharedRateLimit, unreachable_redis_falls_back_to_the_local_share) {
  Loop loop;
  cache::RedisClient dead(loop.io, redis_settings(/*port_override=*/1), "rl-dead");  // nothing listens on port 1
  dead.start();
  Limiter l(dead, {.per_minute = 10, .expected_instances = 2, .key_prefix = "test:rl:dead:"});
  int allowed = 0;
  for (int i = 0; i < 20; ++i) {
    Decision d = loop.run(l.check("addr:10.0.0.9"));
    EXPECT_FALSE(d.shared);
    if (d.allowed) ++allowed;
  }
  EXPECT_EQ(allowed, 5);  // 10 per minute split over 2 expected instances
  EXPECT_TRUE(l.in_fallback());
  dead.stop();
}

// A request already due is decided by the local share at once, as when Redis fails, but
// Redis is neither asked nor declared unreachable.
TEST_F(SharedRateLimitOneGateway, a_check_whose_request_is_due_is_decided_locally_without_asking_redis) {
  Limiter l(redis, options(10, 2));
  const double before = redis_commands_ok(name);
  int allowed = 0;
  for (int i = 0; i < 8; ++i) {
    Decision d = loop.run(l.check("addr:10.0.0.11", cache::Clock::now() - 1ms));
    EXPECT_FALSE(d.shared);
    if (d.allowed) ++allowed;
  }
  EXPECT_EQ(allowed, 5);  // the local share: 10 per minute over 2 expected instances
  EXPECT_EQ(redis_commands_ok(name) - before, 0);
  EXPECT_FALSE(l.in_fallback()) << "Redis is fine; the requests were late";
}

// Redis slower than the request's budget: the check does not wait for it past the deadline.
TEST_F(SharedRateLimitOneGateway, a_check_whose_deadline_passes_while_redis_is_slow_is_decided_locally) {
  Limiter l(redis, options(10, 2));
  // BLPOP holds up every later reply on this connection for 0.8 s (the command timeout is 1 s).
  auto blocking = asio::co_spawn(
      loop.io,
      [this]() -> asio::awaitable<bool> {
        auto r = co_await redis.command(cache::cmd("BLPOP", "test:rl:" + ids::uuid_v7() + ":empty", "0.8"));
        co_return r.ok();
      },
      asio::use_future);
  const auto started = cache::Clock::now();
  Decision d = loop.run(l.check("addr:10.0.0.12", started + 150ms));
  const auto took = cache::Clock::now() - started;
  EXPECT_FALSE(d.shared);
  EXPECT_TRUE(d.allowed);
  EXPECT_LT(took, 600ms) << "it waited for Redis past the request's deadline";
  EXPECT_FALSE(l.in_fallback());
  EXPECT_TRUE(blocking.get());
  // Redis answers again: shared decisions come back.
  EXPECT_TRUE(loop.run(l.check("addr:10.0.0.12", cache::Clock::now() + 1s)).shared);
}

TEST_F(SharedRateLimitOneGateway, middleware_checks_within_the_request_deadline) {
  Limiter l(redis, options(10, 2));
  auto r = call(l, "/api/v1/products", "192.0.2.8", cache::Clock::now() - 1ms);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("RateLimit-Limit").value_or(""), "5") << "the local share decided";
}

TEST_F(SharedRateLimitOneGateway, middleware_answers_429_envelope_with_headers) {
  Limiter l(redis, options(2, 1));
  auto r1 = call(l, "/api/v1/products", "192.0.2.7");
  EXPECT_EQ(r1.status, 200);
  EXPECT_EQ(r1.header("RateLimit-Limit").value_or(""), "2");
  EXPECT_EQ(r1.header("RateLimit-Remaining").value_or(""), "1");
  EXPECT_EQ(call(l, "/api/v1/products", "192.0.2.7").status, 200);
  auto denied = call(l, "/api/v1/products", "192.0.2.7");
  EXPECT_EQ(denied.status, 429);
  EXPECT_NE(denied.body.find(R"("code":"rate_limited")"), std::string::npos);
  EXPECT_EQ(denied.header("Retry-After").value_or(""), "30");
  EXPECT_EQ(denied.header("RateLimit-Remaining").value_or(""), "0");
  // Probes are never limited.
  EXPECT_EQ(call(l, "/health/live", "192.0.2.7").status, 200);
  EXPECT_FALSE(call(l, "/health/live", "192.0.2.7").header("RateLimit-Limit").has_value());
}

}  // namespace
}  // namespace mercato::ratelimit
