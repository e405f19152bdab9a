#include "cache/redis_telemetry.hpp"

#include <algorithm>
#include <cctype>

namespace mercato::cache::telemetry {

std::size_t command_index(std::string_view first_arg) {
  for (std::size_t i = 0; i + 1 < kCommandCount; ++i) {
    const std::string_view name = kCommands[i];
    if (std::equal(name.begin(), name.end(), first_arg.begin(), first_arg.end(), [](char a, char b) {
          return a == std::toupper(static_cast<unsigned char>(b));
        }))
      return i;
  }
  return kCommandCount - 1;
}

std::string_view error_kind(const RedisReply& reply) {
  const std::string_view kind = reply.error_kind();
  const bool well_formed = !kind.empty() && kind.size() <= 32 &&
                           std::all_of(kind.begin(), kind.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  return well_formed ? kind : std::string_view("ERR");
}

trace::Span start_span(const trace::Scope& scope, const std::vector<std::vector<std::string>>& commands,
                       const Endpoint& endpoint, bool noscript_retry) {
  const bool batch = commands.size() > 1;
  const std::string_view first = commands.empty() || commands.front().empty()
                                     ? std::string_view("OTHER")
                                     : command_name(commands.front().front());
  trace::Span span = scope.start(batch ? "pipeline" : first, trace::SpanKind::client);
  if (!span.recording()) return span;
  span.set("db.system.name", "redis");
  if (batch) {
    // OpenTelemetry: a batch is "BATCH <op>" when every operation is the same, else "BATCH".
    const bool same = std::all_of(commands.begin(), commands.end(), [&](const auto& c) {
      return !c.empty() && command_name(c.front()) == first;
    });
    span.set("db.operation.name", same ? "BATCH " + std::string(first) : std::string("BATCH"));
    span.set("db.operation.batch.size", static_cast<std::int64_t>(commands.size()));
  } else {
    span.set("db.operation.name", first);
  }
  span.set("db.namespace", std::to_string(endpoint.db));
  span.set("server.address", endpoint.address);
  span.set("server.port", endpoint.port);
  span.set("mercato.redis.client", endpoint.client);
  if (noscript_retry) span.set("mercato.redis.noscript_fallback", true);
  return span;
}

void finish_span(trace::Span& span, const Result<std::vector<RedisReply>>& result) {
  if (!span.recording()) return;
  if (!result) {
    // "timeout", "disconnected", "deadline": the reasons the client's errors carry.
    const std::string& reason = result.error().reason;
    const std::string_view type = reason == "timeout"    ? "timeout"
                                  : reason == "deadline" ? "deadline"
                                  : result.error().code == ErrorCode::bad_request ? "refused"
                                                                                  : "unavailable";
    span.set("error.type", type);
    span.set_error(type);
    return;
  }
  std::int64_t errors = 0;
  std::string_view kind;
  for (const RedisReply& reply : *result) {
    if (!reply.is_error()) continue;
    ++errors;
    if (kind.empty()) kind = error_kind(reply);
  }
  if (errors == 0) return;
  span.set("db.response.status_code", kind);
  if (result->size() > 1) span.set("mercato.redis.error_replies", errors);
  if (kind == "NOSCRIPT" && result->size() == 1) return;  // expected: EVAL follows
  span.set("error.type", kind);
  span.set_error(kind);
}

}  // namespace mercato::cache::telemetry
