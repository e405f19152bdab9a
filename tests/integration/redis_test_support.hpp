#pragma once
// What the Redis integration tests share: the test stack's Redis from the environment, a
// bounded wait for a condition another thread makes true, and a one-thread event loop.

#include <utility>  // before Asio (docs/toolchain.md#asio-include-order)

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "cache/redis_telemetry.hpp"
#include "core/config.hpp"
#include "core/metrics.hpp"

namespace mercato::cache::test {

/// REDIS_HOST / REDIS_PORT / REDIS_PASSWORD, default 127.0.0.1:26379 (the test stack's).
inline config::RedisSettings settings_from_env(std::chrono::milliseconds command_timeout = std::chrono::milliseconds(2000)) {
  config::RedisSettings s;
  const char* host = std::getenv("REDIS_HOST");
  const char* port = std::getenv("REDIS_PORT");
  const char* password = std::getenv("REDIS_PASSWORD");
  s.host = host && *host ? host : "127.0.0.1";
  s.port = static_cast<std::uint16_t>(port && *port ? std::atoi(port) : 26379);
  s.password = password ? password : "";
  s.command_timeout = command_timeout;
  s.connect_timeout = std::chrono::milliseconds(1000);
  return s;
}

/// redis_commands_total of one client and result, summed over the command label.
inline double redis_commands(const std::string& client, std::string_view result) {
  auto& family = metrics::Registry::global().counter("redis_commands_total", "", {"client", "command", "result"});
  double sum = 0;
  for (auto command : telemetry::kCommands) sum += family.with({client, command, result}).value();
  return sum;
}

/// Polls `condition` every 5 ms; false when it is still false after `limit`.
inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

/// An io_context run by one thread for the length of a test; run() waits for one coroutine
/// (whose result type must be default-constructible: std::future's rule).
struct OneThreadLoop {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~OneThreadLoop() {
    work.reset();
    io.stop();
    thread.join();
  }
  template <class T>
  T run(boost::asio::awaitable<T> a) {
    return boost::asio::co_spawn(io, std::move(a), boost::asio::use_future).get();
  }
};

}  // namespace mercato::cache::test
