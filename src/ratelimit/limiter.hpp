#pragma once
// The gateway's rate limit, shared by every instance through Redis: one atomic Lua script
// runs GCRA on Redis's clock, so N gateways together allow RATE_LIMIT_PER_MINUTE per client,
// not N times that (the brief's in-memory limiter's flaw).
//
// Redis unreachable: each instance falls back to its own LocalLimiter with the budget divided
// by the expected instance count (RATE_LIMIT_LOCAL_FALLBACK), logs the switch once each way,
// and counts the decisions in ratelimit_decisions_total{source="local"}. It never fails open
// silently and never answers 500.

#include <utility>

#include <atomic>
#include <functional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "cache/redis_client.hpp"
#include "http/handler.hpp"
#include "ratelimit/gcra.hpp"
#include "ratelimit/local_limiter.hpp"

namespace mercato::ratelimit {

struct LimiterOptions {
  int per_minute = 100;
  int expected_instances = 1;  // the local fallback allows per_minute / this
  std::string key_prefix = "mercato:rl:";
};

class Limiter {
 public:
  /// `redis` must outlive the limiter. Thread-safe.
  Limiter(cache::RedisClient& redis, LimiterOptions options);
  /// Decides one request of client `key` (e.g. "user:<id>" or "addr:<ip>").
  boost::asio::awaitable<Decision> check(std::string key);
  bool in_fallback() const { return in_fallback_.load(); }

 private:
  Decision fallback(std::string_view key);

  cache::RedisClient& redis_;
  LimiterOptions options_;
  GcraParams shared_params_;
  LocalLimiter local_;
  cache::Script script_;
  std::atomic<bool> in_fallback_{false};
};

/// Names the client a request counts against, e.g. "user:<id>" or "addr:<ip>".
using ClientKey = std::function<std::string(const http::Request&)>;
/// The default key: the principal when one is set, else the peer address.
std::string principal_or_address(const http::Request& req);

/// Limits /api/* requests per client (see ClientKey). Sets RateLimit-Limit, -Remaining and
/// -Reset on every limited response; a spent budget gets 429 rate_limited with Retry-After.
http::Middleware middleware(Limiter& limiter, ClientKey key = principal_or_address);

}  // namespace mercato::ratelimit
