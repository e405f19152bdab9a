#include "cache/redis_client.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include <boost/asio/use_awaitable.hpp>
#include <boost/container/small_vector.hpp>

#include "cache/redis_connection.hpp"
#include "core/metrics.hpp"

namespace mercato::cache {
namespace {

constexpr std::string_view kOutcomes[] = {"ok", "error", "timeout", "unavailable"};

// The command names of one exchange, taken before the commands are moved into it.
using Ops = boost::container::small_vector<std::uint8_t, 4>;
static_assert(telemetry::kCommandCount < 256);

Ops operations(const std::vector<std::vector<std::string>>& commands) {
  Ops ops;
  for (const auto& c : commands)
    ops.push_back(static_cast<std::uint8_t>(telemetry::command_index(c.empty() ? std::string_view() : c.front())));
  return ops;
}

telemetry::Endpoint endpoint_of(const config::RedisSettings& s, const std::string& name) {
  return telemetry::Endpoint{s.host.empty() ? "127.0.0.1" : s.host, int{s.port}, s.db, name};
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y)); });
}

// Commands that change what a connection receives: hiredis would route their replies to
// subscription callbacks and every later reply on this shared connection would go astray.
Status check_command(const std::vector<std::string>& args) {
  if (args.empty()) return bad_request("redis: empty command");
  for (std::string_view name : {"SUBSCRIBE", "PSUBSCRIBE", "UNSUBSCRIBE", "PUNSUBSCRIBE", "MONITOR"}) {
    if (iequals(args.front(), name)) return bad_request("redis: " + args.front() + " needs a RedisSubscriber");
  }
  return {};
}

}  // namespace

RedisClient::RedisClient(asio::io_context& io, const config::RedisSettings& settings, std::string name)
    : connection_(detail::RedisConnection::create(io, settings, name)),
      endpoint_(endpoint_of(settings, name)),
      commands_(metrics::Registry::global().counter(
          "redis_commands_total",
          "Redis commands by command (a fixed list, else OTHER) and outcome: ok, error (an error reply), timeout, "
          "unavailable",
          {"client", "command", "result"})),
      depth_(metrics::Registry::global()
                 .histogram("redis_pipeline_depth", "Commands per exchange with Redis (1: a single command)",
                            {"client"}, {1, 2, 4, 8, 16, 32, 64, 128, 256})
                 .with({name})),
      via_sentinel_(!settings.sentinels.empty()) {}

RedisClient::~RedisClient() { stop(); }

void RedisClient::start() { connection_->start(); }
void RedisClient::stop() { connection_->stop(); }
bool RedisClient::connected() const { return connection_->ready(); }

Error redis_deadline_error() {
  Error e{ErrorCode::gateway_timeout, "the request's time ran out before Redis answered"};
  e.reason = "deadline";
  return e;
}

asio::awaitable<Result<RedisReply>> RedisClient::command(std::vector<std::string> args,
                                                         std::optional<Duration> timeout) {
  return command_until(std::move(args), timeout, trace::Scope());
}

asio::awaitable<Result<std::vector<RedisReply>>> RedisClient::pipeline(std::vector<std::vector<std::string>> commands,
                                                                       std::optional<Duration> timeout) {
  return pipeline_until(std::move(commands), timeout, trace::Scope());
}

asio::awaitable<Result<RedisReply>> RedisClient::eval(const Script& script, std::vector<std::string> keys,
                                                      std::vector<std::string> args, std::optional<Duration> timeout) {
  return eval_until(script, std::move(keys), std::move(args), timeout, trace::Scope());
}

asio::awaitable<Result<RedisReply>> RedisClient::command_until(std::vector<std::string> args,
                                                               std::optional<Duration> timeout, trace::Scope scope,
                                                               bool noscript_retry) {
  std::vector<std::vector<std::string>> one;
  one.push_back(std::move(args));
  auto replies = co_await pipeline_until(std::move(one), timeout, std::move(scope), noscript_retry);
  if (!replies) co_return std::move(replies).error();
  co_return std::move(replies->front());
}

asio::awaitable<Result<std::vector<RedisReply>>> RedisClient::pipeline_until(
    std::vector<std::vector<std::string>> commands, std::optional<Duration> timeout, trace::Scope scope,
    bool noscript_retry) {
  if (commands.empty()) co_return std::vector<RedisReply>{};
  trace::Span span;
  if (scope.trace) span = telemetry::start_span(scope, commands, endpoint_, noscript_retry);
  for (const auto& args : commands) {
    if (Status ok = check_command(args); !ok) {
      Result<std::vector<RedisReply>> refused = std::move(ok).error();
      telemetry::finish_span(span, refused);
      co_return refused;
    }
  }
  // Not sent once due: the caller has stopped waiting for the answer.
  const auto deadline = scope.deadline;
  const auto now = Clock::now();
  if (now >= deadline) {
    Result<std::vector<RedisReply>> due = redis_deadline_error();
    telemetry::finish_span(span, due);
    co_return due;
  }
  Duration wait = timeout.value_or(connection_->command_timeout());
  const bool request_bound = deadline - now < wait;
  if (request_bound) wait = std::chrono::duration_cast<Duration>(deadline - now);
  const Ops ops = operations(commands);
  auto result = co_await connection_->async_exchange(std::move(commands), wait, /*stall_signal=*/!request_bound,
                                                     asio::use_awaitable);
  count(result, ops);
  if (!result && request_bound && result.error().reason == "timeout") result = redis_deadline_error();
  telemetry::finish_span(span, result);
  co_return result;
}

asio::awaitable<Result<RedisReply>> RedisClient::eval_until(const Script& script, std::vector<std::string> keys,
                                                            std::vector<std::string> args,
                                                            std::optional<Duration> timeout, trace::Scope scope) {
  std::vector<std::string> call = cmd("EVALSHA", script.sha1(), keys.size());
  call.reserve(call.size() + keys.size() + args.size());
  std::move(keys.begin(), keys.end(), std::back_inserter(call));
  std::move(args.begin(), args.end(), std::back_inserter(call));

  auto reply = co_await command_until(call, timeout, scope);
  if (reply && reply->error_kind() == "NOSCRIPT") {
    call[0] = "EVAL";
    call[1] = script.source();
    reply = co_await command_until(std::move(call), timeout, std::move(scope), /*noscript_retry=*/true);
  }
  co_return reply;
}

asio::awaitable<Result<std::chrono::microseconds>> RedisClient::ping(std::optional<Duration> timeout) {
  const auto start = std::chrono::steady_clock::now();
  auto reply = co_await command(cmd("PING"), timeout);
  const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
  if (!reply) co_return std::move(reply).error();
  if (reply->is_error()) co_return detail::redis_unavailable(reply->as_string());
  co_return elapsed;
}

metrics::Counter& RedisClient::counter(std::size_t command, Outcome outcome) {
  auto& slot = counters_[command * kOutcomeCount + outcome];
  metrics::Counter* c = slot.load(std::memory_order_acquire);
  if (c == nullptr) {
    c = &commands_.with({endpoint_.client, telemetry::kCommands[command], kOutcomes[outcome]});
    slot.store(c, std::memory_order_release);
  }
  return *c;
}

template <class Ops>
void RedisClient::count(const Result<std::vector<RedisReply>>& result, const Ops& ops) {
  depth_.observe(static_cast<double>(ops.size()));
  if (!result) {
    const Outcome o = result.error().reason == "timeout" ? kTimeout : kUnavailable;
    for (auto op : ops) counter(op, o).inc();
    return;
  }
  for (std::size_t i = 0; i < result->size() && i < ops.size(); ++i)
    counter(ops[i], (*result)[i].is_error() ? kErrorReply : kOk).inc();
}

}  // namespace mercato::cache
