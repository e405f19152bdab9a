#include "cache/redis_client.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>

#include <boost/asio/use_awaitable.hpp>

#include "cache/redis_connection.hpp"
#include "core/metrics.hpp"

namespace mercato::cache {
namespace {

metrics::Counter& commands_counter(const std::string& client, std::string_view result) {
  return metrics::Registry::global()
      .counter("redis_commands_total", "Redis commands by outcome: ok, error (an error reply), timeout, unavailable",
               {"client", "result"})
      .with({client, result});
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
      ok_(commands_counter(name, "ok")),
      error_reply_(commands_counter(name, "error")),
      timeout_(commands_counter(name, "timeout")),
      unavailable_(commands_counter(name, "unavailable")) {}

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
  return command_until(std::move(args), timeout, no_deadline);
}

asio::awaitable<Result<std::vector<RedisReply>>> RedisClient::pipeline(std::vector<std::vector<std::string>> commands,
                                                                       std::optional<Duration> timeout) {
  return pipeline_until(std::move(commands), timeout, no_deadline);
}

asio::awaitable<Result<RedisReply>> RedisClient::eval(const Script& script, std::vector<std::string> keys,
                                                      std::vector<std::string> args, std::optional<Duration> timeout) {
  return eval_until(script, std::move(keys), std::move(args), timeout, no_deadline);
}

asio::awaitable<Result<RedisReply>> RedisClient::command_until(std::vector<std::string> args,
                                                               std::optional<Duration> timeout,
                                                               Clock::time_point deadline) {
  std::vector<std::vector<std::string>> one;
  one.push_back(std::move(args));
  auto replies = co_await pipeline_until(std::move(one), timeout, deadline);
  if (!replies) co_return std::move(replies).error();
  co_return std::move(replies->front());
}

asio::awaitable<Result<std::vector<RedisReply>>> RedisClient::pipeline_until(
    std::vector<std::vector<std::string>> commands, std::optional<Duration> timeout, Clock::time_point deadline) {
  if (commands.empty()) co_return std::vector<RedisReply>{};
  for (const auto& args : commands) {
    if (Status ok = check_command(args); !ok) co_return std::move(ok).error();
  }
  // Not sent once due: the caller has stopped waiting for the answer.
  const auto now = Clock::now();
  if (now >= deadline) co_return redis_deadline_error();
  Duration wait = timeout.value_or(connection_->command_timeout());
  const bool request_bound = deadline - now < wait;
  if (request_bound) wait = std::chrono::duration_cast<Duration>(deadline - now);
  const std::size_t n = commands.size();
  auto result = co_await connection_->async_exchange(std::move(commands), wait, /*stall_signal=*/!request_bound,
                                                     asio::use_awaitable);
  count(result, n);
  if (!result && request_bound && result.error().reason == "timeout") co_return redis_deadline_error();
  co_return result;
}

asio::awaitable<Result<RedisReply>> RedisClient::eval_until(const Script& script, std::vector<std::string> keys,
                                                            std::vector<std::string> args,
                                                            std::optional<Duration> timeout,
                                                            Clock::time_point deadline) {
  std::vector<std::string> call = cmd("EVALSHA", script.sha1(), keys.size());
  call.reserve(call.size() + keys.size() + args.size());
  std::move(keys.begin(), keys.end(), std::back_inserter(call));
  std::move(args.begin(), args.end(), std::back_inserter(call));

  auto reply = co_await command_until(call, timeout, deadline);
  if (reply && reply->error_kind() == "NOSCRIPT") {
    call[0] = "EVAL";
    call[1] = script.source();
    reply = co_await command_until(std::move(call), timeout, deadline);
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

void RedisClient::count(const Result<std::vector<RedisReply>>& result, std::size_t commands) {
  if (!result) {
    (result.error().reason == "timeout" ? timeout_ : unavailable_).inc(static_cast<double>(commands));
    return;
  }
  for (const RedisReply& reply : *result) (reply.is_error() ? error_reply_ : ok_).inc();
}

}  // namespace mercato::cache
