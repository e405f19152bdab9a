#include <chrono>

#include "core/log.hpp"
#include "http/middleware.hpp"

namespace mercato::http {

Hooks access_log() {
  // The duration runs from the request's arrival (RequestContext::received); a pipeline
  // without the tracing middleware (a test's) has it start here.
  auto before = [](Request& req) -> std::optional<Response> {
    if (req.context.received == Clock::time_point{}) req.context.received = Clock::now();
    return std::nullopt;
  };
  auto after = [](Request& req, const Response& res) {
    const auto start = req.context.received;
    bool probe = req.route.starts_with("/health/") || req.route == "/metrics";
    // A failure made here is logged once, on this line, whatever the log level allows below
    // error: it is the line an operator looks for with the trace id of a 5xx.
    log::Level level = res.failure ? log::Level::error : probe ? log::Level::debug : log::Level::info;
    if (log::enabled(level)) {
      double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      const std::string span_id = req.context.span_id();
      if (res.failure) {
        log::write(level, "request",
                   {{"request_id", req.request_id},
                    {"trace_id", req.context.trace_id()},
                    {"span_id", span_id},
                    {"method", method_name(req.method)},
                    {"route", req.route},
                    {"status", res.status},
                    {"code", res.failure->code},
                    {"cause", res.failure->cause},
                    {"bytes", res.body.size()},
                    {"duration_ms", ms},
                    {"remote", req.remote_addr},
                    {"client", req.client_address}});
      } else {
        log::write(level, "request",
                   {{"request_id", req.request_id},
                    {"trace_id", req.context.trace_id()},
                    {"span_id", span_id},
                    {"method", method_name(req.method)},
                    {"route", req.route},
                    {"status", res.status},
                    {"bytes", res.body.size()},
                    {"duration_ms", ms},
                    {"remote", req.remote_addr},
                    {"client", req.client_address}});
      }
    }
  };
  return {.before = std::move(before), .after = std::move(after)};
}

}  // namespace mercato::http
