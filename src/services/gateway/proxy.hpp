#pragma once
// Relays a request to one instance of a service and its answer back. Failures become the
// envelope: no instance admitted by its breaker → 503 service_unavailable (with
// Retry-After), no answer in time → 504 gateway_timeout, anything else → 502 bad_gateway.
//
// Each attempt is a client span of the request's trace, and the service gets that span's
// `traceparent` (never the client's) and the sanitized `tracestate`.
//
// Retries, at most one and always on another instance: GET and HEAD after any failure but
// a timeout (whose deadline is spent), other methods only when the request provably never
// left (the connection was refused), since a write may have been applied before its
// connection broke. A refused request also goes to an instance whose breaker is open when no
// other is admitted (a rolling restart: tests/cluster/cluster_rolling_restart.py).

#include <chrono>

#include "http/client.hpp"
#include "http/handler.hpp"
#include "services/gateway/forwarding.hpp"
#include "services/gateway/upstreams.hpp"

namespace mercato::gateway {

namespace asio = boost::asio;

class Proxy {
 public:
  /// `timeout` bounds a whole proxied request, a retry included (UPSTREAM_TIMEOUT).
  Proxy(http::Client& client, std::chrono::milliseconds timeout, TrustedProxies trusted)
      : client_(client), timeout_(timeout), trusted_(std::move(trusted)) {}

  /// A handler relaying every request it gets to `group` (which must outlive it).
  http::Handler to(UpstreamGroup& group);
  asio::awaitable<http::Response> forward(UpstreamGroup& group, http::Request& req);
  /// A handler relaying to `group` a route whose answer may be a streamed body (a CSV
  /// export): the request's deadline bounds the answer's head only; the body is relayed a
  /// piece at a time as the service sends it, each piece within kStreamIdleTimeout, with
  /// the client's back-pressure reaching the service (nothing is buffered but one piece).
  http::Handler streaming_to(UpstreamGroup& group);
  /// How long the gateway waits for each piece of a streamed body: longer than the catalog's
  /// own bound on a page of an export (export_service.hpp, 10 s), so the service gives up first.
  static constexpr std::chrono::milliseconds kStreamIdleTimeout{15000};

 private:
  /// One exchange with `inst` under a client span of its own (`resend`: 0 for the first
  /// attempt); sets the span's `traceparent` on `out`, keeping its text in `traceparent`.
  asio::awaitable<http::Response> relay(UpstreamGroup& group, http::Request& req, bool streamed);
  asio::awaitable<Result<http::ClientResponse>> attempt(UpstreamGroup& group, Instance& inst,
                                                        const http::Request& req, http::ClientRequest& out,
                                                        std::string& traceparent, int resend,
                                                        std::chrono::steady_clock::time_point deadline);

  http::Client& client_;
  std::chrono::milliseconds timeout_;
  TrustedProxies trusted_;
};

}  // namespace mercato::gateway
