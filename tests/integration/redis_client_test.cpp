// RedisClient against a real Redis (REDIS_HOST / REDIS_PORT, default 127.0.0.1:26379, the
// test stack's). Every test writes under its own key prefix and deletes it afterwards.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <random>
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
#include "core/metrics.hpp"

namespace mercato::cache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::wait_until;
using test::settings_from_env;

// An io_context run by `threads` threads for the length of a test. The destructor checks
// that once every client is stopped, run() returns: nothing was left waiting on the loop.
class Loop {
 public:
  explicit Loop(int threads) : work_(asio::make_work_guard(io)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io.run(); });
  }
  ~Loop() {
    work_.reset();
    const auto deadline = Clock::now() + 5s;
    while (!io.stopped() && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
    if (!io.stopped()) {
      ADD_FAILURE() << "io_context still had work 5 s after the clients stopped";
      io.stop();
    }
    for (auto& t : threads_) t.join();
  }

  /// Runs a coroutine on the loop and waits for it (at most `limit`: a hang is a failure).
  template <class F>
  void run(F f, std::chrono::seconds limit = 30s) {
    auto done = asio::co_spawn(io, std::move(f), asio::use_future);
    if (done.wait_for(limit) != std::future_status::ready) {
      FAIL() << "coroutine did not finish within " << limit.count() << " s";
    }
    done.get();
  }

  asio::io_context io;

 private:
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  asio::steady_timer t(co_await asio::this_coro::executor, d);
  co_await t.async_wait(asio::use_awaitable);
}

class RedisClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    prefix_ = "mercato:test:redis-client:" + std::to_string(::getpid()) + ":" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ":";
    client_.start();
    ASSERT_TRUE(wait_until([&] { return client_.connected(); }, 5s))
        << "no Redis at " << settings_.host << ":" << settings_.port << " (set REDIS_HOST / REDIS_PORT)";
  }

  void TearDown() override {
    if (client_.connected()) {
      loop_.run([&]() -> asio::awaitable<void> {
        std::string cursor = "0";
        do {
          auto page = co_await client_.command(cmd("SCAN", cursor, "MATCH", prefix_ + "*", "COUNT", "1000"));
          if (!page || !page->is_array() || page->elements().size() != 2) co_return;
          cursor = page->elements()[0].as_string();
          std::vector<std::string> del{"DEL"};
          for (const auto& key : page->elements()[1].elements()) del.push_back(key.as_string());
          if (del.size() > 1) co_await client_.command(std::move(del));
        } while (cursor != "0");
      });
    }
    client_.stop();
  }

  std::string key(std::string_view name) const { return prefix_ + std::string(name); }

  config::RedisSettings settings_ = settings_from_env();
  Loop loop_{2};
  RedisClient client_{loop_.io, settings_, "itest"};
  std::string prefix_;
};

TEST_F(RedisClientTest, values_with_nul_bytes_round_trip_exactly) {
  const std::string value("a\0b\r\n\xff\x00z", 8);
  const std::string binary_key = key(std::string("k\0ey", 4));
  loop_.run([&]() -> asio::awaitable<void> {
    auto set = co_await client_.command(cmd("SET", binary_key, value));
    EXPECT_TRUE(set && set->is_ok()) << (set ? set->debug_string() : set.error().message);
    auto get = co_await client_.command(cmd("GET", binary_key));
    EXPECT_TRUE(get && get->is_string());
    if (get) {
      EXPECT_EQ(get->as_string(), value);
    }
    auto len = co_await client_.command(cmd("STRLEN", binary_key));
    EXPECT_TRUE(len && len->as_integer() == 8);
  });
}

TEST_F(RedisClientTest, one_mebibyte_value_round_trips_intact) {
  std::string value(1 << 20, '\0');
  std::mt19937 rng(1234);
  for (char& c : value) c = static_cast<char>(rng());
  loop_.run([&]() -> asio::awaitable<void> {
    auto set = co_await client_.command(cmd("SET", key("big"), value));
    EXPECT_TRUE(set && set->is_ok());
    auto get = co_await client_.command(cmd("GET", key("big")));
    EXPECT_TRUE(get && get->is_string());
    if (get) {
      EXPECT_EQ(get->as_string().size(), value.size());
      EXPECT_TRUE(get->as_string() == value) << "1 MiB value came back different";
    }
  });
}

TEST_F(RedisClientTest, missing_key_is_nil) {
  loop_.run([&]() -> asio::awaitable<void> {
    auto get = co_await client_.command(cmd("GET", key("absent")));
    EXPECT_TRUE(get.ok());
    if (get) {
      EXPECT_TRUE(get->is_nil()) << get->debug_string();
    }
  });
}

TEST_F(RedisClientTest, error_reply_is_a_value_and_the_client_keeps_working) {
  loop_.run([&]() -> asio::awaitable<void> {
    co_await client_.command(cmd("SET", key("text"), "not a number"));
    auto incr = co_await client_.command(cmd("INCR", key("text")));
    EXPECT_TRUE(incr.ok()) << "an error reply must not be a failed Result";
    if (incr) {
      EXPECT_TRUE(incr->is_error());
      EXPECT_EQ(incr->error_kind(), "ERR");
    }
    auto wrongtype = co_await client_.command(cmd("LPUSH", key("text"), "x"));
    EXPECT_TRUE(wrongtype && wrongtype->error_kind() == "WRONGTYPE");
    auto unknown = co_await client_.command(cmd("NO-SUCH-COMMAND"));
    EXPECT_TRUE(unknown && unknown->is_error());

    auto after = co_await client_.command(cmd("GET", key("text")));
    EXPECT_TRUE(after && after->as_string() == "not a number");
  });
}

TEST_F(RedisClientTest, pipeline_replies_come_back_in_command_order) {
  loop_.run([&]() -> asio::awaitable<void> {
    std::vector<std::vector<std::string>> commands;
    for (int i = 0; i < 200; ++i) {
      commands.push_back(cmd("SET", key("p" + std::to_string(i)), i));
      commands.push_back(cmd("INCRBY", key("p" + std::to_string(i)), i));
    }
    commands.push_back(cmd("GET", key("absent")));
    commands.push_back(cmd("HGET", key("p1"), "field"));  // WRONGTYPE, in the middle of the batch
    commands.push_back(cmd("GET", key("p199")));

    auto replies = co_await client_.pipeline(commands);
    EXPECT_TRUE(replies.ok());
    if (!replies) co_return;
    EXPECT_EQ(replies->size(), commands.size());
    for (int i = 0; i < 200; ++i) {
      EXPECT_TRUE((*replies)[2 * i].is_ok());
      EXPECT_EQ((*replies)[2 * i + 1].as_integer(), 2 * i) << "reply " << 2 * i + 1;
    }
    EXPECT_TRUE((*replies)[400].is_nil());
    EXPECT_EQ((*replies)[401].error_kind(), "WRONGTYPE");
    EXPECT_EQ((*replies)[402].as_string(), "398");

    auto empty = co_await client_.pipeline(std::vector<std::vector<std::string>>{});
    EXPECT_TRUE(empty && empty->empty());
  });
}

TEST_F(RedisClientTest, eval_loads_the_script_with_eval_after_noscript_then_runs_it_by_sha) {
  const Script script("redis.call('SET', KEYS[1], ARGV[1]) return {redis.call('GET', KEYS[1]), #ARGV[1]}");
  loop_.run([&]() -> asio::awaitable<void> {
    auto flushed = co_await client_.command(cmd("SCRIPT", "FLUSH"));
    EXPECT_TRUE(flushed && flushed->is_ok());
    const std::string value("v\0w", 3);

    // Redis has no script by this SHA now: EVALSHA answers NOSCRIPT and eval() must retry.
    auto first = co_await client_.eval(script, cmd(key("lua")), cmd(value));
    EXPECT_TRUE(first.ok());
    if (first) {
      EXPECT_EQ(*first, RedisReply::array({RedisReply::string(value), RedisReply::integer(3)})) << first->debug_string();
    }
    // EVAL loaded it under the SHA we computed: the next call is a plain EVALSHA.
    auto exists = co_await client_.command(cmd("SCRIPT", "EXISTS", script.sha1()));
    EXPECT_TRUE(exists && exists->elements().size() == 1 && exists->elements()[0].as_integer() == 1)
        << (exists ? exists->debug_string() : exists.error().message);
    auto second = co_await client_.eval(script, cmd(key("lua")), cmd("x"));
    EXPECT_TRUE(second && second->elements().size() == 2 && second->elements()[0].as_string() == "x");

    // A script's runtime error is an error reply, like any other.
    auto failing = co_await client_.eval(Script("return redis.call('INCR', KEYS[1])"), cmd(key("lua")), {});
    EXPECT_TRUE(failing && failing->is_error()) << (failing ? failing->debug_string() : failing.error().message);
  });
}

TEST_F(RedisClientTest, many_concurrent_commands_from_several_threads_each_get_their_own_reply) {
  constexpr int kCoroutines = 200;
  constexpr int kRounds = 25;
  Loop workers(4);
  std::atomic<int> mismatches{0}, failures{0};
  std::vector<std::future<void>> done;
  for (int c = 0; c < kCoroutines; ++c) {
    done.push_back(asio::co_spawn(
        workers.io,
        [&, c]() -> asio::awaitable<void> {
          for (int r = 0; r < kRounds; ++r) {
            const std::string k = key("c" + std::to_string(c));
            const std::string v = std::to_string(c) + ":" + std::to_string(r);
            auto set = co_await client_.command(cmd("SET", k, v));
            auto get = co_await client_.command(cmd("GET", k));
            if (!set || !get) ++failures;
            else if (get->as_string() != v) ++mismatches;
          }
        },
        asio::use_future));
  }
  for (auto& f : done) ASSERT_EQ(f.wait_for(60s), std::future_status::ready);
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(mismatches.load(), 0);
}

TEST_F(RedisClientTest, timeout_returns_the_timeout_error_and_the_late_reply_is_dropped_safely) {
  loop_.run([&]() -> asio::awaitable<void> {
    // BLPOP on an empty list keeps Redis from answering on this connection for 1 s: to the
    // client that is a server too slow to answer, without pausing anyone else's Redis.
    const auto start = Clock::now();
    auto blocked = co_await client_.command(cmd("BLPOP", key("empty"), "1"), 200ms);
    const auto waited = Clock::now() - start;
    EXPECT_FALSE(blocked.ok());
    if (!blocked) {
      EXPECT_EQ(blocked.error().code, ErrorCode::service_unavailable);
      EXPECT_EQ(blocked.error().message, "redis timed out");
      EXPECT_EQ(blocked.error().reason, "timeout");
    }
    EXPECT_GE(waited, 190ms);
    EXPECT_LT(waited, 800ms);

    // The next command is answered once BLPOP's own (dropped) reply has gone by.
    auto after = co_await client_.command(cmd("SET", key("after"), "1"));
    EXPECT_TRUE(after && after->is_ok()) << (after ? after->debug_string() : after.error().message);
    EXPECT_TRUE(client_.connected());
  });
}

TEST_F(RedisClientTest, repeated_timeouts_reconnect_and_fail_fast_meanwhile) {
  loop_.run([&]() -> asio::awaitable<void> {
    std::vector<std::vector<std::string>> stuck;
    for (int i = 0; i < 5; ++i) stuck.push_back(cmd("BLPOP", key("empty"), 3));
    // Five separate calls, so five timeouts in a row.
    std::atomic<int> timed_out{0};
    std::vector<std::future<void>> waits;
    for (auto& cmd : stuck) {
      waits.push_back(asio::co_spawn(
          loop_.io,
          [&, cmd]() -> asio::awaitable<void> {
            auto r = co_await client_.command(cmd, 150ms);
            if (!r && r.error().reason == "timeout") ++timed_out;
          },
          asio::use_future));
    }
    // The reconnect waits at least 50 ms of backoff, so polling every 5 ms sees the gap.
    for (int i = 0; i < 200 && timed_out.load() < 5; ++i) co_await sleep_for(5ms);
    EXPECT_EQ(timed_out.load(), 5);

    // The connection was given up: calls fail at once, without waiting for any timeout.
    const auto start = Clock::now();
    auto fast = co_await client_.command(cmd("GET", key("x")), 2000ms);
    EXPECT_LT(Clock::now() - start, 50ms);
    EXPECT_FALSE(fast.ok());
    if (!fast) {
      EXPECT_EQ(fast.error().reason, "disconnected");
    }
  });
  // ...and the client reconnects by itself (the handshake PING is answered at once).
  EXPECT_TRUE(wait_until([&] { return client_.connected(); }, 5s));
  loop_.run([&]() -> asio::awaitable<void> {
    auto ok = co_await client_.command(cmd("PING"));
    EXPECT_TRUE(ok && ok->as_string() == "PONG");
  });
}

TEST_F(RedisClientTest, until_a_spent_deadline_fails_at_once_and_sends_nothing) {
  const double ok_before = test::redis_commands("itest", "ok");
  loop_.run([&]() -> asio::awaitable<void> {
    auto bound = client_.until(Clock::now() - 1ms);
    auto set = co_await bound.command(cmd("SET", key("never"), "1"));
    EXPECT_FALSE(set.ok());
    if (!set) {
      EXPECT_EQ(set.error().code, ErrorCode::gateway_timeout);
      EXPECT_EQ(set.error().reason, "deadline");
    }
    std::vector<std::vector<std::string>> batch{cmd("SET", key("never"), "2"), cmd("INCR", key("never"))};
    auto piped = co_await bound.pipeline(std::move(batch));
    EXPECT_FALSE(piped.ok());
    if (!piped) {
      EXPECT_EQ(piped.error().reason, "deadline");
    }
    const Script set_script("return redis.call('SET', KEYS[1], '3')");
    auto script = co_await bound.eval(set_script, cmd(key("never")), {});
    EXPECT_FALSE(script.ok());
    if (!script) {
      EXPECT_EQ(script.error().reason, "deadline");
    }

    auto read = co_await client_.command(cmd("EXISTS", key("never")));
    EXPECT_TRUE(read.ok());
    if (read) {
      EXPECT_EQ(read->as_integer(), 0) << "nothing was sent";
    }
  });
  EXPECT_EQ(test::redis_commands("itest", "ok") - ok_before, 1) << "only the EXISTS went to Redis";
}

TEST_F(RedisClientTest, until_gives_up_at_the_deadline_when_it_comes_before_the_command_timeout) {
  loop_.run([&]() -> asio::awaitable<void> {
    // The command timeout is 2 s (settings_from_env); BLPOP holds the reply back for 1 s.
    const auto start = Clock::now();
    auto blocked = co_await client_.until(start + 200ms).command(cmd("BLPOP", key("empty"), "1"));
    const auto waited = Clock::now() - start;
    EXPECT_FALSE(blocked.ok());
    if (!blocked) {
      EXPECT_EQ(blocked.error().code, ErrorCode::gateway_timeout);
      EXPECT_EQ(blocked.error().message, "the request's time ran out before Redis answered");
      EXPECT_EQ(blocked.error().reason, "deadline");
    }
    EXPECT_GE(waited, 190ms);
    EXPECT_LT(waited, 800ms) << "it waited for Redis instead of the deadline";

    // Within the deadline, calls through the handle are ordinary calls.
    auto bound = client_.until(Clock::now() + 5s);
    auto set = co_await bound.command(cmd("SET", key("after"), "1"));
    EXPECT_TRUE(set && set->is_ok()) << (set ? set->debug_string() : set.error().message);
    const Script get_script("return redis.call('GET', KEYS[1])");
    auto got = co_await bound.eval(get_script, cmd(key("after")), {});
    EXPECT_TRUE(got && got->as_string() == "1") << (got ? got->debug_string() : got.error().message);
  });
}

TEST_F(RedisClientTest, until_keeps_the_command_timeout_when_it_comes_first) {
  loop_.run([&]() -> asio::awaitable<void> {
    auto blocked = co_await client_.until(Clock::now() + 10s).command(cmd("BLPOP", key("empty"), "1"), 200ms);
    EXPECT_FALSE(blocked.ok());
    if (!blocked) {
      EXPECT_EQ(blocked.error().code, ErrorCode::service_unavailable);
      EXPECT_EQ(blocked.error().reason, "timeout");
    }
  });
}

TEST_F(RedisClientTest, running_out_of_request_deadlines_does_not_reconnect) {
  // Five timeouts of the command timeout in a row drop the connection (the test above); five
  // requests whose budget ran out say nothing about Redis and must not.
  loop_.run([&]() -> asio::awaitable<void> {
    std::atomic<int> ran_out{0};
    std::vector<std::future<void>> waits;
    for (int i = 0; i < 5; ++i) {
      waits.push_back(asio::co_spawn(
          loop_.io,
          [&]() -> asio::awaitable<void> {
            // 0.3 s each, one after the other on the one connection: 1.5 s to go by.
            auto r = co_await client_.until(Clock::now() + 150ms).command(cmd("BLPOP", key("empty"), "0.3"));
            if (!r && r.error().reason == "deadline") ++ran_out;
          },
          asio::use_future));
    }
    for (int i = 0; i < 200 && ran_out.load() < 5; ++i) co_await sleep_for(5ms);
    EXPECT_EQ(ran_out.load(), 5);
    EXPECT_TRUE(client_.connected());
  });
  // The connection stays: once the BLPOPs are answered, a command goes through on it.
  loop_.run([&]() -> asio::awaitable<void> {
    auto ok = co_await client_.command(cmd("PING"), 5s);
    EXPECT_TRUE(ok && ok->as_string() == "PONG") << (ok ? ok->debug_string() : ok.error().message);
  });
  EXPECT_TRUE(client_.connected());
}

TEST_F(RedisClientTest, ping_measures_the_round_trip) {
  loop_.run([&]() -> asio::awaitable<void> {
    auto rtt = co_await client_.ping();
    EXPECT_TRUE(rtt.ok());
    if (rtt) {
      EXPECT_GT(rtt->count(), 0);
      EXPECT_LT(*rtt, std::chrono::microseconds(500000));
    }
  });
}

TEST_F(RedisClientTest, commands_that_would_hijack_the_connection_are_refused) {
  loop_.run([&]() -> asio::awaitable<void> {
    auto sub = co_await client_.command(cmd("subscribe", "x"));
    EXPECT_FALSE(sub.ok());
    if (!sub) {
      EXPECT_EQ(sub.error().code, ErrorCode::bad_request);
    }
    auto empty = co_await client_.command(cmd());
    EXPECT_FALSE(empty.ok());
    std::vector<std::vector<std::string>> with_monitor{{"PING"}, {"MONITOR"}};
    auto monitor = co_await client_.pipeline(std::move(with_monitor));
    EXPECT_FALSE(monitor.ok());
    auto still = co_await client_.command(cmd("PING"));
    EXPECT_TRUE(still && still->as_string() == "PONG");
  });
}

TEST_F(RedisClientTest, outcomes_are_counted_per_client) {
  const double ok_before = test::redis_commands("itest", "ok");
  const double error_before = test::redis_commands("itest", "error");
  const double timeout_before = test::redis_commands("itest", "timeout");
  loop_.run([&]() -> asio::awaitable<void> {
    std::vector<std::vector<std::string>> batch{cmd("SET", key("m"), "1"), cmd("GET", key("m")), cmd("HGET", key("m"), "f")};
    co_await client_.pipeline(std::move(batch));
    co_await client_.command(cmd("BLPOP", key("empty"), "1"), 50ms);
  });
  EXPECT_EQ(test::redis_commands("itest", "ok") - ok_before, 2);
  EXPECT_EQ(test::redis_commands("itest", "error") - error_before, 1);
  EXPECT_EQ(test::redis_commands("itest", "timeout") - timeout_before, 1);
  EXPECT_EQ(metrics::Registry::global().gauge("redis_connected", "", {"client"}).with({"itest"}).value(), 1);
}

// Needs no Redis: nothing listens on the port.
TEST(RedisClientUnreachable, calls_fail_at_once_while_disconnected_and_stop_leaves_no_work) {
  config::RedisSettings s = settings_from_env();
  s.host = "127.0.0.1";
  s.port = 1;
  auto unavailable = [] { return test::redis_commands("itest-unreachable", "unavailable"); };
  const double before = unavailable();
  {
    Loop loop(2);
    RedisClient client(loop.io, s, "itest-unreachable");
    client.start();
    std::this_thread::sleep_for(200ms);  // a few refused connect attempts
    EXPECT_FALSE(client.connected());
    loop.run([&]() -> asio::awaitable<void> {
      for (int i = 0; i < 100; ++i) {
        const auto start = Clock::now();
        auto r = co_await client.command(cmd("GET", "k"), 5000ms);
        EXPECT_LT(Clock::now() - start, 20ms);
        EXPECT_FALSE(r.ok());
        if (!r) {
          EXPECT_EQ(r.error().code, ErrorCode::service_unavailable);
          EXPECT_EQ(r.error().message, "redis unavailable");
          EXPECT_EQ(r.error().reason, "disconnected");
        }
      }
      auto ping = co_await client.ping();
      EXPECT_FALSE(ping.ok());
    });
    client.stop();
  }  // ~Loop: run() must return, so no reconnect timer or socket wait outlived stop()
  EXPECT_EQ(unavailable() - before, 101);
}

TEST(RedisClientStop, stop_fails_a_call_in_flight_promptly) {
  config::RedisSettings s = settings_from_env();
  Loop loop(1);
  RedisClient client(loop.io, s, "itest-stop");
  client.start();
  ASSERT_TRUE(wait_until([&] { return client.connected(); }, 5s));
  const std::string key = "mercato:test:redis-client:" + std::to_string(::getpid()) + ":stop:empty";
  auto call = asio::co_spawn(
      loop.io,
      [&]() -> asio::awaitable<Error> {
        auto r = co_await client.command(cmd("BLPOP", key, "10"), 20000ms);
        co_return r ? Error{} : r.error();
      },
      asio::use_future);
  std::this_thread::sleep_for(100ms);
  const auto start = Clock::now();
  client.stop();
  ASSERT_EQ(call.wait_for(2s), std::future_status::ready) << "stop() left a call waiting";
  EXPECT_LT(Clock::now() - start, 500ms);
  const Error e = call.get();
  EXPECT_EQ(e.code, ErrorCode::service_unavailable);
  EXPECT_EQ(e.reason, "disconnected");
  EXPECT_FALSE(client.connected());
}

}  // namespace
}  // namespace mercato::cache
