// RedisSubscriber against a real Redis (REDIS_HOST / REDIS_PORT, default 127.0.0.1:26379).
// Channels carry the process id and test name, so parallel runs do not hear each other.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <gtest/gtest.h>

#include "cache/redis_client.hpp"
#include "redis_test_support.hpp"
#include "cache/redis_subscriber.hpp"

namespace mercato::cache {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using test::wait_until;
using test::settings_from_env;

struct Received {
  std::mutex mu;
  std::vector<std::pair<std::string, std::string>> messages;

  void add(std::string_view channel, std::string_view message) {
    std::lock_guard lock(mu);
    messages.emplace_back(channel, message);
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return messages.size();
  }
  std::pair<std::string, std::string> at(std::size_t i) {
    std::lock_guard lock(mu);
    return messages.at(i);
  }
};

class RedisSubscriberTest : public ::testing::Test {
 protected:
  RedisSubscriberTest() : work_(asio::make_work_guard(io_)) {
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }

  ~RedisSubscriberTest() override {
    subscriber_.stop();
    publisher_.stop();
    work_.reset();
    if (!wait_until([&] { return io_.stopped(); }, 5s)) {
      ADD_FAILURE() << "io_context still had work 5 s after stop()";
      io_.stop();
    }
    for (auto& t : threads_) t.join();
  }

  void SetUp() override {
    prefix_ = "mercato:test:redis-sub:" + std::to_string(::getpid()) + ":" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name() + ":";
    publisher_.start();
    ASSERT_TRUE(wait_until([&] { return publisher_.connected(); }, 5s))
        << "no Redis at " << settings_.host << ":" << settings_.port << " (set REDIS_HOST / REDIS_PORT)";
  }

  std::string channel(std::string_view name) const { return prefix_ + std::string(name); }

  // PUBLISH's reply is the number of subscribers that got the message.
  std::int64_t publish(const std::string& channel, const std::string& message) {
    auto done = asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<std::int64_t> {
          auto r = co_await publisher_.command(cmd("PUBLISH", channel, message));
          co_return r && r->is_integer() ? r->as_integer() : -1;
        },
        asio::use_future);
    return done.wait_for(5s) == std::future_status::ready ? done.get() : -1;
  }

  std::int64_t subscribers_of(const std::string& channel) {
    auto done = asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<std::int64_t> {
          auto r = co_await publisher_.command(cmd("PUBSUB", "NUMSUB", channel));
          co_return r && r->elements().size() == 2 ? r->elements()[1].as_integer() : -1;
        },
        asio::use_future);
    return done.wait_for(5s) == std::future_status::ready ? done.get() : -1;
  }

  // What the callbacks write to lives in the fixture, not in the test body: callbacks may
  // still run until the destructor has joined the io threads.
  Received got_, other_;
  std::atomic<int> reconnects_{0}, disconnects_{0};

  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
  config::RedisSettings settings_ = settings_from_env();
  RedisClient publisher_{io_, settings_, "itest-pub"};
  std::string subscriber_name_ = "itest-sub-" + std::to_string(::getpid());
  RedisSubscriber subscriber_{io_, settings_, subscriber_name_};
  std::string prefix_;
};

TEST_F(RedisSubscriberTest, published_message_reaches_the_handler_byte_for_byte) {
  subscriber_.subscribe(channel("a"), [&](std::string_view ch, std::string_view msg) { got_.add(ch, msg); });
  subscriber_.start();
  ASSERT_TRUE(wait_until([&] { return subscriber_.connected(); }, 5s));

  const std::string message("product:1\0\xff\r\n", 14);
  EXPECT_EQ(publish(channel("a"), message), 1);
  ASSERT_TRUE(wait_until([&] { return got_.size() == 1; }, 2s));
  EXPECT_EQ(got_.at(0).first, channel("a"));
  EXPECT_EQ(got_.at(0).second, message);

  EXPECT_EQ(publish(channel("not-subscribed"), "x"), 0);
}

TEST_F(RedisSubscriberTest, subscribing_while_connected_takes_effect) {
  subscriber_.subscribe(channel("first"), [&](std::string_view ch, std::string_view msg) { got_.add(ch, msg); });
  subscriber_.start();
  ASSERT_TRUE(wait_until([&] { return subscriber_.connected(); }, 5s));

  subscriber_.subscribe(channel("second"), [&](std::string_view ch, std::string_view msg) { other_.add(ch, msg); });
  ASSERT_TRUE(wait_until([&] { return subscribers_of(channel("second")) == 1; }, 2s));
  EXPECT_EQ(publish(channel("second"), "hello"), 1);
  EXPECT_EQ(publish(channel("first"), "hi"), 1);
  ASSERT_TRUE(wait_until([&] { return other_.size() == 1 && got_.size() == 1; }, 2s));
  EXPECT_EQ(other_.at(0).second, "hello");
  EXPECT_EQ(got_.at(0).second, "hi");
}

TEST_F(RedisSubscriberTest, every_handler_of_a_channel_runs_and_a_throwing_one_does_not_stop_the_rest) {
  subscriber_.subscribe(channel("x"), [&](std::string_view ch, std::string_view msg) { got_.add(ch, msg); });
  subscriber_.subscribe(channel("x"), [](std::string_view, std::string_view) { throw std::runtime_error("bad handler"); });
  subscriber_.subscribe(channel("x"), [&](std::string_view ch, std::string_view msg) { other_.add(ch, msg); });
  subscriber_.start();
  ASSERT_TRUE(wait_until([&] { return subscriber_.connected(); }, 5s));
  EXPECT_EQ(subscribers_of(channel("x")), 1) << "one connection subscribes once, however many handlers";

  for (int i = 0; i < 100; ++i) EXPECT_EQ(publish(channel("x"), std::to_string(i)), 1);
  ASSERT_TRUE(wait_until([&] { return got_.size() == 100 && other_.size() == 100; }, 5s));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(got_.at(i).second, std::to_string(i)) << "messages arrive in publish order";
    EXPECT_EQ(other_.at(i).second, std::to_string(i));
  }
}

TEST_F(RedisSubscriberTest, first_successful_connection_is_not_reported_as_a_reconnect) {
  subscriber_.on_reconnect([&] { ++reconnects_; });
  subscriber_.on_disconnect([&] { ++disconnects_; });
  subscriber_.subscribe(channel("c"), [](std::string_view, std::string_view) {});
  subscriber_.start();
  ASSERT_TRUE(wait_until([&] { return subscriber_.connected(); }, 5s));
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(reconnects_.load(), 0);
  EXPECT_EQ(disconnects_.load(), 0);
}

TEST_F(RedisSubscriberTest, dropped_connection_is_reported_and_subscriptions_come_back) {
  subscriber_.on_reconnect([&] { ++reconnects_; });
  subscriber_.on_disconnect([&] { ++disconnects_; });
  subscriber_.subscribe(channel("k"), [&](std::string_view ch, std::string_view msg) { got_.add(ch, msg); });
  subscriber_.start();
  ASSERT_TRUE(wait_until([&] { return subscriber_.connected(); }, 5s));

  // The server drops our subscriber's connection (found by the name it gives itself).
  auto killed = asio::co_spawn(
      io_,
      [&]() -> asio::awaitable<std::int64_t> {
        auto list = co_await publisher_.command(cmd("CLIENT", "LIST", "TYPE", "pubsub"));
        if (!list) co_return -1;
        std::istringstream lines(list->as_string());
        for (std::string line; std::getline(lines, line);) {
          if (line.find(" name=" + subscriber_name_ + " ") == std::string::npos) continue;
          const std::string id = line.substr(3, line.find(' ') - 3);  // "id=N addr=..."
          auto r = co_await publisher_.command(cmd("CLIENT", "KILL", "ID", id));
          co_return r && r->is_integer() ? r->as_integer() : -1;
        }
        co_return 0;
      },
      asio::use_future);
  ASSERT_EQ(killed.wait_for(5s), std::future_status::ready);
  ASSERT_EQ(killed.get(), 1) << "subscriber connection " << subscriber_name_ << " not found in CLIENT LIST";

  ASSERT_TRUE(wait_until([&] { return reconnects_.load() == 1 && subscriber_.connected(); }, 5s));
  EXPECT_EQ(disconnects_.load(), 1);
  EXPECT_EQ(publish(channel("k"), "after"), 1);
  ASSERT_TRUE(wait_until([&] { return got_.size() == 1; }, 2s));
  EXPECT_EQ(got_.at(0).second, "after");
}

}  // namespace
}  // namespace mercato::cache
