#include "ratelimit/limiter.hpp"

#include <chrono>

#include "core/log.hpp"
#include "core/metrics.hpp"
#include "http/envelope.hpp"

namespace mercato::ratelimit {

namespace {

// KEYS[1]: the client's TAT key. ARGV[1]: emission interval (ms), ARGV[2]: burst (ms).
// Returns {allowed, remaining, retry_after_ms, reset_after_ms}. The same arithmetic as
// gcra_step() (gcra.cpp), on Redis's clock so every gateway agrees on "now".
constexpr const char* kGcraScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local new_tat = tat + emission
local used = new_tat - now
if used > burst then
  return {0, 0, used - burst, tat - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', used)
return {1, math.floor((burst - used) / emission), 0, used}
)lua";

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

metrics::CounterFamily& decisions() {
  static auto& f = metrics::Registry::global().counter(
      "ratelimit_decisions_total", "Rate-limit decisions by source (redis or local fallback) and result",
      {"source", "result"});
  return f;
}

}  // namespace

Limiter::Limiter(cache::RedisClient& redis, LimiterOptions options)
    : redis_(redis),
      options_(std::move(options)),
      shared_params_(GcraParams::per_period(options_.per_minute, std::chrono::minutes(1))),
      local_(GcraParams::per_period(std::max(1, options_.per_minute / std::max(1, options_.expected_instances)),
                                    std::chrono::minutes(1))),
      script_(kGcraScript) {}

Decision Limiter::fallback(std::string_view key) {
  if (!in_fallback_.exchange(true))
    log::warn("rate limit falling back to local limits: Redis unreachable",
              {{"local_per_minute", std::max(1, options_.per_minute / std::max(1, options_.expected_instances))}});
  Decision d = local_.check(key, now_ms());
  decisions().with({"local", d.allowed ? "allowed" : "denied"}).inc();
  return d;
}

boost::asio::awaitable<Decision> Limiter::check(std::string key) {
  std::vector<std::string> keys{options_.key_prefix + key};
  std::vector<std::string> args{std::to_string(shared_params_.emission_ms), std::to_string(shared_params_.burst_ms)};
  auto reply = co_await redis_.eval(script_, std::move(keys), std::move(args));
  if (!reply || !reply->is_array() || reply->elements().size() != 4) {
    if (reply && !reply->is_array()) log::warn("rate limit script failed", {{"reply", reply->debug_string()}});
    co_return fallback(key);
  }
  if (in_fallback_.exchange(false)) log::info("rate limit shared through Redis again");
  const auto& e = reply->elements();
  Decision d;
  d.limit = shared_params_.limit;
  d.allowed = e[0].as_integer() == 1;
  d.remaining = static_cast<int>(e[1].as_integer());
  d.retry_after = Millis(e[2].as_integer());
  d.reset_after = Millis(e[3].as_integer());
  d.shared = true;
  decisions().with({"redis", d.allowed ? "allowed" : "denied"}).inc();
  co_return d;
}

namespace {
std::string ceil_seconds(Millis ms) { return std::to_string((ms.count() + 999) / 1000); }
}  // namespace

std::string principal_or_address(const http::Request& req) {
  return req.principal ? "user:" + req.principal->subject : "addr:" + req.remote_addr;
}

http::Middleware middleware(Limiter& limiter, ClientKey client_key) {
  return [&limiter, client_key = std::move(client_key)](http::Request& req,
                                                       const http::Next& next) -> boost::asio::awaitable<http::Response> {
    if (!req.path().starts_with("/api/")) co_return co_await next(req);
    std::string key = client_key(req);
    Decision d = co_await limiter.check(std::move(key));
    http::Response res;
    if (d.allowed) {
      res = co_await next(req);
    } else {
      res = http::error_response(Error{ErrorCode::rate_limited, "rate limit exceeded; retry after the Retry-After delay"});
      res.set_header("Retry-After", ceil_seconds(std::max(d.retry_after, Millis(1))));
    }
    res.set_header("RateLimit-Limit", std::to_string(d.limit));
    res.set_header("RateLimit-Remaining", std::to_string(d.remaining));
    res.set_header("RateLimit-Reset", ceil_seconds(d.reset_after));
    co_return res;
  };
}

}  // namespace mercato::ratelimit
