#include <string>

#include "http/middleware.hpp"
#include "trace/context.hpp"
#include "trace/span.hpp"

namespace mercato::http {

namespace {

// The caller's context, or nullopt to start a new trace. W3C Trace Context §3.2: traceparent
// is a single value, so two fields of it are as malformed as a bad one; tracestate may come in
// several fields that form one list, and is read only with a valid traceparent.
std::optional<trace::SpanContext> incoming_context(const Request& req) {
  std::optional<std::string_view> parent;
  std::string state;
  for (const auto& [name, value] : req.headers) {
    if (iequals(name, trace::traceparent_header)) {
      if (parent) return std::nullopt;
      parent = value;
    } else if (iequals(name, trace::tracestate_header)) {
      if (!state.empty()) state += ',';
      state += value;
    }
  }
  if (!parent) return std::nullopt;
  auto ctx = trace::parse_traceparent(*parent);
  if (ctx) ctx->tracestate = trace::sanitize_tracestate(state);
  return ctx;
}

std::string_view protocol_version(int version) { return version == 10 ? "1.0" : "1.1"; }

}  // namespace

Middleware tracing(std::shared_ptr<trace::Tracer> tracer, TrustedProxies trusted, int server_port) {
  return [tracer = std::move(tracer), trusted = std::move(trusted), server_port](
             Request& req, const Next& next) -> asio::awaitable<Response> {
    req.context.received = Clock::now();
    const auto incoming = incoming_context(req);
    auto trace = tracer->begin(incoming, trusted.contains(req.remote_addr));
    const auto method = method_name(req.method);
    // Named when it is known to be exported (below): by the route's template, or by the method
    // alone when none matched (a path may carry ids or anything a client typed: it never names
    // a span).
    trace::Span span(trace, trace::SpanId{}, {}, trace::SpanKind::server, req.context.received);
    req.context.trace = std::move(trace);
    req.context.span = span.id();

    Response res = co_await next(req);

    // OpenTelemetry: a server span fails on a 5xx only (a 4xx is the client's error). The code,
    // never a message, which may quote input. Set first: an error keeps the trace (below).
    if (res.status >= 500) {
      const std::string code = res.failure ? std::string(res.failure->code) : std::to_string(res.status);
      span.set("error.type", code);
      span.set_error(code);
    }
    // The request is done: the span's clock stops here, and its name and attributes, which
    // only an export shows, are made only for a trace that will be exported. At a low sample
    // ratio most traces are dropped, and making these was most of what recording them cost
    // (bench/results.md, tracing).
    // Ended where the metrics middleware read the clock (now, in a test's pipeline without it).
    if (span.stop_clock(req.context.answered != Clock::time_point{} ? req.context.answered : Clock::now())) {
      span.set("http.request.method", method);
      span.set("url.scheme", "http");
      span.set("network.protocol.version", protocol_version(req.version));
      span.set("server.port", server_port);
      // Empty: no template matched (404), or answered before routing (429, CORS preflight).
      if (!req.span_name.empty()) {
        span.set_name(req.span_name);
        span.set("http.route", req.span_name.substr(req.span_name.find(' ') + 1));
      } else {
        span.set_name(method);
      }
      span.set("http.response.status_code", res.status);
    }
    res.set_header(std::string(trace::traceparent_header), span.traceparent());
    co_return res;
  };
}

}  // namespace mercato::http
