#include "services/gateway/proxy.hpp"

#include "core/log.hpp"
#include "http/deadline.hpp"
#include "http/envelope.hpp"
#include "http/middleware.hpp"
#include "trace/span.hpp"

namespace mercato::gateway {

namespace {

using Clock = std::chrono::steady_clock;

bool may_retry(http::Method m, const Error& e) {
  if (e.reason == http::upstream_failure::invalid) return false;  // as invalid for any instance
  if (http::never_sent(e)) return true;
  return http::idempotent(m) && e.reason != http::upstream_failure::timeout;
}

// What the client reads: which service failed and how, never an internal address. The
// access log's error line has the instance and the transport error (Response::failure), under
// the same trace id.
http::Response failure_response(const UpstreamGroup& group, const Error& e) {
  http::Response res;
  if (e.code == ErrorCode::gateway_timeout)
    res = http::error_response(
        Error{ErrorCode::gateway_timeout, "the " + group.service() + " service did not answer in time"});
  else if (e.reason == http::upstream_failure::protocol)
    res = http::error_response(
        Error{ErrorCode::bad_gateway, "the " + group.service() + " service sent an invalid response"});
  else
    res = http::error_response(Error{ErrorCode::bad_gateway, "the " + group.service() + " service could not be reached"});
  res.failure->cause = http::failure_cause(e);  // "upstream 127.0.0.2:8081: connect refused (connect)"
  return res;
}

http::Response unavailable(const UpstreamGroup& group) {
  auto res = http::error_response(
      Error{ErrorCode::service_unavailable, "the " + group.service() + " service is unavailable; retry shortly"});
  res.failure->cause = "every circuit breaker of " + group.service() + " is open";
  const auto wait = std::chrono::ceil<std::chrono::seconds>(group.retry_after());
  res.set_header("Retry-After", std::to_string(std::max<std::int64_t>(1, wait.count())));
  return res;
}

// Sets the field `name` of `out` to `text`, which must outlive the request (the field is a
// view of it), adding the field when absent: refreshed before a retry.
void set_field(http::ClientRequest& out, std::string_view name, const std::string& text) {
  for (auto& h : out.headers)
    if (h.first == name) {
      h.second = text;
      return;
    }
  out.headers.emplace_back(name, text);
}

// Sets (or refreshes, before a retry) the X-Request-Deadline-Ms of `out`, whose value lives
// in `text`; false when no budget would remain for the service.
bool set_budget(http::ClientRequest& out, std::string& text, Clock::time_point deadline) {
  auto left = http::budget_to_send(deadline, Clock::now());
  if (!left) return false;
  text = std::to_string(left->count());
  set_field(out, http::deadline_header, text);
  return true;
}

// The client span of one call to `group`: "<METHOD> <route template>" (the gateway's
// templates are the services' own), OpenTelemetry's HTTP client attributes, and which service.
trace::Span client_span(const http::Request& req, const UpstreamGroup& group, http::Method method) {
  trace::Span span = req.context.scope().start("upstream", trace::SpanKind::client);
  if (span.recording()) {
    if (req.span_name.empty()) span.set_name("upstream " + group.service());
    else if (method == req.method) span.set_name(req.span_name);  // named once, by the router
    else span.set_name(std::string(http::method_name(method)) + ' ' + http::route_for_span(req.route));
    span.set("http.request.method", http::method_name(method));
    span.set("mercato.upstream", group.service());
  }
  return span;
}

http::Response spent(const UpstreamGroup& group) {
  return http::error_response(Error{ErrorCode::gateway_timeout,
                                    "the request's time ran out before the " + group.service() + " service was asked"});
}

}  // namespace

http::Handler Proxy::to(UpstreamGroup& group) {
  return [this, &group](http::Request& req) { return forward(group, req); };
}

http::Handler Proxy::streaming_to(UpstreamGroup& group) {
  return [this, &group](http::Request& req) { return relay(group, req, /*streamed=*/true); };
}

asio::awaitable<http::Response> Proxy::forward(UpstreamGroup& group, http::Request& req) {
  return relay(group, req, /*streamed=*/false);
}

asio::awaitable<Result<http::ClientResponse>> Proxy::attempt(UpstreamGroup& group, Instance& inst,
                                                             const http::Request& req, http::ClientRequest& out,
                                                             std::string& traceparent, int resend,
                                                             Clock::time_point deadline) {
  trace::Span span = client_span(req, group, out.method);
  if (inst.address.socket.empty()) {
    span.set("server.address", inst.address.host);
    span.set("server.port", int{inst.address.port});
  } else {
    // OpenTelemetry's convention for a Unix domain socket: its path is the server's address.
    span.set("network.transport", "unix");
    span.set("server.address", inst.address.socket);
  }
  if (resend > 0) span.set("http.request.resend_count", resend);
  // The service continues this span's trace (it trusts the gateway's sampled flag): each
  // attempt is a span of its own, so a retry's server span hangs under its own attempt.
  traceparent = span.traceparent();
  if (!traceparent.empty()) set_field(out, trace::traceparent_header, traceparent);
  auto result = co_await client_.send(inst.pool, out, deadline);
  group.record(inst, result.ok() || result.error().reason == http::upstream_failure::invalid);
  if (!result) {
    // The reason ("connect", "timeout", "io", "protocol"), never the message, which names
    // addresses and echoes what the upstream sent.
    const std::string_view why = result.error().reason.empty() ? code_name(result.error().code)
                                                               : std::string_view(result.error().reason);
    span.set("error.type", why);
    span.set_error(why);
  } else {
    span.set("http.response.status_code", result->status);
    // A 4xx is the caller's doing and stays unset, unlike OpenTelemetry's client rule: the
    // tail rule keeps every failed trace, and the public's 404s are not failures.
    if (result->status >= 500) {
      span.set("error.type", std::to_string(result->status));
      span.set_error(std::to_string(result->status));
    }
  }
  co_return result;
}

asio::awaitable<http::Response> Proxy::relay(UpstreamGroup& group, http::Request& req, bool streamed) {
  // The request's deadline (UPSTREAM_TIMEOUT from its arrival, set by the deadline
  // middleware) bounds the exchange; timeout_ alone serves a request built without one.
  const auto deadline = std::min(Clock::now() + timeout_, req.context.deadline);
  std::string forwarded_for;
  http::ClientRequest out;
  // HEAD goes upstream as GET: the gateway's server derives a HEAD answer's Content-Length
  // from the body it is handed (and never sends that body), so it needs the body.
  out.method = req.method == http::Method::HEAD ? http::Method::GET : req.method;
  out.target = req.target;
  out.headers = upstream_request_headers(req, trusted_, forwarded_for);
  out.body = req.body;
  out.trace_id = req.context.trace_id();
  if (streamed) out.stream_idle_timeout = kStreamIdleTimeout;
  // The service gets what remains minus a margin, so it gives up (cancelling its statement)
  // before we stop waiting; whatever a client sent in that field is dropped.
  std::erase_if(out.headers, [](const auto& h) { return http::iequals(h.first, http::deadline_header); });
  std::string budget;
  if (!set_budget(out, budget, deadline)) co_return spent(group);
  // The caller's tracestate as this service accepted it (sanitized; the client's own field
  // was dropped with its traceparent).
  if (req.context.trace && !req.context.trace->tracestate().empty())
    out.headers.emplace_back(trace::tracestate_header, req.context.trace->tracestate());
  std::string traceparent;

  Instance* inst = group.pick();
  if (!inst) {
    trace::Span span = client_span(req, group, out.method);
    span.set("error.type", "circuit_open");
    span.set_error("circuit_open");
    co_return unavailable(group);
  }
  auto result = co_await attempt(group, *inst, req, out, traceparent, 0, deadline);
  if (!result && Clock::now() < deadline && may_retry(out.method, result.error())) {
    Instance* other = group.pick(inst);
    // None admitted but the one that refused: try past an open breaker (pick_past_breakers).
    if (!other && result.error().reason == http::upstream_failure::connect) other = group.pick_past_breakers(inst);
    if (other) {
      log::info("retrying upstream request on another instance",
                {{"request_id", req.request_id}, {"trace_id", req.context.trace_id()}, {"failed", inst->label},
                 {"error", result.error().message}, {"instance", other->label}});
      inst = other;
      if (!set_budget(out, budget, deadline)) co_return spent(group);
      result = co_await attempt(group, *inst, req, out, traceparent, 1, deadline);
    }
  }
  // A failure is logged once, by the access log, from Response::failure.
  if (!result) co_return failure_response(group, result.error());
  co_return downstream_response(std::move(result.value()));
}

}  // namespace mercato::gateway
