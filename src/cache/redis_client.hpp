#pragma once
// The Redis client the cache stands on: one pipelined connection (hiredis async on Asio),
// shared by every coroutine of the process. Redis is a cache here, never the source of truth,
// so the client is built to fail fast: while it is disconnected every call returns
// service_unavailable at once instead of waiting, and it reconnects by itself.

#include <utility>  // before Asio: awaitable.hpp uses std::exchange (docs/toolchain.md#asio-include-order)

#include <array>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "trace/scope.hpp"
#include "cache/redis_command.hpp"
#include "cache/redis_reply.hpp"
#include "cache/redis_script.hpp"
#include "cache/redis_telemetry.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

namespace mercato::metrics {
class Counter;
class Histogram;
template <class Metric>
class Family;
using CounterFamily = Family<Counter>;
}  // namespace mercato::metrics

namespace mercato::cache {

namespace asio = boost::asio;
using Duration = config::Duration;

using Clock = std::chrono::steady_clock;

namespace detail {
class RedisConnection;
}

class RedisUntil;

/// gateway_timeout "the request's time ran out before Redis answered", reason "deadline": a
/// command not sent, or not answered in time, because the request it works for is due
/// (RedisClient::until). Like db::deadline_error().
Error redis_deadline_error();

/// Thread-safety: every member function may be called from any thread running `io`, from as
/// many coroutines at once as you like; hiredis itself is only ever touched on one strand.
///
/// Errors: a Redis error reply ("-WRONGTYPE ...") is a successful Result holding an error
/// RedisReply. A failed Result is a transport problem, always ErrorCode::service_unavailable:
///   - message "redis unavailable", reason "disconnected": not connected (returned without
///     waiting), or the connection dropped before the reply came;
///   - message "redis timed out", reason "timeout": no reply within the timeout (a reply
///     that comes later is dropped). After 5 timeouts in a row the connection is assumed
///     dead and re-established, failing fast meanwhile.
/// and, through until(deadline) only, ErrorCode::gateway_timeout, reason "deadline"
/// (redis_deadline_error()) when the request's deadline, not the command timeout, ran out;
/// and ErrorCode::bad_request for a call that can never work (an empty command, or
/// SUBSCRIBE/MONITOR, which belong on a RedisSubscriber).
class RedisClient {
 public:
  /// `settings.command_timeout` is the default per-call timeout and `connect_timeout` bounds
  /// each connect (TCP, AUTH, SELECT, PING); 0 means 1 s and 2 s. `name` labels metrics and
  /// logs, and is the connection's CLIENT SETNAME.
  RedisClient(asio::io_context& io, const config::RedisSettings& settings, std::string name = "redis");
  /// Stops (see stop()). Destroy the client only once no call is in flight any more: stop()
  /// first makes them all finish promptly.
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  /// Connects in the background and keeps reconnecting with capped exponential backoff
  /// (0.1 s doubling to 2 s, jittered) for as long as the client runs. Returns at once.
  void start();
  /// Closes the connection for good: calls in flight and later fail as unavailable. Returns
  /// at once; the work it leaves on `io` finishes shortly after.
  void stop();
  /// Connected and handshake done: calls are being sent.
  bool connected() const;
  /// The server is found through Sentinel (REDIS_SENTINELS): a master with replicas that a
  /// failover may promote.
  bool via_sentinel() const { return via_sentinel_; }

  /// One command, binary-safe (arguments and replies may hold any bytes, NUL included):
  /// `co_await redis.command(cmd("SET", key, value, "PX", 60000))` (see cmd()).
  asio::awaitable<Result<RedisReply>> command(std::vector<std::string> args,
                                              std::optional<Duration> timeout = {});

  /// Several commands written together before any reply is awaited (one round trip); the
  /// replies come back in order. Build the vector before the co_await (see cmd() for why). All or nothing at the transport level: one timeout or
  /// disconnect fails the whole batch (Redis may still have run some of the commands).
  asio::awaitable<Result<std::vector<RedisReply>>> pipeline(std::vector<std::vector<std::string>> commands,
                                                            std::optional<Duration> timeout = {});

  /// Runs a Lua script by EVALSHA, falling back to EVAL (which also loads it) when the
  /// server answers NOSCRIPT, as it does after a restart or SCRIPT FLUSH.
  asio::awaitable<Result<RedisReply>> eval(const Script& script, std::vector<std::string> keys,
                                           std::vector<std::string> args, std::optional<Duration> timeout = {});

  /// This client as one request sees it: every call made through the handle gives up at
  /// min(deadline, its own timeout or REDIS_COMMAND_TIMEOUT), where `deadline` is the request's
  /// (http::RequestContext::deadline). Past the deadline nothing is sent and the call fails
  /// with redis_deadline_error() at once; a call cut short by it fails with the same error
  /// (counted as a timeout in redis_commands_total, but not toward the reconnect: a short
  /// budget says nothing about the server).
  /// When the scope has a trace, each call is a client span under the scope's parent: named
  /// after the command ("GET", "EVALSHA"; "pipeline" for several), with db.system.name,
  /// db.operation.name, db.operation.batch.size, server.address/port and the outcome; never
  /// a key, a value or an argument (redis_telemetry.hpp). Without a trace: one null check.
  ///   auto r = co_await redis.until(req.context.scope()).command(cmd("GET", key));
  RedisUntil until(trace::Scope scope);

  /// Round-trip time of a PING, for /health/ready. An error reply (e.g. -LOADING) is
  /// service_unavailable too.
  asio::awaitable<Result<std::chrono::microseconds>> ping(std::optional<Duration> timeout = {});

 private:
  friend class RedisUntil;
  // The scope is taken by value: the awaitable may outlive the RedisUntil it came from.
  asio::awaitable<Result<RedisReply>> command_until(std::vector<std::string> args, std::optional<Duration> timeout,
                                                    trace::Scope scope, bool noscript_retry = false);
  asio::awaitable<Result<std::vector<RedisReply>>> pipeline_until(std::vector<std::vector<std::string>> commands,
                                                                  std::optional<Duration> timeout, trace::Scope scope,
                                                                  bool noscript_retry = false);
  asio::awaitable<Result<RedisReply>> eval_until(const Script& script, std::vector<std::string> keys,
                                                 std::vector<std::string> args, std::optional<Duration> timeout,
                                                 trace::Scope scope);
  enum Outcome : std::size_t { kOk, kErrorReply, kTimeout, kUnavailable, kOutcomeCount };
  template <class Ops>
  void count(const Result<std::vector<RedisReply>>& result, const Ops& ops);
  metrics::Counter& counter(std::size_t command, Outcome outcome);

  std::shared_ptr<detail::RedisConnection> connection_;
  telemetry::Endpoint endpoint_;
  metrics::CounterFamily& commands_;
  // Children of commands_, resolved on first use (a lookup takes a lock and builds strings).
  std::array<std::atomic<metrics::Counter*>, telemetry::kCommandCount * kOutcomeCount> counters_{};
  metrics::Histogram& depth_;
  bool via_sentinel_ = false;
};

/// A RedisClient bound to one request's scope (RedisClient::until): its deadline, and its
/// trace for the commands' spans. Cheap to copy; the client must outlive it. Same calls as
/// RedisClient, same meaning, plus the deadline.
class RedisUntil {
 public:
  RedisUntil(RedisClient& client, trace::Scope scope)
      : client_(&client), scope_(std::move(scope)), deadline_(scope_.deadline) {}

  asio::awaitable<Result<RedisReply>> command(std::vector<std::string> args, std::optional<Duration> timeout = {}) {
    return client_->command_until(std::move(args), timeout, scope_);
  }
  asio::awaitable<Result<std::vector<RedisReply>>> pipeline(std::vector<std::vector<std::string>> commands,
                                                            std::optional<Duration> timeout = {}) {
    return client_->pipeline_until(std::move(commands), timeout, scope_);
  }
  asio::awaitable<Result<RedisReply>> eval(const Script& script, std::vector<std::string> keys,
                                           std::vector<std::string> args, std::optional<Duration> timeout = {}) {
    return client_->eval_until(script, std::move(keys), std::move(args), timeout, scope_);
  }
  Clock::time_point deadline() const { return deadline_; }
  const trace::Scope& scope() const { return scope_; }

 private:
  RedisClient* client_;
  trace::Scope scope_;
  Clock::time_point deadline_;
};

inline RedisUntil RedisClient::until(trace::Scope scope) { return RedisUntil(*this, std::move(scope)); }

}  // namespace mercato::cache
