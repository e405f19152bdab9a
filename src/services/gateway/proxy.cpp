#include "services/gateway/proxy.hpp"

#include "core/log.hpp"
#include "http/deadline.hpp"
#include "http/envelope.hpp"

namespace mercato::gateway {

namespace {

using Clock = std::chrono::steady_clock;

bool idempotent(http::Method m) { return m == http::Method::GET || m == http::Method::HEAD; }

bool may_retry(http::Method m, const Error& e) {
  if (e.reason == http::upstream_failure::invalid) return false;  // as invalid for any instance
  if (http::never_sent(e)) return true;
  return idempotent(m) && e.reason != http::upstream_failure::timeout;
}

// What the client reads: which service failed and how, never an internal address (the
// log line has it, under the same request id).
http::Response failure_response(const UpstreamGroup& group, const Error& e) {
  if (e.code == ErrorCode::gateway_timeout)
    return http::error_response(
        Error{ErrorCode::gateway_timeout, "the " + group.service() + " service did not answer in time"});
  if (e.reason == http::upstream_failure::protocol)
    return http::error_response(
        Error{ErrorCode::bad_gateway, "the " + group.service() + " service sent an invalid response"});
  return http::error_response(Error{ErrorCode::bad_gateway, "the " + group.service() + " service could not be reached"});
}

http::Response unavailable(const UpstreamGroup& group) {
  auto res = http::error_response(
      Error{ErrorCode::service_unavailable, "the " + group.service() + " service is unavailable; retry shortly"});
  const auto wait = std::chrono::ceil<std::chrono::seconds>(group.retry_after());
  res.set_header("Retry-After", std::to_string(std::max<std::int64_t>(1, wait.count())));
  return res;
}

// Sets (or refreshes, before a retry) the X-Request-Deadline-Ms of `out`, whose value lives
// in `text`; false when no budget would remain for the service.
bool set_budget(http::ClientRequest& out, std::string& text, Clock::time_point deadline) {
  auto left = http::budget_to_send(deadline, Clock::now());
  if (!left) return false;
  text = std::to_string(left->count());
  for (auto& h : out.headers)
    if (h.first == http::deadline_header) {
      h.second = text;
      return true;
    }
  out.headers.emplace_back(http::deadline_header, text);
  return true;
}

http::Response spent(const UpstreamGroup& group) {
  return http::error_response(Error{ErrorCode::gateway_timeout,
                                    "the request's time ran out before the " + group.service() + " service was asked"});
}

}  // namespace

http::Handler Proxy::to(UpstreamGroup& group) {
  return [this, &group](http::Request& req) { return forward(group, req); };
}

asio::awaitable<http::Response> Proxy::forward(UpstreamGroup& group, http::Request& req) {
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
  // The service gets what remains minus a margin, so it gives up (cancelling its statement)
  // before we stop waiting; whatever a client sent in that field is dropped.
  std::erase_if(out.headers, [](const auto& h) { return http::iequals(h.first, http::deadline_header); });
  std::string budget;
  if (!set_budget(out, budget, deadline)) co_return spent(group);

  Instance* inst = group.pick();
  if (!inst) {
    log::warn("no upstream instance admitted: every circuit breaker is open",
              {{"request_id", req.request_id}, {"upstream", group.service()}});
    co_return unavailable(group);
  }
  auto result = co_await client_.send(inst->pool, out, deadline);
  group.record(*inst, result.ok() || result.error().reason == http::upstream_failure::invalid);
  if (!result && Clock::now() < deadline && may_retry(out.method, result.error())) {
    if (Instance* other = group.pick(inst)) {
      log::info("retrying upstream request on another instance",
                {{"request_id", req.request_id}, {"failed", inst->label}, {"error", result.error().message},
                 {"instance", other->label}});
      inst = other;
      if (!set_budget(out, budget, deadline)) co_return spent(group);
      result = co_await client_.send(inst->pool, out, deadline);
      group.record(*inst, result.ok() || result.error().reason == http::upstream_failure::invalid);
    }
  }
  if (!result) {
    log::warn("upstream request failed", {{"request_id", req.request_id},
                                          {"upstream", group.service()},
                                          {"instance", inst->label},
                                          {"error", result.error().message}});
    co_return failure_response(group, result.error());
  }
  co_return downstream_response(std::move(result.value()));
}

}  // namespace mercato::gateway
