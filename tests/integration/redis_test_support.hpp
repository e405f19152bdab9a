#pragma once
// What the Redis integration tests share: the test stack's Redis from the environment, and a
// bounded wait for a condition another thread makes true.

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

#include "core/config.hpp"

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

/// Polls `condition` every 5 ms; false when it is still false after `limit`.
inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace mercato::cache::test
