#pragma once
// What the Redis client tells about its calls, in spans and metric labels, and what it never
// tells. A command is named by its first argument only when that is a command Mercato uses (a
// fixed allow-list): the name is a span name and a metric label, so it must stay bounded, and
// nothing after the first argument — keys (the login throttle's carry emails), values, script
// arguments, AUTH's password — ever leaves the process.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cache/redis_reply.hpp"
#include "core/error.hpp"
#include "trace/scope.hpp"
#include "trace/span.hpp"

namespace mercato::cache::telemetry {

/// The commands named in spans and metrics, upper-case as OpenTelemetry's Redis conventions
/// spell db.operation.name; anything else is "OTHER".
inline constexpr std::string_view kCommands[] = {
    "GET",     "SET",      "MGET",   "DEL",    "EXISTS", "INCR",  "EXPIRE",   "PEXPIRE",
    "TTL",     "PTTL",     "EVAL",   "EVALSHA", "SCRIPT", "PUBLISH", "PING",   "AUTH",
    "SELECT",  "CLIENT",   "HELLO",  "BLPOP",  "LPUSH",  "RPUSH", "INFO",     "OTHER"};
inline constexpr std::size_t kCommandCount = std::size(kCommands);

/// Index in kCommands of a command's first argument, case-insensitively; the index of
/// "OTHER" for anything not listed.
std::size_t command_index(std::string_view first_arg);
inline std::string_view command_name(std::string_view first_arg) { return kCommands[command_index(first_arg)]; }

/// An error reply's kind ("WRONGTYPE", "NOSCRIPT") when it looks like one (upper-case letters,
/// at most 32), else "ERR": the rest of an error reply's text may quote what the caller sent.
std::string_view error_kind(const RedisReply& reply);

/// Where the spans say the server is.
struct Endpoint {
  std::string address;
  int port = 0;
  int db = 0;
  std::string client;  // RedisClient's name ("cache", "bus", ...)
};

/// Starts the client span of one exchange (one command or a pipeline) and sets what is known
/// before it is sent: name, db.system.name, db.operation.name, batch size, server, client.
/// `noscript_retry`: this is the EVAL that follows an EVALSHA answered NOSCRIPT.
trace::Span start_span(const trace::Scope& scope, const std::vector<std::vector<std::string>>& commands,
                       const Endpoint& endpoint, bool noscript_retry);
/// Sets the outcome: error.type and status for a transport failure (timeout, unavailable,
/// deadline), db.response.status_code and status for error replies. NOSCRIPT is not a failure
/// (the client loads the script and retries, in a span of its own).
void finish_span(trace::Span& span, const Result<std::vector<RedisReply>>& result);

}  // namespace mercato::cache::telemetry
