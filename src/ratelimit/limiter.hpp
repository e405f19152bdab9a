#pragma once
// The gateway's rate limit, shared by every instance through Redis: one atomic Lua script
// runs GCRA on Redis's clock, so N gateways together allow RATE_LIMIT_PER_MINUTE per client,
// not N times that (the brief's in-memory limiter's flaw).
//
// Batched: the checks that arrive while one script call is on its way to Redis go together in
// the next call (one EVALSHA, one key per check, decided in arrival order by the same GCRA
// step), so under load a gateway sends one command per batch instead of one per request. Each
// decision is exactly the one a call of its own would have made. The script touches several
// keys at once, which a Redis Cluster would need in one hash slot; Mercato runs one Redis.
//
// Leases, for clients that send many requests at once: when a batch holds several checks of one
// client, the script also takes up to 16 times as many permits from that client's budget (never
// more than is left, never more than 0.1 % of the budget nor max_lease) and this instance hands
// them out to the client's next requests itself, for a second at most, without asking Redis. A
// client that is refused is refused here until its retry time (up to a second) the same way.
// The budget stays one budget: a permit is taken from it before it is handed out, so N
// gateways together still never allow more than RATE_LIMIT_PER_MINUTE; what a lease cannot
// do is give back permits its client did not use in time (at most 0.1 % of the budget per
// lease). Below 1,000 a minute (the default is 100) that is less than one permit: no leases,
// every check goes to Redis. Leases are what a high limit (an API client's, a benchmark's) needs: under a flood of
// one client the gateway asked Redis once per batch, ~3.6 µs of Redis' CPU per request.
//
// Redis unreachable: each instance falls back to its own LocalLimiter with the budget divided
// by the expected instance count (RATE_LIMIT_LOCAL_FALLBACK), logs the switch once each way,
// and counts the decisions in ratelimit_decisions_total{source="local"}. It never fails open
// silently and never answers 500.
//
// The request's deadline: a check whose request is already due is decided by the LocalLimiter
// at once, as if Redis had failed (without switching the instance to fallback or warning: Redis
// is fine), and so is a check whose deadline passes while its batch is on its way to Redis.
// Such a request may then be counted by both Redis and the local limiter; it is being answered
// 504 anyway. A batch's script call gives up at the latest deadline among its checks.
//
// Tracing: a check of a traced request that goes to Redis is a span "ratelimit" (from queueing
// to decision) with mercato.ratelimit.decision = allowed | limited | fallback (the local
// limiter decided), mercato.ratelimit.allowed and the batch size; the batch's EVALSHA span
// hangs under the span of its first traced check (one command serves the whole batch). A check
// decided at once without Redis (its request already due, or its client's lease) makes no span. No client key is an
// attribute (it names a user or an address).

#include <utility>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "cache/redis_client.hpp"
#include "trace/scope.hpp"
#include "http/handler.hpp"
#include "ratelimit/gcra.hpp"
#include "ratelimit/local_limiter.hpp"

namespace mercato::metrics {
class Gauge;
}

namespace mercato::ratelimit {

struct LimiterOptions {
  int per_minute = 100;
  int expected_instances = 1;  // the local fallback allows per_minute / this
  int items_per_request = 100;  // a bulk write's items cost one request per this many (request_cost_ms)
  std::string key_prefix = "mercato:rl:";
  int max_lease = 1024;  // the most permits one lease holds (and 0.1 % of per_minute); 0: no leases
};

class Limiter {
 public:
  /// `redis` must outlive the limiter. Thread-safe.
  Limiter(cache::RedisClient& redis, LimiterOptions options);
  /// Decides one request of client `key` (e.g. "user:<id>" or "addr:<ip>") by the deadline of
  /// `scope` (the request's, http::RequestContext::scope(); none when left out), tracing the
  /// check in its trace.
  /// `items`: what the request carries beyond itself (a bulk write's products; 0 for any other
  /// request), charged to the same client in the same step (request_cost_ms).
  boost::asio::awaitable<Decision> check(std::string key, trace::Scope scope = {}, std::int64_t items = 0);
  bool in_fallback() const { return in_fallback_.load(); }

 private:
  struct Waiter;
  using Batch = std::vector<std::shared_ptr<Waiter>>;
  /// Permits of one client taken from the shared budget ahead of its requests, or the
  /// refusal of a client whose budget is spent, until `expires`.
  struct Lease {
    std::int64_t permits = 0;  // left to hand out; 0 for a refusal
    Decision decision;         // Redis' decision with the lease taken (remaining: after it)
    cache::Clock::time_point granted;
    cache::Clock::time_point expires;
  };
  /// The client's next decision from its lease, if it holds one. Under mu_.
  std::optional<Decision> take_lease_locked(const std::string& key, cache::Clock::time_point now);
  /// Sends queued checks, a batch at a time, until the queue is empty.
  boost::asio::awaitable<void> flush();
  boost::asio::awaitable<void> decide(Batch& batch);
  /// The LocalLimiter's decision. `redis_failed`: Redis could not decide (switches the
  /// instance to fallback, logged once), as opposed to the request running out of time.
  Decision fallback(std::string_view key, std::int64_t items, bool redis_failed = true);

  cache::RedisClient& redis_;
  LimiterOptions options_;
  GcraParams shared_params_;
  LocalLimiter local_;
  cache::Script script_;
  std::atomic<bool> in_fallback_{false};
  metrics::Gauge& fallback_active_;

  std::int64_t lease_cap_;  // min(max_lease, 0.1 % of the budget); 0: leases off

  std::mutex mu_;  // guards queue_, flushing_ and leases_
  Batch queue_;
  bool flushing_ = false;
  std::unordered_map<std::string, Lease> leases_;  // clients that sent several checks in one batch
};

/// Names the client a request counts against, e.g. "user:<id>" or "addr:<ip>".
using ClientKey = std::function<std::string(const http::Request&)>;
/// The default key: the principal when one is set, else the peer address.
std::string principal_or_address(const http::Request& req);

/// How many items a request carries beyond itself (0 for most), e.g. a bulk write's products.
using ItemCount = std::function<std::int64_t(const http::Request&)>;

/// Limits /api/* requests per client (see ClientKey). Sets RateLimit-Limit, -Remaining and
/// -Reset on every limited response; a spent budget gets 429 rate_limited with Retry-After.
/// `items` (optional): what each request costs beyond itself (Limiter::check).
http::Middleware middleware(Limiter& limiter, ClientKey key = principal_or_address, ItemCount items = {});

}  // namespace mercato::ratelimit
